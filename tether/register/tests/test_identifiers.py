from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tether.register.identifiers import (
    normalise_ni_number,
    normalise_pnc_id,
    normalise_postcode,
    pnc_check_letter,
    postcode_district,
)
from tether.register.names import display, normalise, search_key


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [("ab 12 34 56 c", "AB123456C"), ("AB123456D", "AB123456D"), (" JG 10 30 30 A ", "JG103030A")],
)
def test_ni_number_accepts_and_normalises(raw, canonical):
    assert normalise_ni_number(raw) == canonical


@pytest.mark.parametrize("raw", ["", "Q1123456C", "QQ123456E", "QQ12345C", "DA123456A", "AD123456A", "GB123456A",
                                 "ZZ123456A", "AO123456A"])
def test_ni_number_rejects(raw):
    with pytest.raises(ValueError, match="National Insurance"):
        normalise_ni_number(raw)


def test_pnc_check_letter_examples():
    # (yy followed by 7-digit serial) mod 23 indexes ZABCDEFGHJKLMNPQRTUVWXY
    assert pnc_check_letter("2001", "0123456") == "ZABCDEFGHJKLMNPQRTUVWXY"[10123456 % 23]
    assert normalise_pnc_id("99/123d".replace("d", pnc_check_letter("99", "123"))).startswith("99/0000123")


@given(st.integers(1900, 2099), st.integers(0, 9_999_999))
def test_pnc_round_trip_and_single_letter_errors_caught(year, serial):
    s = f"{serial:07d}"
    good = f"{year}/{s}{pnc_check_letter(str(year), s)}"
    assert normalise_pnc_id(good) == good
    wrong = next(c for c in "ABCDEFGHJKLMNPQRTUVWXYZ" if c != good[-1])
    with pytest.raises(ValueError, match="check character"):
        normalise_pnc_id(good[:-1] + wrong)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [("sw1a1aa", "SW1A 1AA"), ("M1 1AE", "M1 1AE"), ("b33 8th", "B33 8TH"), ("CR2 6XH", "CR2 6XH"),
     ("DN55 1PT", "DN55 1PT"), ("W1A 0AX", "W1A 0AX"), ("EC1A 1BB", "EC1A 1BB"), ("BT1 5GS", "BT1 5GS")],
)
def test_postcode_accepts(raw, canonical):
    assert normalise_postcode(raw) == canonical
    assert postcode_district(raw) == canonical.split()[0]


@pytest.mark.parametrize("raw", ["", "SW1A", "12345", "QV1 1AA", "SW1A 1AAA", "SW1A 1CA", "<script>"])
def test_postcode_rejects(raw):
    with pytest.raises(ValueError, match="postcode"):
        normalise_postcode(raw)


def test_names_normalise():
    assert normalise("  O'Brien-SMITH ") == "o brien smith"
    assert normalise("Zoë Núñez") == "zoe nunez"
    assert search_key("Mary Ann", "Jones") == "mary ann jones"
    assert display("mary  ann", "jones") == "JONES, mary ann"
