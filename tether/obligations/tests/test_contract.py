"""The JSON contract: every bad input names its JSON path; run_cli exit codes."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pytest

from tether.obligations import (
    RULES_VERSION,
    contradictions,
    evaluate,
    facts_to_dict,
    outcome_to_dict,
    parse_facts,
    run_cli,
)
from tether.obligations.types import FactsError

from .factories import D

VALID: dict[str, Any] = {
    "as_of": "2026-03-01",
    "jurisdiction": "england-wales",
    "date_of_birth": "1980-05-17",
    "disposals": [{"date": "2015-03-04", "kind": "imprisonment", "months": 18}],
    "orders": [{"kind": "shpo", "start": "2016-01-01", "end": "2027-01-01"}],
    "detentions": [{"kind": "custody", "start": "2015-03-04", "end": "2015-12-01"}],
    "notifications": [
        {"kind": "initial", "date": "2015-12-02"},
        {"kind": "periodic", "date": "2025-11-30", "no_fixed_abode": False},
    ],
    "events": [
        {"kind": "address_change", "start": "2025-06-01", "advance_notice_for": "2025-06-02"},
        {"kind": "stay", "start": "2025-07-01", "end": "2025-07-09", "address": "1 High St"},
        {"kind": "departure", "start": "2026-04-01", "end": "2026-04-08", "country": "FR", "short_notice": False},
    ],
    "review": None,
}


def mutate(path: list[Any], value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    data = copy.deepcopy(base or VALID)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


SORNA = {
    **VALID,
    "jurisdiction": "us-sorna",
    "orders": [],
    "disposals": [{"date": "2015-03-04", "kind": "other", "tier": 2}],
}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(mutate(["disposals", 0, "kind"], "fine"), "disposals[0].kind", id="unknown-disposal-kind"),
        pytest.param(
            mutate(["notifications", 1, "kind"], "annual"), "notifications[1].kind", id="unknown-notification-kind"
        ),
        pytest.param(mutate(["events", 2, "kind"], "holiday"), "events[2].kind", id="unknown-event-kind"),
        pytest.param(mutate(["detentions", 0, "kind"], "jail"), "detentions[0].kind", id="unknown-detention-kind"),
        pytest.param(mutate(["orders", 0, "kind"], "sopo"), "orders[0].kind", id="unknown-order-kind"),
        pytest.param(mutate(["jurisdiction"], "wales"), "jurisdiction", id="unknown-jurisdiction"),
        pytest.param(
            mutate(["review"], {"determined_on": "2025-01-01", "outcome": "maybe"}), "review.outcome", id="bad-review"
        ),
        pytest.param(mutate(["as_of"], KeyError), "as_of", id="missing-as-of"),
        pytest.param(mutate(["date_of_birth"], KeyError), "date_of_birth", id="missing-dob"),
        pytest.param(mutate(["jurisdiction"], KeyError), "jurisdiction", id="missing-jurisdiction"),
        pytest.param(mutate(["disposals"], KeyError), "disposals", id="missing-disposals"),
        pytest.param(mutate(["disposals", 0, "date"], KeyError), "disposals[0].date", id="missing-disposal-date"),
        pytest.param(mutate(["disposals", 0, "kind"], KeyError), "disposals[0].kind", id="missing-disposal-kind"),
        pytest.param(mutate(["notifications", 0, "date"], KeyError), "notifications[0].date", id="missing-note-date"),
        pytest.param(mutate(["events", 1, "start"], KeyError), "events[1].start", id="missing-event-start"),
        pytest.param(mutate(["review"], {"outcome": "refused"}), "review.determined_on", id="missing-review-date"),
        pytest.param(mutate(["notifications", 1, "date"], "2025-02-30"), "notifications[1].date", id="impossible-date"),
        pytest.param(mutate(["as_of"], "2026/03/01"), "as_of", id="slashed-date"),
        pytest.param(mutate(["date_of_birth"], 19800517), "date_of_birth", id="number-date"),
        pytest.param(
            mutate(["events", 0, "advance_notice_for"], "soon"), "events[0].advance_notice_for", id="bad-advance"
        ),
        pytest.param(
            mutate(["detentions", 0, "end"], "2015-03-03"), "detentions[0].end", id="detention-end-before-start"
        ),
        pytest.param(mutate(["orders", 0, "end"], "2015-12-31"), "orders[0].end", id="order-end-before-start"),
        pytest.param(mutate(["events", 1, "end"], "2025-06-30"), "events[1].end", id="stay-end-before-start"),
        pytest.param(mutate(["date_of_birth"], "2015-03-05"), "date_of_birth", id="dob-after-disposal"),
        pytest.param(
            mutate(["disposals", 0, "months"], KeyError), "disposals[0].months", id="months-missing-imprisonment"
        ),
        pytest.param(
            mutate(["disposals", 0], {"date": "2015-03-04", "kind": "conditional_discharge"}),
            "disposals[0].months",
            id="months-missing-conditional-discharge",
        ),
        pytest.param(mutate(["disposals", 0, "months"], 0), "disposals[0].months", id="months-zero"),
        pytest.param(mutate(["disposals", 0, "months"], "18"), "disposals[0].months", id="months-string"),
        pytest.param(
            mutate(["disposals", 0, "tier"], KeyError, SORNA), "disposals[0].tier", id="tier-missing-us-sorna"
        ),
        pytest.param(mutate(["disposals", 0, "tier"], 4, SORNA), "disposals[0].tier", id="tier-out-of-range"),
        pytest.param(
            mutate(["notifications", 0, "no_fixed_abode"], "yes"), "notifications[0].no_fixed_abode", id="bad-bool"
        ),
        pytest.param(mutate(["events", 0, "colour"], "red"), "events[0].colour", id="unknown-field"),
        pytest.param(mutate(["extra"], 1), "extra", id="unknown-top-level-field"),
        pytest.param(mutate(["events"], {"kind": "stay"}), "events", id="events-not-a-list"),
        pytest.param(mutate(["events", 0], "address_change"), "events[0]", id="event-not-an-object"),
    ],
)
def test_facts_error_names_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(FactsError) as err:
        parse_facts(data)
    assert err.value.field == field
    assert err.value.message
    assert str(err.value).startswith(field)


def test_parse_valid_document() -> None:
    facts, as_of = parse_facts(VALID)
    assert as_of == D("2026-03-01")
    assert facts.jurisdiction == "england-wales"
    assert facts.disposals[0].months == 18
    assert facts.events[0].advance_notice_for == D("2025-06-02")
    assert facts.events[2].country == "FR"
    assert facts.review is None


def test_tier_required_inside_sorna() -> None:
    facts, _ = parse_facts(SORNA)
    assert facts.disposals[0].tier == 2


# Facts that contradict each other (docs/rules.md, "Checks that JSON Schema cannot express").
CONTRADICTIONS = [
    pytest.param(
        mutate(["notifications", 0, "date"], "2015-03-03"),
        "notifications[0].date",
        id="notification-before-any-disposal",
    ),
    pytest.param(
        mutate(["disposals"], []),
        "notifications[0].date",
        id="notification-with-no-disposal-or-order-before-it",
    ),
    pytest.param(mutate(["disposals", 0, "tier"], 2), "disposals[0].tier", id="sorna-tier-on-uk-disposal"),
    pytest.param(mutate(["disposals", 0, "kind"], "caution", SORNA), "disposals[0].kind", id="uk-kind-on-sorna"),
    pytest.param(
        mutate(["disposals", 0, "kind"], "hospital_order", SORNA), "disposals[0].kind", id="uk-hospital-order-on-sorna"
    ),
    pytest.param(mutate(["orders", 0, "end"], "2015-12-31"), "orders[0].end", id="order-ends-before-it-starts"),
    pytest.param(
        mutate(
            ["detentions"],
            [
                {"kind": "custody", "start": "2015-03-04", "end": "2015-12-01"},
                {"kind": "custody", "start": "2015-11-30", "end": "2016-01-10"},
            ],
        ),
        "detentions[1].start",
        id="custody-periods-overlap",
    ),
    pytest.param(
        mutate(
            ["detentions"],
            [
                {"kind": "custody", "start": "2015-03-04"},
                {"kind": "custody", "start": "2020-01-01", "end": "2020-02-01"},
            ],
        ),
        "detentions[1].start",
        id="custody-inside-an-open-custody",
    ),
    pytest.param(
        mutate(["events", 0], {"kind": "address_change", "start": "2025-06-01", "item": "passport"}),
        "events[0].item",
        id="item-on-a-non-prescribed-event",
    ),
    pytest.param(
        mutate(["events", 0], {"kind": "prescribed_change", "start": "2025-06-01", "item": "car"}),
        "events[0].item",
        id="unknown-prescribed-item",
    ),
    pytest.param(mutate(["disposals", 0, "victim_age"], -1), "disposals[0].victim_age", id="negative-victim-age"),
    pytest.param(
        mutate(["events", 0], {"kind": "release", "start": "2015-03-03"}), "events[0].start",
        id="release-before-sentence",
    ),
    pytest.param(mutate(["date_of_death"], "1980-05-16"), "date_of_death", id="death-before-birth"),
    pytest.param(
        mutate(["date_of_death"], "2015-12-01", mutate(["orders"], [])), "notifications[0].date",
        id="notification-after-death",
    ),
    pytest.param(
        mutate(["date_of_death"], "2015-03-03", mutate(["notifications"], [])), "disposals[0].date",
        id="disposal-after-death",
    ),
    pytest.param(
        mutate(["date_of_death"], "2015-06-01", mutate(["notifications"], [])), "orders[0].start",
        id="order-after-death",
    ),
    pytest.param(
        mutate(["date_of_death"], "2015-03-04", mutate(["orders"], [], mutate(["notifications"], [],
               mutate(["detentions", 0, "start"], "2015-03-05")))), "detentions[0].start",
        id="custody-after-death",
    ),
]


def test_contradictions_lists_every_one_at_once() -> None:
    facts, _ = parse_facts(VALID)
    bad = replace(facts, disposals=(replace(facts.disposals[0], tier=2),), date_of_death=D("2015-06-01"))
    fields = [e.field for e in contradictions(bad)]
    assert fields == ["disposals[0].tier", "orders[0].start", "notifications[0].date", "notifications[1].date"]
    assert contradictions(facts) == []


@pytest.mark.parametrize(("data", "field"), CONTRADICTIONS)
def test_contradictory_facts_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(FactsError) as err:
        parse_facts(data)
    assert err.value.field == field
    status, out = run_cli(json.dumps(data))
    assert status == 2
    assert json.loads(out)["error"]["field"] == field


@pytest.mark.parametrize(
    "detentions",
    [
        pytest.param(
            [
                {"kind": "custody", "start": "2015-03-04", "end": "2015-12-01"},
                {"kind": "custody", "start": "2015-12-01", "end": "2016-01-10"},
            ],
            id="back-in-custody-on-the-release-day",
        ),
        pytest.param(
            [
                {"kind": "custody", "start": "2015-03-04", "end": "2015-12-01"},
                {"kind": "hospital", "start": "2015-06-01", "end": "2015-07-01"},
            ],
            id="hospital-within-custody",
        ),
    ],
)
def test_custody_periods_that_only_touch_are_accepted(detentions: list[dict[str, Any]]) -> None:
    parse_facts(mutate(["detentions"], detentions))


def test_notification_after_an_order_alone_is_accepted() -> None:
    data = mutate(["disposals"], [])
    data["notifications"] = [{"kind": "initial", "date": "2016-01-02"}]
    parse_facts(data)


def test_new_optional_fields_round_trip() -> None:
    data = mutate(["disposals", 0], {**VALID["disposals"][0], "offence": "SOA 2003 s.3", "victim_age": 15})
    data["events"].append({"kind": "prescribed_change", "start": "2025-08-01", "item": "bank_account"})
    facts, as_of = parse_facts(data)
    assert facts.disposals[0].offence == "SOA 2003 s.3" and facts.events[-1].item == "bank_account"
    again, _ = parse_facts(json.loads(json.dumps(facts_to_dict(facts, as_of))))
    assert again == facts
    out = outcome_to_dict(evaluate(facts, as_of))
    assert out["eligibility"][0]["status"] == "subject"


def test_round_trip_through_facts_to_dict() -> None:
    facts, as_of = parse_facts(VALID)
    again, as_of2 = parse_facts(json.loads(json.dumps(facts_to_dict(facts, as_of))))
    assert (again, as_of2) == (facts, as_of)


def test_outcome_to_dict_is_json_ready() -> None:
    facts, as_of = parse_facts(VALID)
    data = outcome_to_dict(evaluate(facts, as_of))
    text = json.dumps(data)
    assert json.loads(text) == data
    assert data["rules_version"] == RULES_VERSION
    assert data["as_of"] == "2026-03-01"
    assert data["registration"]["start"] == "2015-03-04"
    assert data["registration"]["end"] == "2027-01-01"
    assert set(data["obligations"][0]) == {"kind", "trigger", "due", "status", "met_on", "citation", "explanation"}
    assert data["next_due"] == min(o["due"] for o in data["obligations"] if o["status"] != "met")


@pytest.mark.parametrize(
    ("text", "status", "field"),
    [
        pytest.param(json.dumps(VALID), 0, None, id="valid-exit-0"),
        pytest.param("{not json", 2, "$", id="invalid-json-exit-2"),
        pytest.param("[]", 2, "$", id="not-an-object-exit-2"),
        pytest.param(
            json.dumps(mutate(["disposals", 0, "kind"], "fine")), 2, "disposals[0].kind", id="facts-error-exit-2"
        ),
        pytest.param(
            json.dumps(mutate(["disposals", 0, "tier"], KeyError, SORNA)), 2, "disposals[0].tier", id="sorna-tier"
        ),
    ],
)
def test_run_cli(text: str, status: int, field: str | None) -> None:
    code, out = run_cli(text)
    assert code == status
    data = json.loads(out)
    if status == 0:
        assert data["jurisdiction"] == "england-wales"
        assert "obligations" in data
    else:
        assert data["error"]["field"] == field
        assert isinstance(data["error"]["message"], str) and data["error"]["message"]
