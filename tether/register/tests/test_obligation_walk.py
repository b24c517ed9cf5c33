"""Every obligation the UK rules engine knows, arising from register data alone.

Each case records one registrant through the register's own services (``register.services*``, ``register.legal``,
``register.prescribed_services``: the write path the web pages, the API and the import share), with no facts given
to the engine by hand, then reads the obligation the register stored for it (``PersonObligation``, what the
person page, the sweep and the digest read) and checks its trigger, due date, status, citation and wording.

The walk fails when the engine gains something it does not cover: a new obligation kind (``ObligationKind``), a new
kind of change event (``EventKind``), a new prescribed item (``PrescribedItem``) or a new UK jurisdiction, each with
its own citations for travel, the weekly no-fixed-abode duty and the prescribed items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

import pytest

from tether.access.constants import Role
from tether.access.forces import ensure_forces
from tether.access.models import Force, User
from tether.obligations import constants as C
from tether.obligations.engine import JURISDICTION_RULES
from tether.obligations.types import EVENT_KINDS, PRESCRIBED_ITEMS, ObligationKind
from tether.obligations.uk import UKRules
from tether.register.legal import (
    detention_record,
    detention_release,
    order_record,
    removal_record,
    review_apply,
    review_decide,
)
from tether.register.models import Person, PersonObligation
from tether.register.prescribed_services import prescribed_end, prescribed_record
from tether.register.services import address_record, name_record, notification_record, person_create
from tether.register.services_travel import advance_notice_record, stay_record, trip_record

pytestmark = pytest.mark.django_db

# The US SORNA regime's duty (sorna.py): no UK record gives rise to it.
US_ONLY: frozenset[str] = frozenset({"verification"})
STATION = "Charing Cross Police Station"
HOMES = {"MPS": "SW1A 1AA", "PSNI": "BT1 1AA", "PSOS": "EH1 1AA"}


@dataclass(frozen=True)
class Expect:
    """One obligation the register must store: of ``kind``, arising on ``trigger``, due by ``due``, with its status,
    its citation and words of its explanation; ``event`` is the kind of change event behind it, ``item`` the
    prescribed item."""

    kind: str
    trigger: str
    due: str
    status: str
    citation: str
    says: str
    event: str = ""
    item: str = ""


Actors = dict[str, User]
Case = Callable[[Actors], tuple[Person, list[Expect]]]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(fn: Case) -> Case:
        CASES[name] = fn
        return fn

    return register


# --- writing through the services ------------------------------------------------------------------------------


def _registrant(actor: User, *disposals: tuple[str, str], born: str = "1970-01-01") -> Person:
    """A registrant of the actor's force: each disposal as (date, kind), a home address since 2000."""
    force = actor.force.code if actor.force else "MPS"
    return person_create(actor, {
        "synthetic": True, "date_of_birth": born, "sex": "male",
        "names": [{"kind": "birth", "given_names": "Walk", "family_name": "Testcase", "valid_from": born}],
        "addresses": [{"kind": "home", "line1": "1 Synthetic Street", "postcode": HOMES[force],
                       "valid_from": "2000-01-01"}],
        "disposals": [{"date": day, "kind": kind, "offence": "Sexual assault (SOA 2003 s.3)",
                       **({"months": 8} if kind == "imprisonment" else {})} for day, kind in disposals],
    })


def _notify(actor: User, person: Person, kind: str, day: str, **extra: Any) -> None:
    notification_record(actor, person.pk, {"kind": kind, "received_at": f"{day}T10:00:00Z", "station": STATION,
                                            **extra})


def _notified(actor: User) -> Person:
    """Convicted on 10 January 2024, and notified the next day."""
    person = _registrant(actor, ("2024-01-10", "other"))
    _notify(actor, person, "initial", "2024-01-11")
    return person


def _trip(actor: User, person: Person, departure: str, back: str, notified: str, country: str = "FR",
          short_notice: bool = False) -> None:
    trip_record(actor, person.pk, {"departure": departure, "return_date": back, "countries": country,
                                   "short_notice": short_notice, "received_at": f"{notified}T10:00:00Z",
                                   "station": STATION})


