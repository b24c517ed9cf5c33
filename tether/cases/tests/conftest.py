from tether.compliance.tests.conftest import inspector, registrant  # noqa: F401  (shared fixtures)
