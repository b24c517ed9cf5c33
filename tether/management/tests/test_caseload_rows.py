"""The caseload rows written in one step (``templatetags.caseload_rows``) are exactly what the row template wrote."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from tether.management.selectors import OfficerLoad

ROW_TEMPLATE = """{% for r in rows %}
    <tr class="govuk-table__row"><td class="govuk-table__cell">{{ r.name }}{% if national %} <span class="govuk-body-s">{{ r.force }}</span>{% endif %}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">{{ r.registrants }}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">{% if r.user_id and r.over %}<strong class="govuk-tag govuk-tag--red">{{ r.weighted }}</strong>{% else %}{{ r.weighted }}{% endif %}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">{% if r.user_id %}{{ r.benchmark }}{% else %}–{% endif %}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">{{ r.visits_overdue }}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">{{ r.assessments_overdue }}</td></tr>{% endfor %}"""  # noqa: E501

ROWS = [
    OfficerLoad(7, "Olive O'Kafor <PC & co>", "GMP", 61, 75.5, 50, 3, 1),
    OfficerLoad(8, "Ann Lee", "MPS", 12, 12.0, 50, 0, 0),
    OfficerLoad(9, "Big Caseload", "MPS", 12345, 20000.5, 40, 1234, 0),
    OfficerLoad(10, "Same Weight", "MPS", 61, 75.5, 50, 0, 0),
    OfficerLoad(11, "Whole", "MPS", 50, 50, 50, 0, 0),
    OfficerLoad(12, "Whole float", "MPS", 50, 50.0, 50, 0, 0),
    OfficerLoad(13, "Nought", "MPS", 0, 0.0, 50, 0, 0),
    OfficerLoad(14, "Negative nought", "MPS", 0, -0.0, 50, 0, 0),
    OfficerLoad(None, "Unassigned (unit queue)", "", 5, 5.5, 50, 1, 5),
]


@pytest.mark.parametrize("national", [True, False])
def test_rows_are_written_as_the_row_template_wrote_them(national: bool) -> None:
    context = {"rows": ROWS, "national": national}
    old = Template(ROW_TEMPLATE).render(Context(context))
    new = Template("{% load caseload_rows %}{% caseload_rows rows national %}").render(Context(context))
    assert new == old
    assert "&lt;PC &amp; co&gt;" in new and "O&#x27;Kafor" in new