def _held(actor: User, person: Person, kind: str, basis: str, start: str, end: str) -> None:
    period = detention_record(actor, person.pk, {"kind": kind, "basis": basis, "start": start})
    detention_release(actor, person.pk, period.pk, {"end": end})


# --- s.83 initial notification ---------------------------------------------------------------------------------


@case("initial after a conviction")
def _conviction(a: Actors) -> tuple[Person, list[Expect]]:
    person = _registrant(a["MPS"], ("2025-06-10", "other"))
    return person, [Expect("initial", "2025-06-10", "2025-06-12", "overdue", "SOA 2003 s.83(1)",
                           "Initial notification after the conviction or finding on 10 June 2025")]


@case("initial after a caution, met; the annual notification from it")
def _caution(a: Actors) -> tuple[Person, list[Expect]]:
    person = _registrant(a["MPS"], ("2025-06-13", "caution"))
    _notify(a["MPS"], person, "initial", "2025-06-14")
    return person, [
        Expect("initial", "2025-06-13", "2025-06-15", "met", "SOA 2003 s.83(1)", "after the caution on 13 June 2025"),
        Expect("periodic", "2025-06-14", "2026-06-14", "due", "SOA 2003 s.85(1)",
               "one year after the last notification on 14 June 2025"),
    ]


@case("initial after a release from the custody the conviction began with")
def _after_custody(a: Actors) -> tuple[Person, list[Expect]]:
    person = _registrant(a["MPS"], ("2024-11-04", "imprisonment"))
    _held(a["MPS"], person, "custody", "sentence", "2024-11-04", "2025-06-09")
    return person, [Expect("initial", "2024-11-04", "2025-06-11", "overdue", "SOA 2003 s.83(1)",
                           "not counting days in custody, hospital or abroad")]


@case("the 1997 Act: initial, change, periodic from 1 May 2004, travel under the 2001 and 2004 Regulations")
def _act_1997(a: Actors) -> tuple[Person, list[Expect]]:
    actor = a["MPS"]
    person = _registrant(actor, ("1999-05-03", "life"), born="1960-01-01")
    _notify(actor, person, "initial", "1999-05-10")
    name_record(actor, person.pk, {"kind": "current", "given_names": "Walk", "family_name": "Renamed",
                                   "valid_from": "2000-02-01"})
    _trip(actor, person, "2002-03-01", "2002-03-15", notified="2002-02-25")
    _trip(actor, person, "2008-03-01", "2008-03-05", notified="2008-02-01")
    return person, [
        Expect("initial", "1999-05-03", "1999-05-16", "met", "SOA 1997 s.2(1)", "14 days beginning with that day"),
        Expect("change", "2000-02-01", "2000-02-14", "overdue", "SOA 1997 s.2(2)", "change of name on 1 February 2000",
               event="name_change"),
        Expect("periodic", "2004-05-01", "2005-05-01", "overdue", "SOA 2003 s.85(1)(a)",
               "made under the Sex Offenders Act 1997"),
        Expect("travel", "2002-03-01", "2002-02-28", "met", C.TRAVEL_2001_CITATION, "a trip of 8 days or longer",
               event="departure"),
        Expect("travel", "2008-03-01", "2008-02-23", "met", "SOA 2003 s.86; SI 2004/1220",
               "a trip of 3 days or longer: at least 7 days before", event="departure"),
    ]


@case("initial after a notification order")
def _notification_order(a: Actors) -> tuple[Person, list[Expect]]:
    person = _registrant(a["MPS"], ("2010-01-04", "other"))  # subject until 2015, not since
    order_record(a["MPS"], person.pk, {"kind": "notification_order", "start": "2025-06-02", "end": "2030-06-01",
                                       "court": "Westminster Magistrates' Court"})
    return person, [Expect("initial", "2025-06-02", "2025-06-04", "overdue", "SOA 2003 s.83(1); SOA 2003 s.97",
                           "after the notification order on 2 June 2025")]


