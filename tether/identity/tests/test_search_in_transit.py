"""A registrant being transferred shows as a full record (not a national index row) to the receiving force in the
register search, on the web, the API and the CLI, until the transfer is decided; a third force still sees the
index entry (the register's own rule, ``register.guards``)."""

from __future__ import annotations

import pytest

from tether.access.constants import Role
from tether.access.models import Force, User
from tether.identity.commands import run_search
from tether.identity.search import SearchTerms, search_people
from tether.register.transfers import transfer_accept, transfer_refuse, transfer_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_officer(db) -> User:
    return User.objects.create_user(username="officer.wyp", password="correct-horse-battery", role=Role.OFFICER,
                                    force=Force.objects.get(code="WYP"), first_name="Wyn", last_name="Persona")


def _levels(user, force: str = "ALL") -> list[str]:
    _, rows = search_people(user, SearchTerms(name="addams", force=force))
    return [r.level for r in rows]


def test_the_receiving_force_sees_the_full_record_until_decided(officer, other_officer, third_officer, register):
    assert _levels(other_officer) == ["limited"]
    transfer = transfer_start(officer, register["addams"].pk, {"to_force": "GMP", "move_date": "2025-06-10"})
    assert _levels(other_officer) == ["full"]
    assert _levels(other_officer, force="MPS") == ["full"]
    assert _levels(officer) == ["full"]  # the sending force still owns it
    assert _levels(third_officer) == ["limited"]
    transfer_accept(other_officer, transfer.pk)
    assert _levels(other_officer) == ["full"] and _levels(officer) == ["limited"]


def test_a_refused_transfer_ends_the_receiving_forces_view(officer, other_officer, register):
    transfer = transfer_start(officer, register["addams"].pk, {"to_force": "GMP", "move_date": "2025-06-10"})
    transfer_refuse(other_officer, transfer.pk, {"reason": "The address is in our area only for a week."})
    assert _levels(other_officer) == ["limited"]


def test_web_api_and_cli_agree(officer, other_officer, register, client, api_client):
    person = register["addams"]
    transfer_start(officer, person.pk, {"to_force": "GMP", "move_date": "2025-06-10"})
    client.force_login(other_officer)
    page = client.get("/people/", {"name": "addams", "force": "ALL"}).content.decode()
    assert person.reference in page and "National index" not in page
    body = api_client(other_officer).get("/api/v1/people/search", {"name": "addams", "force": "ALL"}).json()
    assert [(r["reference"], r["access"]) for r in body["results"]] == [(person.reference, "full")]
    cli = run_search(other_officer.username, SearchTerms(name="addams", force="ALL"))
    assert [(r["reference"], r["access"]) for r in cli["results"]] == [(person.reference, "full")]
