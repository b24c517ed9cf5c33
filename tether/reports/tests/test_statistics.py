"""Every figure as at several dates over a register with a known history (see conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tether.audit.models import AuditEvent
from tether.casework.case_services import case_close, case_open, case_reopen, case_transition
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.register.models import RegisterState
from tether.register.services import notification_record, person_create
from tether.reports import statistics as st
from tether.reports.tables import COUNT

from .conftest import D

MPS, GMP, PSOS = "Metropolitan Police Service", "Greater Manchester Police", "Police Scotland"
EW = "England and Wales"


def _cells(table):
    return dict(table.cells)


def test_the_world_is_as_described(world):
    periods = {k: (s.registration_start, s.registration_end)
               for k, p in world["people"].items() for s in [RegisterState.objects.get(person=p)]}
    assert periods["mps_a"] == (date(2020, 3, 4), date(2030, 3, 3))
    assert periods["mps_b"] == (date(2023, 1, 10), date(2025, 1, 9))
    assert periods["scot"] == (date(2020, 3, 4), date(2030, 3, 3))


@pytest.mark.parametrize(("when", "expected"), [
    ("before", {}),
    ("2016", {}),
    ("2022", {(MPS, COUNT): 2, (GMP, COUNT): 1, (PSOS, COUNT): 1}),  # the transferee is still with MPS
    ("2024", {(MPS, COUNT): 2, (GMP, COUNT): 2, (PSOS, COUNT): 1}),  # moved to GMP; the caution still runs
    ("today", {(MPS, COUNT): 1, (GMP, COUNT): 2, (PSOS, COUNT): 1}),  # the caution's two years are over
])
def test_registrants_by_force(world, national_admin, when, expected):
    t = st.registrants(national_admin, D[when])
    assert _cells(t) == expected
    assert len(t.rows) == 3 and t.national and t.measure == "registrants"  # the forces held in Tether, not 45
    assert any("42 of 45 forces are not held in Tether" in note for note in t.notes)


def test_registrants_on_the_first_and_last_day(world, national_admin):
    # the caution: subject from 2023-01-10 to 2025-01-09 inclusive
    count = lambda d: st.registrants(national_admin, d, force_code="MPS").count(MPS)  # noqa: E731
    assert count(date(2023, 1, 9)) == 2  # mps_a and the transferee (with MPS until 2024)
    assert count(date(2023, 1, 10)) == 3
    assert count(date(2025, 1, 9)) == 2
    assert count(date(2025, 1, 10)) == 1


def test_registrants_by_country(world, national_admin):
    t = st.registrants(national_admin, D["today"], by="country")
    assert t.rows == (EW, "Scotland", "Northern Ireland")
    assert _cells(t) == {(EW, COUNT): 3, ("Scotland", COUNT): 1}


@pytest.mark.parametrize(("when", "expected"), [
    ("before", {(PSOS, "2010"): 1}),
    ("2016", {(MPS, "2015"): 1, (PSOS, "2010"): 1}),
    ("2022", {(MPS, "2015"): 1, (GMP, "2022"): 1, (PSOS, "2010"): 1}),
    ("2024", {(MPS, "2015"): 1, (MPS, "2024"): 1, (PSOS, "2010"): 1}),
    ("today", {(MPS, "2015"): 1, (GMP, "2024"): 1, (PSOS, "2010"): 1}),  # case 3 counts from its reopening
])
def test_missing_by_force_and_year(world, national_admin, when, expected):
    t = st.missing(national_admin, D[when], by="force,year_missing")
    assert _cells(t) == expected
    assert t.cols == tuple(str(y) for y in range(2010, D[when].year + 1))
    assert t.row_label == "Force" and t.col_label == "Year went missing"


@pytest.mark.parametrize(("when", "expected"), [
    ("2016", {"1 to 2 years": 1, "5 to 10 years": 1}),
    ("2022", {"Under 1 year": 1, "5 to 10 years": 1, "10 years or more": 1}),
    ("2024", {"Under 1 year": 1, "5 to 10 years": 1, "10 years or more": 1}),
    ("today", {"Under 1 year": 1, "10 years or more": 2}),  # case 1 passed ten years on 2025-05-01
])
def test_missing_by_time_missing(world, national_admin, when, expected):
    t = st.missing(national_admin, D[when], by="time_missing")
    assert t.rows == st.TIME_BANDS
    assert {r: n for (r, _), n in t.cells.items()} == expected


def test_missing_by_country_state_and_abroad(world, national_admin):
    today = D["today"]
    assert _cells(st.missing(national_admin, today, by="country")) == {(EW, COUNT): 2, ("Scotland", COUNT): 1}
    assert _cells(st.missing(national_admin, today, by="state")) == {("Missing", COUNT): 1, ("Wanted", COUNT): 2}
    assert _cells(st.missing(national_admin, D["2024"], by="force,abroad")) == {
        (MPS, "Not believed abroad"): 1, (MPS, "Believed abroad"): 1, (PSOS, "Believed abroad"): 1}


@pytest.mark.parametrize(("day", "expected"), [
    (date(2024, 5, 31), {(PSOS, COUNT): 1}),
    (date(2024, 6, 1), {(MPS, COUNT): 1, (PSOS, COUNT): 1}),
    (date(2025, 1, 14), {(MPS, COUNT): 1, (PSOS, COUNT): 1}),
    (date(2025, 1, 15), {(PSOS, COUNT): 1}),  # returned: closed from that day
])
def test_believed_abroad(world, national_admin, day, expected):
    assert _cells(st.abroad(national_admin, day)) == expected


def test_offence_category_and_risk(world, national_admin):
    t = st.missing(national_admin, D["today"], by="offence")
    assert t.rows == st.OFFENCE_ORDER
    assert _cells(t) == {("Sexual assault", COUNT): 2, ("Rape and assault by penetration", COUNT): 1}
    t = st.missing(national_admin, D["2024"], by="offence")
    assert _cells(t) == {("Sexual assault", COUNT): 1, ("Non-contact offences", COUNT): 1,
                         ("Rape and assault by penetration", COUNT): 1}
    risk = st.missing(national_admin, D["today"], by="risk")
    assert _cells(risk) == {(st.NOT_RECORDED, COUNT): 3}
    assert st.RISK_NOTE in risk.notes


@pytest.mark.parametrize(("offence", "category"), [
    ("Making indecent photographs of children (PCA 1978 s.1)", "Indecent images of children"),
    ("Rape (SOA 2003 s.1)", "Rape and assault by penetration"),
    ("Assault by penetration (SOA 2003 s.2)", "Rape and assault by penetration"),
    ("Sexual activity with a child (SOA 2003 s.9)", "Sexual offences against children"),
    ("Meeting a child following sexual grooming (SOA 2003 s.15)", "Sexual offences against children"),
    ("Indecent assault on a woman (SOA 1956 s.14)", "Sexual assault"),
    ("Voyeurism (SOA 2003 s.67)", "Non-contact offences"),
    ("Trespass with intent (SOA 2003 s.63)", "Other sexual offence"),
    ("", st.NOT_RECORDED),
])
def test_offence_categories(offence, category):
    assert st.offence_category(offence) == category


@pytest.mark.parametrize(("start", "day", "band"), [
    (date(2024, 6, 16), date(2025, 6, 15), "Under 1 year"),
    (date(2024, 6, 16), date(2025, 6, 16), "1 to 2 years"),
    (date(2023, 6, 17), date(2025, 6, 16), "1 to 2 years"),
    (date(2023, 6, 16), date(2025, 6, 16), "2 to 5 years"),
    (date(2020, 6, 17), date(2025, 6, 16), "2 to 5 years"),
    (date(2020, 6, 16), date(2025, 6, 16), "5 to 10 years"),
    (date(2015, 6, 17), date(2025, 6, 16), "5 to 10 years"),
    (date(2015, 6, 16), date(2025, 6, 16), "10 years or more"),
    (date(2024, 2, 29), date(2025, 2, 28), "Under 1 year"),
    (date(2024, 2, 29), date(2025, 3, 1), "1 to 2 years"),
    (date(2025, 6, 16), date(2025, 6, 16), "Under 1 year"),
])
def test_time_band_edges(start, day, band):
    assert st.time_band(start, day) == band


def test_cases_in_a_period(world, national_admin):
    t = st.cases_in_period(national_admin, (date(2024, 1, 1), date(2024, 12, 31)))
    assert t.cols == ("Opened", "Reopened", "Closed") and t.period == (date(2024, 1, 1), date(2024, 12, 31))
    assert _cells(t) == {(MPS, "Opened"): 1, (GMP, "Reopened"): 1}
    t = st.cases_in_period(national_admin, (date(2022, 7, 1), date(2025, 1, 15)))  # both ends included
    assert _cells(t) == {(MPS, "Opened"): 1, (MPS, "Closed"): 1, (GMP, "Opened"): 1, (GMP, "Closed"): 1,
                         (GMP, "Reopened"): 1}
    t = st.cases_in_period(national_admin, (date(2000, 1, 1), date(2025, 6, 16)), by="country")
    assert _cells(t) == {(EW, "Opened"): 3, (EW, "Reopened"): 1, (EW, "Closed"): 2, ("Scotland", "Opened"): 1}
    with pytest.raises(ValidationFailed) as exc:
        st.cases_in_period(national_admin, (date(2025, 1, 1), date(2024, 1, 1)))
    assert "period" in exc.value.errors


def test_monthly_series(world, national_admin):
    s = st.monthly_series(national_admin, date(2025, 1, 31), months=3)
    assert s.points == ((date(2024, 11, 30), 4), (date(2024, 12, 31), 4), (date(2025, 1, 31), 3))
    s = st.monthly_series(national_admin, D["today"], months=2, force_code="GMP")
    assert s.points == ((date(2025, 5, 31), 1), (date(2025, 6, 16), 1))
    s = st.monthly_series(national_admin, date(2023, 2, 15), months=3, force_code="GMP")
    assert s.points == ((date(2022, 12, 31), 1), (date(2023, 1, 31), 0), (date(2023, 2, 15), 0))
    assert st.month_ends(date(2024, 3, 31), 2) == [date(2024, 2, 29), date(2024, 3, 31)]


def test_longest_open(world, national_admin):
    assert st.longest_open_year(national_admin, D["today"]) == 2010
    assert st.longest_open_year(national_admin, D["today"], force_code="MPS") == 2015
    assert st.longest_open_year(national_admin, D["before"], force_code="MPS") is None


def test_a_past_figure_never_changes_when_later_work_is_recorded(world, national_admin, make_doc, frozen):
    def figures(day):
        return (
            _cells(st.missing(national_admin, day, by="force,year_missing")),
            _cells(st.missing(national_admin, day, by="time_missing")),
            _cells(st.abroad(national_admin, day)),
            _cells(st.registrants(national_admin, day)),
            _cells(st.cases_in_period(national_admin, (date(2024, 1, 1), day))),
            st.monthly_series(national_admin, day, months=6).points,
            st.longest_open_year(national_admin, day),
        )

    days = [D["2024"], D["today"]]
    before = [figures(d) for d in days]
    frozen.move_to(datetime(2025, 9, 1, 9, 0, tzinfo=UTC))
    a, cases, people = national_admin, world["cases"], world["people"]
    case_close(a, cases[1].pk, "arrested", {"on": "2025-08-01"})
    case_reopen(a, cases[2].pk, "Seen again in the area, address unknown", {"on": "2025-07-01"})
    case_transition(a, cases[4].pk, "not_abroad", {"on": "2025-06-17"})
    notification_record(a, people["mps_a"].pk, {"kind": "periodic", "received_at": "2025-08-20T10:00:00Z",
                                                "station": "Charing Cross Police Station"})
    newcomer = person_create(a, make_doc(  # registered after the dates compared
        force="GMP", detentions=[],
        disposals=[{"date": "2025-07-01", "offence": "Voyeurism (SOA 2003 s.67)", "kind": "caution"}],
        notifications=[{"kind": "initial", "received_at": "2025-07-02T10:00:00Z", "station": "Bootle"}]))
    case_open(a, newcomer.pk, {"opened_on": "2025-08-30"})
    assert [figures(d) for d in days] == before
    # ... and the new date sees the new work
    assert _cells(st.missing(national_admin, date(2025, 9, 1), by="force")) == {
        (MPS, COUNT): 1, (GMP, COUNT): 2, (PSOS, COUNT): 1}


def test_roles_and_force_scope(world, officer, auditor, analyst, supervisor, analyst_gmp, foi_national,
                               national_admin):
    for who in (officer, auditor):
        with pytest.raises(Forbidden):
            st.missing(who, D["today"])
    t = st.missing(analyst, D["today"])  # an MPS analyst: MPS only
    assert t.rows == (MPS,) and _cells(t) == {(MPS, COUNT): 1} and not t.national
    assert st.missing(supervisor, D["today"], force_code="mps").rows == (MPS,)
    with pytest.raises(Forbidden):
        st.missing(analyst, D["today"], force_code="GMP")
    assert _cells(st.registrants(analyst_gmp, D["today"])) == {(GMP, COUNT): 2}
    assert st.missing(foi_national, D["today"]).total() == 3  # a force-less FOI officer: national
    assert _cells(st.missing(national_admin, D["today"], force_code="PSOS")) == {(PSOS, COUNT): 1}
    with pytest.raises(NotFound):
        st.missing(national_admin, D["today"], force_code="XXX")


def test_every_run_is_audited(world, analyst):
    st.missing(analyst, D["2024"], by="force,year_missing")
    ev = AuditEvent.objects.filter(action="report.run").order_by("-seq").first()
    assert ev.actor == analyst and ev.force_code == "MPS"
    assert ev.detail == {"figure": "missing", "as_of": "2024-06-30", "by": ["force", "year_missing"],
                         "force": "MPS"}


@pytest.mark.parametrize("by", ["name", "force,force", "force,year_missing,state", ["reference"]])
def test_bad_breakdowns_are_refused(world, national_admin, by):
    with pytest.raises(ValidationFailed) as exc:
        st.missing(national_admin, D["today"], by=by)
    assert "by" in exc.value.errors
    with pytest.raises(ValidationFailed):
        st.registrants(national_admin, D["today"], by="year_missing")


def test_no_identifiers_in_any_table(world, national_admin):
    tables = [st.missing(national_admin, D["today"], by=by)
              for by in ("force", "country", "year_missing", "time_missing", "offence", "risk", "state", "abroad")]
    tables += [st.abroad(national_admin, D["today"], by="force"), st.registrants(national_admin, D["today"]),
               st.monthly_series(national_admin, D["today"]), st.longest_open_year(national_admin, D["today"])]
    text = repr(tables)
    for p in world["people"].values():
        assert p.reference not in text and p.display_name not in text and str(p.pk) not in text


@pytest.mark.parametrize(("wording", "category"), [
    # Sexual Offences Act 1956 and Indecency with Children Act 1960, as the demo and imports carry them
    ("Indecent assault of a boy under 14", "Sexual offences against children"),
    ("Indecent assault on a girl under 16 (SOA 1956 s.14)", "Sexual offences against children"),
    ("Gross indecency with a girl", "Sexual offences against children"),
    ("Gross indecency with a child (ICA 1960 s.1)", "Sexual offences against children"),
    ("Indecency with children (ICA 1960 s.1)", "Sexual offences against children"),
    ("Unlawful sexual intercourse with a girl under 13 (SOA 1956 s.5)", "Sexual offences against children"),
    ("Intercourse with a girl under 16 (SOA 1956 s.6)", "Sexual offences against children"),
    ("Buggery of a boy under 16", "Sexual offences against children"),
    ("Indecent assault on a woman (SOA 1956 s.14)", "Sexual assault"),
    ("Indecent assault on a man (SOA 1956 s.15)", "Sexual assault"),
    ("Rape (SOA 1956 s.1)", "Rape and assault by penetration"),
    ("Incest by a man (SOA 1956 s.10)", "Other sexual offence"),
    ("Gross indecency between men (SOA 1956 s.13)", "Other sexual offence"),
    ("Indecent exposure (Vagrancy Act 1824 s.4)", "Non-contact offences"),
    # the Sexual Offences Act 2003 and images
    ("Rape of a child under 13 (SOA 2003 s.5)", "Sexual offences against children"),
    ("Sexual activity with a child (SOA 2003 s.9)", "Sexual offences against children"),
    ("Meeting a child following sexual grooming (SOA 2003 s.15)", "Sexual offences against children"),
    ("Making indecent photographs of children (PCA 1978 s.1)", "Indecent images of children"),
    ("Possession of an indecent pseudo-photograph of a child", "Indecent images of children"),
    ("Rape (SOA 2003 s.1)", "Rape and assault by penetration"),
    ("Assault by penetration (SOA 2003 s.2)", "Rape and assault by penetration"),
    ("Sexual assault (SOA 2003 s.3)", "Sexual assault"),
    ("Exposure (SOA 2003 s.66)", "Non-contact offences"),
    ("Voyeurism (SOA 2003 s.67)", "Non-contact offences"),
    ("Sexual exposure (Sexual Offences (Scotland) Act 2009 s.8)", "Non-contact offences"),
    ("", "Not recorded"),
    ("Childress Road burglary with sexual motive", "Other sexual offence"),  # "child" only as a whole word
])
def test_offence_categories_know_the_historic_wordings(wording, category):
    assert st.offence_category(wording) == category