@case("initial after an SHPO, and after a SOPO before it")
def _orders(a: Actors) -> tuple[Person, list[Expect]]:
    person = _registrant(a["MPS"], ("2010-01-04", "other"))
    order_record(a["MPS"], person.pk, {"kind": "shpo", "start": "2025-06-03"})
    earlier = _registrant(a["MPS"], ("2004-06-01", "other"))
    order_record(a["MPS"], earlier.pk, {"kind": "shpo", "start": "2012-03-01"})
    found = _stored(earlier)
    sopo = [o for o in found if o.kind == "initial" and o.trigger == date(2012, 3, 1)]
    assert [(o.due, o.citation) for o in sopo] == [(date(2012, 3, 3), "SOA 2003 s.83(1); s.107(4)")], found
    assert "sexual offences prevention order" in sopo[0].explanation
    return person, [Expect("initial", "2025-06-03", "2025-06-05", "overdue", "SOA 2003 s.83(1); s.103G",
                           "after the service of the sexual harm prevention order on 3 June 2025")]


# --- s.84 changes ----------------------------------------------------------------------------------------------


@case("a change of name")
def _name(a: Actors) -> tuple[Person, list[Expect]]:
    person = _notified(a["MPS"])
    name_record(a["MPS"], person.pk, {"kind": "current", "given_names": "Walk", "family_name": "Changed",
                                      "valid_from": "2025-06-02"})
    return person, [Expect("change", "2025-06-02", "2025-06-04", "overdue", "SOA 2003 s.84(1)",
                           "change of name on 2 June 2025", event="name_change")]


@case("a change of home address, notified")
def _address(a: Actors) -> tuple[Person, list[Expect]]:
    person = _notified(a["MPS"])
    address_record(a["MPS"], person.pk, {"kind": "home", "line1": "2 New Road", "postcode": "SW1A 2AA",
                                         "valid_from": "2025-06-03"})
    _notify(a["MPS"], person, "change", "2025-06-04", change="home_address", changed_on="2025-06-03")
    return person, [Expect("change", "2025-06-03", "2025-06-05", "met", "SOA 2003 s.84(1)",
                           "change of home address on 3 June 2025", event="address_change")]


@case("a release from custody")
def _release(a: Actors) -> tuple[Person, list[Expect]]:
    person = _notified(a["MPS"])
    _held(a["MPS"], person, "custody", "remand", "2025-05-01", "2025-06-10")
    return person, [Expect("change", "2025-06-10", "2025-06-12", "overdue", "SOA 2003 s.84(1)",
                           "release from custody on 10 June 2025", event="release")]


@case("a discharge from hospital")
def _discharge(a: Actors) -> tuple[Person, list[Expect]]:
    person = _notified(a["MPS"])
    _held(a["MPS"], person, "hospital", "hospital_order", "2025-04-01", "2025-06-11")
    return person, [Expect("change", "2025-06-11", "2025-06-13", "overdue", "SOA 2003 s.84(1)",
                           "discharge from hospital on 11 June 2025", event="release")]


@case("a qualifying stay")
def _stay(a: Actors) -> tuple[Person, list[Expect]]:
    person = _notified(a["MPS"])
    stay_record(a["MPS"], person.pk, {"line1": "4 Seaview Road", "town": "Brighton", "postcode": "BN1 1AA",
                                      "start": "2025-05-01", "end": "2025-05-09"})
    return person, [Expect("change", "2025-05-07", "2025-05-09", "overdue", "SOA 2003 s.84(1)",
                           "reaching 7 days in 12 months on 7 May 2025", event="stay")]


@case("a move notified in advance, happening on the day")
def _advance_met(a: Actors) -> tuple[Person, list[Expect]]:
    person = _notified(a["MPS"])
    advance_notice_record(a["MPS"], person.pk, {"change": "home_address", "expected_on": "2025-06-05",
                                                "received_at": "2025-06-01T10:00:00Z", "station": STATION})
    address_record(a["MPS"], person.pk, {"kind": "home", "line1": "2 New Road", "postcode": "SW1A 2AA",
                                         "valid_from": "2025-06-05"})
    return person, [Expect("change", "2025-06-05", "2025-06-07", "met", "SOA 2003 s.84(1)",
                           "notified in advance for 5 June 2025", event="address_change")]


