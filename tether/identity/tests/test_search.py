"""The register search, table-driven: spelling, nicknames, transliteration, lenient dates of birth, identifiers,
references, postcodes and force scope; bounded input; audit."""

from __future__ import annotations

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import Forbidden, ValidationFailed
from tether.identity.search import SearchTerms, search_people

pytestmark = pytest.mark.django_db


def _top(user, **terms):
    _, rows = search_people(user, SearchTerms(**terms))
    return rows


CASES = [
    # terms, the expected best match, a reason it must give
    ({"name": "Addams"}, "addams", "name"),
    ({"name": "Adums"}, "addams", "surname sounds like"),
    ({"name": "Smyth"}, "smith", "surname sounds like"),
    ({"name": "smiht"}, "smith", "surname spelt differently"),
    ({"name": "Jonson"}, "johnson", "surname spelt differently"),
    ({"name": "Mohamed Khan"}, "khan", "given name is a nickname"),
    ({"name": "Muhammad"}, "khan", "given name is a nickname"),
    ({"name": "Paweł Kozłowski"}, "kozlowski", "name"),
    ({"name": "kozlowski pawel"}, "kozlowski", "name"),
    ({"name": "Pavel Kozlowsky"}, "kozlowski", "surname spelt differently"),
    ({"name": "Soren Orsted"}, "nordic", "name"),
    ({"name": "obrien"}, "obrien", "name"),
    ({"name": "Bill Brown"}, "brown", "given name is a nickname"),
    ({"name": "Bill Green"}, "brown", "alias"),
    ({"name": "mary addams", "dob": "27/06/1965"}, "addams", "date of birth"),
    ({"name": "addams", "dob": "28/06/1965"}, "addams", "DOB one digit different"),
    ({"name": "johnson", "dob": "03/04/1975"}, "johnson", "DOB day/month swapped"),
    ({"name": "smith", "dob": "15/01/1969"}, "smith", "DOB year ±1"),
    ({"name": "addams", "dob": "1965"}, "addams", "DOB year"),
    ({"name": "addams", "dob": "06/1965"}, "addams", "DOB year and month"),
    ({"dob": "27/06/1965"}, "addams", "date of birth"),
    ({"ni": "ab 12 34 56 c"}, "addams", "NI number"),
    ({"ni": "AB123457C"}, "addams", "NI number one character different"),
    ({"pnc": "01/123456" + "X"}, "addams", "PNC ID one character different"),
    ({"postcode": "sw1a1aa"}, "addams", "postcode"),
    ({"postcode": "SW1A"}, "addams", "postcode district"),
]


@pytest.mark.parametrize(("terms", "key", "reason"), CASES)
def test_finds_the_person_however_written(officer, register, terms, key, reason):
    rows = _top(officer, **terms)
    assert rows, terms
    assert rows[0].person.pk == register[key].pk, [(r.person.display_name, r.score, r.reasons) for r in rows]
    assert reason in rows[0].reasons
    assert 0 < rows[0].score <= 1


def test_pnc_in_full_and_reference_in_part(officer, register):
    person = register["addams"]
    assert _top(officer, pnc=person.pnc_id)[0].reasons == ["PNC ID"]
    number = str(int(person.reference.split("-")[1]))
    rows = _top(officer, reference=number)
    assert [r.person.pk for r in rows] == [person.pk]
    assert [r.person.pk for r in _top(officer, reference=person.reference.lower())] == [person.pk]


def test_a_date_of_birth_narrows_and_never_lists_everyone(officer, register):
    rows = _top(officer, dob="01/01/2001")
    assert rows == []
    assert len(_top(officer, dob="27/06/1965")) == 1


def test_no_true_match_scores_low(officer, register):
    rows = _top(officer, name="Zebedee Quartermaine")
    assert all(r.score < 0.9 for r in rows)
    assert not _top(officer, name="ewman")


def test_ranked_exact_first(officer, register, make_doc):
    rows = _top(officer, name="smith")
    assert rows[0].score == 1.0


def test_force_scope_own_named_and_national(other_officer, officer, register):
    assert _top(other_officer, name="addams") == []  # own force by default
    rows = _top(other_officer, name="addams", force="ALL")
    assert [r.level for r in rows] == ["limited"]
    assert [r.person.pk for r in _top(other_officer, name="addams", force="mps")] == [register["addams"].pk]
    assert [r.level for r in _top(officer, name="addams")] == ["full"]


def test_roles_without_personal_data_cannot_search(analyst, auditor, register):
    for user in (analyst, auditor):
        with pytest.raises(Forbidden):
            search_people(user, SearchTerms(name="addams"))


