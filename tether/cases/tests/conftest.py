from tether.compliance.tests.conftest import fast_passwords, inspector, registrant  # noqa: F401  (shared fixtures)