PRESCRIBED_CITATION = "SOA 2003 s.84(1); SI 2012/1876"
PRESCRIBED = {
    "passport": {"country": "GB", "number": "925665416"},
    "bank_account": {"institution": "Synthetic Bank", "sort_code": "12-34-56", "number": "31926819"},
    "payment_card": {"kind": "debit", "institution": "Synthetic Bank", "number": "4111 1111 1111 1111"},
    "relevant_household": {"line1": "3 Synthetic Close", "postcode": "SW1A 2AA"},
}


@case("a change to each prescribed item, and an item no longer held")
def _prescribed(a: Actors) -> tuple[Person, list[Expect]]:
    person = _notified(a["MPS"])
    words = {"passport": "passport or other identity document", "bank_account": "bank account",
             "payment_card": "debit or credit card",
             "relevant_household": "residence or stay of 12 hours or more at a household with a child"}
    expected = []
    for n, (item, data) in enumerate(PRESCRIBED.items()):
        row = prescribed_record(a["MPS"], person.pk, item, {**data, "valid_from": f"2025-06-0{2 + n}"})
        expected.append(Expect("change", f"2025-06-0{2 + n}", f"2025-06-0{4 + n}", "overdue", PRESCRIBED_CITATION,
                               f"change to the {words[item]} on {2 + n} June 2025", event="prescribed_change",
                               item=item))
        if item == "passport":
            prescribed_end(a["MPS"], person.pk, row.pk, {"valid_to": "2025-06-12"})
            expected.append(Expect("change", "2025-06-12", "2025-06-14", "overdue", PRESCRIBED_CITATION,
                                   "change to the passport or other identity document on 12 June 2025",
                                   event="prescribed_change", item=item))
    return person, expected


# --- s.84(4)(b) non-occurrence ---------------------------------------------------------------------------------


@case("an advance notice of a change that never happens")
def _never(a: Actors) -> tuple[Person, list[Expect]]:
    person = _notified(a["MPS"])
    advance_notice_record(a["MPS"], person.pk, {"change": "name", "expected_on": "2025-06-01",
                                                "received_at": "2025-05-26T10:00:00Z", "station": STATION})
    return person, [Expect("non_occurrence", "2025-06-01", "2025-06-06", "overdue", "SOA 2003 s.84(4)(b)",
                           "notified in advance for 1 June 2025 did not happen within 3 days")]


@case("an advance notice of a move that happens weeks later")
def _late(a: Actors) -> tuple[Person, list[Expect]]:
    person = _notified(a["MPS"])
    advance_notice_record(a["MPS"], person.pk, {"change": "home_address", "expected_on": "2025-05-01",
                                                "received_at": "2025-04-25T10:00:00Z", "station": STATION})
    address_record(a["MPS"], person.pk, {"kind": "home", "line1": "2 New Road", "postcode": "SW1A 2AA",
                                         "valid_from": "2025-05-20"})
    return person, [
        Expect("non_occurrence", "2025-05-01", "2025-05-06", "overdue", "SOA 2003 s.84(4)(b)",
               "did not happen within 3 days"),
        Expect("change", "2025-05-20", "2025-05-22", "overdue", "SOA 2003 s.84(1)",
               "the advance notice for 1 May 2025 does not count", event="address_change"),
    ]


# --- s.85 periodic ---------------------------------------------------------------------------------------------


@case("the annual notification falling while in custody")
def _deferred(a: Actors) -> tuple[Person, list[Expect]]:
    person = _registrant(a["MPS"], ("2024-05-30", "other"))
    _notify(a["MPS"], person, "initial", "2024-06-01")
    _held(a["MPS"], person, "custody", "remand", "2025-05-20", "2025-06-10")
    return person, [Expect("periodic", "2024-06-01", "2025-06-12", "overdue", "SOA 2003 s.85(1)",
                           "fell while in custody, in hospital or abroad")]


def _weekly(actor: User, postcode: str) -> Person:
    person = _notified(actor)
    address_record(actor, person.pk, {"kind": "nfa", "line1": "The bus station", "postcode": postcode,
                                      "valid_from": "2025-06-01"})
    _notify(actor, person, "periodic", "2025-06-12", no_fixed_abode=True)
    return person


@case("the weekly notification with no fixed abode")
def _nfa(a: Actors) -> tuple[Person, list[Expect]]:
    person = _weekly(a["MPS"], "SW1A 2AA")
    return person, [Expect("periodic", "2025-06-12", "2025-06-19", "due", "SOA 2003 s.85(1); SI 2012/1876",
                           "7 days after the last notification on 12 June 2025, which gave no fixed abode")]


