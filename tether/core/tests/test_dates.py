"""One style for dates in prose and captions; one rule for dates typed at a boundary."""

from __future__ import annotations

from datetime import date

import pytest

from tether.core.dates import long_date, parse_day
from tether.core.errors import ValidationFailed


def test_long_dates_are_never_zero_padded_or_iso():
    assert long_date(date(2018, 4, 1)) == "1 April 2018"
    assert long_date(date(2026, 12, 6), weekday=True) == "Sunday 6 December 2026"


def test_a_bad_date_names_the_field():
    assert parse_day("2025-06-16") == date(2025, 6, 16)
    assert parse_day("") is None
    with pytest.raises(ValidationFailed) as caught:
        parse_day("16/06/2025", "as_of")
    assert caught.value.errors["as_of"][0].startswith("must be a real date written as YYYY-MM-DD")


def test_statistics_titles_use_the_long_date(db, national_admin):
    from tether.reports import statistics as st

    table = st.missing(national_admin, date(2018, 4, 1), by="force")
    assert table.title.endswith("on 1 April 2018")


@pytest.mark.parametrize("raw", ["2025-06-16\u2028", "\x1c2025-06-16", "2025-06-16\x85", "2025-06-16\n"])
def test_a_date_with_a_control_or_separator_character_at_either_end_is_refused_not_trimmed(raw):
    from tether.core.dates import read_iso_day
    from tether.core.errors import NO_CONTROL_CHARACTERS

    assert read_iso_day(raw) == (None, NO_CONTROL_CHARACTERS)
    assert read_iso_day(" 2025-06-16 ")[0] is not None
