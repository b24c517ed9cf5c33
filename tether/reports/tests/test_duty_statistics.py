"""Statistics that count duties and breaches name the law of each duty: the provision as in force on the day
the duty arose (the rules engine's citation), e.g. the Sex Offenders Act 1997 for a duty of 1999."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tether.audit.models import AuditEvent
from tether.casework.services import sweep
from tether.register.services import person_create
from tether.reports import statistics as st
from tether.reports.figures import published

pytestmark = pytest.mark.django_db

OVERDUE, DUE = "Overdue", "Due"


@pytest.fixture
def people(national_admin: Any, make_doc: Any, frozen: Any) -> dict[str, Any]:
    """A 1999 conviction never notified (the 1997 Act: 14 days); the standard 2020 history (notified in July 2020
    and July 2021, so the next periodic notification was due on 1 July 2022 and never made)."""
    old = make_doc(date_of_birth="1960-01-01",
                   names=[{"kind": "birth", "given_names": "Old", "family_name": "Case", "valid_from": "1960-01-01"}],
                   addresses=[], detentions=[], notifications=[],
                   disposals=[{"date": "1999-01-04", "offence": "Indecent assault (synthetic)",
                               "kind": "imprisonment", "months": 40}])
    return {"old": person_create(national_admin, old), "new": person_create(national_admin, make_doc())}


def test_outstanding_duties_as_at_a_past_date_use_that_days_law(people: Any, national_admin: Any) -> None:
    t = st.duties_on(national_admin, date(1999, 6, 1))
    assert dict(t.cells) == {("SOA 1997 s.2(1)", OVERDUE): 1}
    assert t.cols == (DUE, OVERDUE) and t.row_label == "Provision"
    assert any("as in force on the day the duty arose" in n for n in t.notes)
    later = st.duties_on(national_admin, date(2022, 7, 2))
    assert dict(later.cells) == {("SOA 1997 s.2(1)", OVERDUE): 1, ("SOA 2003 s.85(1)", OVERDUE): 1}


def test_duties_by_provision_and_kind_and_audited(people: Any, national_admin: Any) -> None:
    t = st.duties_on(national_admin, date(2022, 7, 2), by="kind,provision")
    assert dict(t.cells) == {("Initial notification", "SOA 1997 s.2(1)"): 1,
                             ("Periodic notification", "SOA 2003 s.85(1)"): 1}
    assert AuditEvent.objects.filter(action="report.run", detail__figure="duties").exists()


def test_breaches_in_a_period_by_provision(people: Any, national_admin: Any) -> None:
    sweep(as_of=date(2025, 6, 16))
    t = st.breaches_in_period(national_admin, (date(1999, 1, 1), date(2025, 6, 16)))
    assert dict(t.cells) == {("SOA 1997 s.2(1)", "Count"): 1, ("SOA 2003 s.85(1)", "Count"): 1}
    only_2022 = st.breaches_in_period(national_admin, (date(2022, 7, 2), date(2022, 7, 2)), by="provision,force")
    assert dict(only_2022.cells) == {("SOA 2003 s.85(1)", "Metropolitan Police Service"): 1}


def test_the_figures_are_published_through_disclosure_control(people: Any, national_admin: Any) -> None:
    sweep(as_of=date(2025, 6, 16))
    fig = published("breaches", national_admin, period=(date(1999, 1, 1), date(2025, 6, 16)))
    assert fig.data["row_label"] == "Provision"
    assert published("duties", national_admin, as_of=date(2022, 7, 2)).title.startswith(
        "Outstanding notification duties on 2 July 2022")


def test_the_api_names_the_provision(people: Any, national_admin: Any, api_client: Any) -> None:
    client = api_client(national_admin)
    body = client.get("/api/v1/reports/duties", {"as_of": "2022-07-02", "by": "provision"}).json()
    assert body["row_label"] == "Provision"
    assert client.get("/api/v1/reports/breaches", {"by": "nope"}).status_code == 400


def test_the_furthest_dates_answer_without_error(people: Any, national_admin: Any) -> None:
    assert st.duties_on(national_admin, date.max).as_of == date.max  # every duty long met or overdue: no error
    assert st.duties_on(national_admin, date.min).cells == {}
    widest = st.breaches_in_period(national_admin, (date.min, date.max)).cells  # no overflow at either end
    assert widest == st.breaches_in_period(national_admin, (date(1900, 1, 1), date(2999, 12, 31))).cells