# --- s.86 travel -----------------------------------------------------------------------------------------------

TRAVEL_CITATION = "SOA 2003 s.86; SI 2004/1220 as amended by SI 2012/1876"


@case("a trip abroad notified 7 days ahead, and one at short notice")
def _travel(a: Actors) -> tuple[Person, list[Expect]]:
    person = _notified(a["MPS"])
    _trip(a["MPS"], person, "2025-06-10", "2025-06-12", notified="2025-06-09", short_notice=True)
    _trip(a["MPS"], person, "2025-07-01", "2025-07-08", notified="2025-06-16")
    return person, [
        Expect("travel", "2025-06-10", "2025-06-09", "met", TRAVEL_CITATION, "the details were not known 7 days ahead",
               event="departure"),
        Expect("travel", "2025-07-01", "2025-06-24", "met", TRAVEL_CITATION, "at least 7 days before",
               event="departure"),
    ]


# --- Northern Ireland and Scotland -----------------------------------------------------------------------------


@case("Northern Ireland: an absence from home, a trip, a prescribed item, no fixed abode")
def _northern_ireland(a: Actors) -> tuple[Person, list[Expect]]:
    actor = a["PSNI"]
    person = _notified(actor)
    stay_record(actor, person.pk, {"line1": "4 Shore Road", "postcode": "BT2 1AA", "start": "2025-06-01",
                                   "end": "2025-06-05"})
    _trip(actor, person, "2025-06-20", "2025-06-27", notified="2025-06-12")
    _trip(actor, person, "2025-07-10", "2025-07-11", notified="2025-06-12", country="IE")  # exempt: under 3 days
    prescribed_record(actor, person.pk, "passport", {**PRESCRIBED["passport"], "valid_from": "2025-06-02"})
    weekly = _weekly(actor, "BT1 2AA")
    assert not [o for o in _stored(person) if o.kind == "travel" and o.trigger == date(2025, 7, 10)]
    _check(weekly, [Expect("periodic", "2025-06-12", "2025-06-19", "due", "SOA 2003 s.85(1); SR 2014/185",
                           "which gave no fixed abode")])
    return person, [
        Expect("absence", "2025-06-01", "2025-05-31", "overdue", "SOA 2003 s.85A(2)",
               "absence from home of 5 days from 1 June 2025"),
        Expect("travel", "2025-06-20", "2025-06-13", "met", "SOA 2003 s.86; SI 2004/1220 as amended by SR 2014/185",
               "at least 7 days before", event="departure"),
        Expect("change", "2025-06-02", "2025-06-04", "overdue", "SOA 2003 s.84(1); SR 2014/185",
               "passport or other identity document", event="prescribed_change", item="passport"),
    ]


@case("Scotland: a trip, a prescribed item, no fixed abode")
def _scotland(a: Actors) -> tuple[Person, list[Expect]]:
    actor = a["PSOS"]
    person = _notified(actor)
    _trip(actor, person, "2025-06-20", "2025-06-27", notified="2025-06-12")
    prescribed_record(actor, person.pk, "bank_account", {**PRESCRIBED["bank_account"], "valid_from": "2025-06-02"})
    _check(_weekly(actor, "EH1 2AA"), [Expect("periodic", "2025-06-12", "2025-06-19", "due",
                                             "SOA 2003 s.85(1); SSI 2013/216 reg 2", "which gave no fixed abode")])
    return person, [
        Expect("travel", "2025-06-20", "2025-06-13", "met", "SOA 2003 s.86; SSI 2004/205 as amended by SSI 2013/216",
               "at least 7 days before", event="departure"),
        Expect("change", "2025-06-02", "2025-06-04", "overdue", "SOA 2003 s.84(1); SSI 2013/216", "bank account",
               event="prescribed_change", item="bank_account"),
    ]


# --- reading what the register stored --------------------------------------------------------------------------


def _stored(person: Person) -> list[PersonObligation]:
    return list(PersonObligation.objects.filter(person=person))