def test_every_search_is_audited_with_its_terms(officer, register):
    _top(officer, name="adums", dob="1965")
    ev = AuditEvent.objects.filter(action="person.search").last()
    assert ev.personal["name"] == "adums" and ev.personal["dob"] == "1965" and ev.detail["results"] == 1
    assert "adums" not in str(ev.detail)  # the terms are withheld from auditors


BAD = [
    ({"name": "a b c d e f g h i"}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "smith\x00"}, "name"),
    ({"name": "smith\u2028jones"}, "name"),
    ({"name": "smith\ud800"}, "name"),
    ({"dob": "31/02/1965"}, "dob"),
    ({"dob": "x" * 21}, "dob"),
    ({"postcode": "nowhere"}, "postcode"),
    ({"ni": "12345"}, "ni"),
    ({"pnc": "pnc"}, "pnc"),
    ({"reference": "TTH-ABC"}, "reference"),
    ({"force": "NOPE"}, "force"),
    ({"status": "asleep"}, "status"),
]


@pytest.mark.parametrize(("terms", "field"), BAD)
def test_bad_input_is_refused_naming_the_field(officer, register, terms, field):
    with pytest.raises(ValidationFailed) as exc:
        search_people(officer, SearchTerms(**terms))
    assert set(exc.value.errors) == {field}
    assert not AuditEvent.objects.filter(action="person.search").exists()  # nothing was searched


def test_eight_common_words_stay_bounded(officer, register):
    # many candidate words: no "Expression tree is too large", results capped
    rows = _top(officer, name="smith jon mary bill peter sean soren pawel")
    assert len(rows) <= 25


def test_merged_records_leave_the_search_and_their_reference_finds_the_survivor(supervisor, register):
    from tether.identity.services import merge_people

    survivor, merged = register["smith"], register["johnson"]
    merge_people(supervisor, survivor.pk, merged.pk, reason="Same fingerprints on both custody records")
    assert [r.person.pk for r in _top(supervisor, name="peter johnson")] == [survivor.pk]
    rows = _top(supervisor, reference=merged.reference)
    assert [r.person.pk for r in rows] == [survivor.pk] and rows[0].reasons == ["merged record's reference"]


def test_api_search_ranks_with_reasons_and_takes_a_limit(officer, register, api_client):
    api = api_client(officer)
    r = api.get("/api/v1/people/search", {"name": "Adums", "dob": "28/06/1965", "limit": 1})
    assert r.status_code == 200, r.content
    body = r.json()
    assert len(body["results"]) == 1 and body["results"][0]["reference"] == register["addams"].reference
    assert {"surname sounds like", "DOB one digit different"} <= set(body["results"][0]["reasons"])
    assert AuditEvent.objects.filter(action="person.search").count() == 1
    for limit in (0, 101, "x"):
        assert api.get("/api/v1/people/search", {"name": "Adums", "limit": limit}).status_code in (400, 422)
    for page in (0, 10_000_000, "x"):  # the page rule of every paged list (1 to 9,999,999)
        refused = api.get("/api/v1/people/search", {"name": "Adums", "page": page})
        assert refused.status_code in (400, 422) and "page" in refused.content.decode(), page
    assert api.get("/api/v1/people/search", {"name": "Adums", "page": 9_999_999}).status_code == 200


def test_a_seven_digit_reference_is_read(officer, register):
    from tether.identity import matching as m

    assert m.reference_number("TTH-1000000") == 1_000_000 and m.reference_number("1000000") == 1_000_000
    with pytest.raises(ValueError, match="reference"):
        m.reference_number("12345678")


def test_a_corrected_date_of_birth_is_searched_at_once(officer, register):
    """Name keys carry the date of birth (the index a search with a date of birth reads): a correction keeps them in
    step, so the person is found by the new date and no longer by the old."""
    from tether.identity.models import NameKey
    from tether.register.services import identity_update

    person = register["addams"]
    assert set(NameKey.objects.filter(person=person).values_list("date_of_birth", flat=True)) == {
        person.date_of_birth}
    identity_update(officer, person.pk, {"date_of_birth": "1966-02-11"})
    rows = _top(officer, name="mary addams", dob="11/02/1966")
    assert rows and rows[0].person.pk == person.pk and "date of birth" in rows[0].reasons
    assert not [r for r in _top(officer, name="mary addams", dob="27/06/1965") if r.person.pk == person.pk]


@pytest.mark.parametrize("bad", ["two", "0", "9" * 10_000, " ".join(["word"] * 1000)])
def test_the_search_page_refuses_a_page_that_is_not_a_page_number(other_officer_client, bad):
    refused = other_officer_client.get("/people/", {"name": "smith", "page": bad})
    assert refused.status_code == 400
    assert "Page must be a whole number from 1 to 9,999,999" in refused.content.decode()
    assert other_officer_client.get("/people/", {"name": "smith", "page": "2"}).status_code == 200
