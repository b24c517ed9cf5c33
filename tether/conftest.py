"""Fixed personas and a valid registrant document, shared by every app's tests."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from tether.access.constants import Role
from tether.access.forces import ensure_forces
from tether.access.models import Force, User
from tether.access.testing import PERSONA_PASSWORD, VerifiedClient, verified_login

DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup", "live_server"})


# Tests that run against one of the two databases only (both runs must fit CI's 15 minutes on 2 cores):
# - the contract walkers (every route as every persona, the API fuzzers) and the batch re-materialisation's oracle run
#   on PostgreSQL, the production database: its stricter types (integer ranges, NUL in text) and its
#   aborted-transaction rule are where a generated value could still become a server error, and the bulk writes take
#   their COPY path there (hostile values at every input, ``test_hostile_walk``, run on both);
# - the tracing tests (Splink in process, over registers read through the ORM) run on SQLite: their code holds no
#   database-specific statement (``BOTH`` names the exceptions); so do the demo load's SQLite bulk settings (the value
#   indexes built after the batches), which PostgreSQL does not have.
POSTGRESQL_ONLY = (
    "tether/access/tests/test_route_walk.py", "tether/access/tests/test_api_admin_fuzz.py",
    "tether/register/tests/test_api_fuzz.py", "tether/register/tests/test_batch_materialise.py",
    "tether/register/tests/test_obligation_walk.py",
)
SQLITE_ONLY = ("tether/tracing/tests/", "tether/demo/tests/test_sqlite_load.py")
# ... except these, which test database-specific statements (the job queue's SKIP LOCKED)
BOTH = ("tether/tracing/tests/test_jobs.py",)


def _where(item: Any) -> str:
    return str(item.nodeid).split("::", 1)[0]  # the test file, from the project's root


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """On PostgreSQL, a test that never touches a database (the pure rules engine, disclosure control, the linkage
    engine) is skipped: the same code ran it on SQLite, and the PostgreSQL run is there for the database. So is a
    test that drives Chromium (marked ``browser``): the pages it walks are the same code on both databases, their
    database work is covered on PostgreSQL by the page, API and journey tests, and the SQLite run drives them. The
    tests named in ``POSTGRESQL_ONLY`` and ``SQLITE_ONLY`` run against that database only (see there why)."""
    on_postgresql = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    skip = pytest.mark.skip(reason="needs no database: it runs in the SQLite run")
    skip_browser = pytest.mark.skip(reason="drives Chromium: it runs in the SQLite run")
    skip_sqlite_only = pytest.mark.skip(reason="runs in the SQLite run (tether/conftest.py SQLITE_ONLY)")
    skip_postgresql_only = pytest.mark.skip(reason="runs in the PostgreSQL run (tether/conftest.py POSTGRESQL_ONLY)")
    for item in items:
        where = _where(item)
        pg_only = where in POSTGRESQL_ONLY
        if not on_postgresql:
            if pg_only and _uses_database(item):
                item.add_marker(skip_postgresql_only)
            continue
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip_browser)
        elif not _uses_database(item):
            item.add_marker(skip)
        elif not pg_only and where.startswith(SQLITE_ONLY) and where not in BOTH:
            item.add_marker(skip_sqlite_only)

FROZEN_AT = datetime(2025, 6, 16, 11, 0, tzinfo=UTC)  # a Monday; every test clock starts here

BASE_DOC: dict[str, Any] = {
    "force": "MPS",
    "synthetic": True,
    "date_of_birth": "1980-04-02",
    "sex": "male",
    "ni_number": "AB123456C",
    "pnc_id": "",  # set with its check letter by make_doc
    "names": [
        {"kind": "birth", "given_names": "Alan", "family_name": "Testperson", "valid_from": "1980-04-02"},
    ],
    "addresses": [
        {"kind": "home", "line1": "1 Synthetic Street", "town": "London", "postcode": "SW1A 1AA",
         "valid_from": "2020-01-01"},
    ],
    "disposals": [
        {"date": "2020-03-04", "offence": "Sexual assault (synthetic)", "offence_code": "SOA03-3",
         "kind": "imprisonment", "months": 8},
    ],
    "detentions": [{"kind": "custody", "start": "2020-03-04", "end": "2020-07-01"}],
    "notifications": [
        {"kind": "initial", "received_at": "2020-07-02T10:00:00Z", "station": "Charing Cross Police Station",
         "officer": "PC 1234"},
        {"kind": "periodic", "received_at": "2021-07-01T10:00:00Z", "station": "Charing Cross Police Station",
         "officer": "PC 1234"},
    ],
}


def _with_check_letter(doc: dict[str, Any]) -> dict[str, Any]:
    from tether.register.identifiers import pnc_check_letter

    doc["pnc_id"] = "2001/0123456" + pnc_check_letter("2001", "0123456")
    return doc


def registrant_doc(**overrides: Any) -> dict[str, Any]:
    """A valid registrant document; keyword arguments replace top-level keys."""
    doc = _with_check_letter(copy.deepcopy(BASE_DOC))
    doc.update(overrides)
    return doc


@pytest.fixture
def make_doc() -> Callable[..., dict[str, Any]]:
    """``registrant_doc``."""
    return registrant_doc


def _module_may_share(request: Any) -> None:
    """Each database test of the module asks for the register built once (``request.fixturename``), none commits."""
    unasked = []
    for item in request.session.items:
        if getattr(item, "module", None) is not request.module or not _uses_database(item):
            continue
        if {"live_server", "transactional_db"} & set(item.fixturenames) or any(
                m.kwargs.get("transaction") for m in item.iter_markers("django_db")):
            raise RuntimeError(f"{item.nodeid} commits: its module cannot share a register built once (per_module)")
        if request.fixturename not in item.fixturenames:
            unasked.append(item.nodeid)
    if unasked:
        raise RuntimeError(f"these tests would see {request.fixturename} (built once for their module) without asking "
                           f"for it: move them to a module of their own: {', '.join(unasked)}")


def per_module(build: Callable[..., Any], *after: str) -> Any:
    """A module-scoped fixture: what ``build`` writes (on the frozen clock) inside an atomic block left open for the
    module, rolled back after its last test. Each test runs in a savepoint of it (pytest-django's ``db``), so it sees
    the register as built and its own writes are undone, as with Django's ``setUpTestData``; it should take a copy of
    the objects returned (``copy.deepcopy``). ``build`` is passed the values of the module fixtures named in
    ``after`` (built first, in the same way). Only for modules whose database tests all ask for it and never commit
    (no ``live_server`` or ``transactional_db``): checked."""

    @pytest.fixture(scope="module")
    def fixture(request: Any, django_db_setup: Any, django_db_blocker: Any) -> Any:
        from django.db import transaction
        from django.test import override_settings

        _module_may_share(request)
        inputs = [request.getfixturevalue(name) for name in after]
        with django_db_blocker.unblock():
            block = transaction.atomic()
            block.__enter__()
            try:
                with time_machine.travel(FROZEN_AT, tick=False), override_settings(
                        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                    built = build(*inputs)
            except BaseException:
                transaction.set_rollback(True)
                block.__exit__(None, None, None)
                raise
        yield built
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)

    return fixture


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """On PostgreSQL the test databases commit without waiting for the write-ahead log to reach the disk: a
    crash loses only a test database, and transactional tests and migrations commit often."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        options = db.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


def _uses_database(item: Any) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    """Personas' passwords are hashed cheaply in tests; Argon2 itself is configured in settings (test_settings.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client(db: Any) -> Callable[[User], Any]:
    """``api_client(user)``: a test client for the API presenting a fresh personal token of ``user``."""
    from django.test import Client

    from tether.access.services import token_create

    def for_user(user: User) -> Client:
        raw, _ = token_create(user.username)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return for_user


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


def _user(username: str, role: str, force_code: str | None, first_name: str = "", last_name: str = "Persona") -> User:
    """The persona (made once: a register built once for a module, ``per_module``, may have made it already)."""
    ensure_forces()
    made = User.objects.filter(username=username).first()
    if made is not None:
        return made
    force = Force.objects.get(code=force_code) if force_code else None
    return User.objects.create_user(
        username=username, password=PERSONA_PASSWORD, role=role, force=force,
        first_name=first_name or username.split(".")[0].title(), last_name=last_name,
    )


@pytest.fixture
def officer(db) -> User:
    """An offender manager in the owning force (MPS)."""
    return _user("officer.mps", Role.OFFICER, "MPS")


@pytest.fixture
def other_officer(db) -> User:
    """An offender manager in another force (GMP)."""
    return _user("officer.gmp", Role.OFFICER, "GMP", "Olive", "Okafor")


@pytest.fixture
def supervisor(db) -> User:
    return _user("supervisor.mps", Role.SUPERVISOR, "MPS")


@pytest.fixture
def analyst(db) -> User:
    return _user("analyst.mps", Role.ANALYST, "MPS")


@pytest.fixture
def auditor(db) -> User:
    return _user("auditor", Role.AUDITOR, None)


def national_admin_user() -> User:
    """The national administrator persona (``national_admin``; also for a register built once, ``per_module``)."""
    return _user("admin.national", Role.NATIONAL_ADMIN, None)


@pytest.fixture
def national_admin(db) -> User:
    return national_admin_user()


@pytest.fixture
def partner(db) -> User:
    """A probation officer: sees only registrants assigned to them."""
    return _user("partner.mps", Role.PARTNER, "MPS")


@pytest.fixture
def force_admin(db) -> User:
    return _user("admin.mps", Role.FORCE_ADMIN, "MPS")


@pytest.fixture
def gmp(db: Any) -> Force:
    ensure_forces()
    return Force.objects.get(code="GMP")


@pytest.fixture
def mps(db: Any) -> Force:
    ensure_forces()
    return Force.objects.get(code="MPS")


@pytest.fixture
def gmp_person(other_officer: User) -> Any:
    """A registrant of Greater Manchester Police (``register.testing.person_doc``: John Smith)."""
    from tether.register.services import person_create
    from tether.register.testing import named, person_doc

    return person_create(other_officer, person_doc(names=named("John", "Smith")))


@pytest.fixture
def mps_person(officer: User) -> Any:
    """A registrant of the Metropolitan Police (Mary Jones)."""
    from tether.register.services import person_create
    from tether.register.testing import mps_person_doc

    return person_create(officer, mps_person_doc())


@pytest.fixture
def verified_client() -> VerifiedClient:
    """A test client whose ``force_login`` also passes two-factor sign-in (TETHER_REQUIRE_2FA). Tests of the
    sign-in journey use an unverified client."""
    return VerifiedClient()


@pytest.fixture
def other_officer_client(verified_client: VerifiedClient, other_officer: User) -> Any:
    """Signed in (two-factor verified) as the other force's officer (GMP)."""
    return verified_login(verified_client, other_officer)


# --- headless Chromium (Debian's, never a downloaded one) ---------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser() -> Any:
    """Debian's Chromium driven by Playwright. Skips when it is missing, unless TETHER_REQUIRE_BROWSER=1 (CI)."""
    import os
    from pathlib import Path

    required = os.environ.get("TETHER_REQUIRE_BROWSER") == "1"
    if not Path(CHROMIUM).exists():
        if required:
            pytest.fail(f"{CHROMIUM} is missing and TETHER_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")
    try:
        from playwright import sync_api
    except ImportError:
        if required:
            pytest.fail("playwright is not installed and TETHER_REQUIRE_BROWSER=1")
        pytest.skip("playwright is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the sync Playwright API runs an event loop in this thread
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def signed_in_page(browser: Any, live_server: Any) -> Callable[[User], Any]:
    """A page in a fresh browser context already signed in (and two-factor verified) as the given user.

    Journeys about the sign-in itself sign in through the form instead (tether/register/tests/test_browser.py)."""
    from django.conf import settings
    from django.test import Client

    from tether.access.testing import verified_login

    def open_as(user: User) -> Any:
        client = Client()
        verified_login(client, user)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": live_server.url}])
        return context.new_page()

    return open_as