def _check(person: Person, expected: list[Expect]) -> list[str]:
    """Each expected obligation, as stored for the person: what differs, one line each."""
    stored = _stored(person)
    problems = []
    for e in expected:
        found = [o for o in stored if o.kind == e.kind and o.trigger == date.fromisoformat(e.trigger)
                 and (not e.item or e.says in o.explanation)]
        if len(found) != 1:
            problems.append(f"{e.kind} on {e.trigger}: {len(found)} stored of "
                            f"{[(o.kind, str(o.trigger), o.explanation) for o in stored]}")
            continue
        o = found[0]
        got = (str(o.due), o.status, o.citation, o.open)
        if got != (e.due, e.status, e.citation, e.status != "met") or e.says not in o.explanation:
            problems.append(f"{e.kind} on {e.trigger}: expected {(e.due, e.status, e.citation)} saying {e.says!r}, "
                            f"stored {got[:3]}: {o.explanation}")
    return problems


@pytest.fixture
def actors(officer: User) -> Actors:
    ensure_forces()
    out = {"MPS": officer}
    for code in ("PSNI", "PSOS"):
        out[code] = User.objects.create_user(f"officer.{code.lower()}", password=None, role=Role.OFFICER,
                                             force=Force.objects.get(code=code), last_name="Persona")
    return out


def test_every_obligation_the_engine_knows_arises_from_register_data(actors: Actors, frozen: Any) -> None:
    walked: list[Expect] = []
    problems: list[str] = []
    for name, build in CASES.items():
        person, expected = build(actors)
        problems += [f"{name}: {p}" for p in _check(person, expected)]
        walked += expected
    assert not problems, "\n".join(problems)

    # nothing the engine can produce goes unwalked
    kinds = {e.kind for e in walked}
    assert kinds == set(get_args(ObligationKind)) - US_ONLY, "an obligation kind is not walked"
    assert {e.event for e in walked if e.event} == set(EVENT_KINDS), "a kind of change event is not walked"
    assert {e.item for e in walked if e.item} == set(PRESCRIBED_ITEMS), "a prescribed item is not walked"
    citations = {e.citation for e in walked}
    for jurisdiction, rules in JURISDICTION_RULES.items():
        if isinstance(rules, UKRules):
            cited = {rules.travel_citation, rules.prescribed_citation}
            assert cited <= citations, (jurisdiction, cited - citations)
    cited_weekly = {"SOA 2003 s.85(1); SI 2012/1876", "SOA 2003 s.85(1); SR 2014/185",
                    "SOA 2003 s.85(1); SSI 2013/216 reg 2"}
    assert {r.periodic_nfa_citation for r in JURISDICTION_RULES.values() if isinstance(r, UKRules)} == cited_weekly


def test_a_review_from_register_data(actors: Actors, frozen: Any) -> None:
    """Review of indefinite notification: eligible 15 years after the first notification (s.91B), again 8 years
    after a refusal (s.91C); a discharge and the removal that follows leave nothing open."""
    officer = actors["MPS"]
    person = _registrant(officer, ("2005-03-04", "life"))
    _held(officer, person, "custody", "sentence", "2005-03-04", "2006-09-01")
    _notify(officer, person, "initial", "2006-09-02")
    assert Person.objects.get(pk=person.pk).state.review_eligible_from == date(2021, 9, 2)

    refused = review_apply(officer, person.pk, {"applied_on": "2023-01-10"})
    review_decide(officer, person.pk, refused.pk, {"decision": "refused", "decided_on": "2023-02-20",
                                                   "reasons": "A risk remains."})
    assert Person.objects.get(pk=person.pk).state.review_eligible_from == date(2031, 2, 20)

    discharged = review_apply(officer, person.pk, {"applied_on": "2025-01-10"})
    review_decide(officer, person.pk, discharged.pk, {"decision": "discharged", "decided_on": "2025-03-01",
                                                      "reasons": "No longer necessary for public protection."})
    removal_record(officer, person.pk, {"reason": "review", "removed_on": "2025-03-01"})
    state = Person.objects.get(pk=person.pk).state
    assert (state.status, state.subject, state.next_due) == ("expired", False, None)
    assert not PersonObligation.objects.filter(person=person, open=True).exists()
