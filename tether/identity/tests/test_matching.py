"""The pure matching rules, table-driven (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from tether.identity import matching as m


@pytest.mark.parametrize(("raw", "expected"), [
    ("Paweł Kozłowski", ["pawel", "kozlowski"]),
    ("ł ø ß æ đ ı", ["l", "o", "ss", "ae", "d", "i"]),
    ("O'Brien-Smith, Seán", ["o", "brien", "smith", "sean"]),
    ("Øyvind STRASSE", ["oyvind", "strasse"]),
    ("Straße", ["strasse"]),
    ("Đorđević", ["dordevic"]),
    ("Владимир", ["vladimir"]),
])
def test_transliteration_keeps_every_letter(raw, expected):
    assert m.words(raw) == expected


@pytest.mark.parametrize(("typed", "stored", "how"), [
    ("adums", "addams", "sounds"),
    ("smyth", "smith", "sounds"),
    ("jonson", "johnson", "spelt"),
    ("mohamed", "mohammed", "nickname"),
    ("mohamed", "mohammad", "nickname"),
    ("mahammed", "mohammed", "sounds"),
    ("muhammad", "mohammed", "nickname"),
    ("bill", "william", "nickname"),
    ("peggy", "margaret", "nickname"),
    ("sandy", "alexander", "nickname"),
    ("jack", "john", "nickname"),
    ("smiht", "smith", "spelt"),
    ("test", "testperson", "starts"),
])
def test_word_matches(typed, stored, how):
    assert m.compare_words(typed, stored).how == how
    assert 0 < m.compare_words(typed, stored).score < 1


@pytest.mark.parametrize(("typed", "stored"), [("ewman", "newman"), ("jones", "smith"), ("zed", "addams")])
def test_words_that_do_not_match(typed, stored):
    assert m.compare_words(typed, stored).score == 0


def test_name_order_does_not_matter_and_reasons_are_given():
    tokens = [m.NameToken("given", "john"), m.NameToken("family", "smith")]
    assert m.score_name(["smith", "john"], tokens).score == 1.0
    s = m.score_name(["jon", "smyth"], tokens)
    assert 0.8 < s.score < 1 and "surname sounds like" in s.reasons


DOB = date(1965, 6, 27)


@pytest.mark.parametrize(("typed", "stored", "score", "reason"), [
    ("27/06/1965", DOB, 1.0, "date of birth"),
    ("1965-06-27", DOB, 1.0, "date of birth"),
    ("06/27/1965", DOB, 1.0, "date of birth"),  # month first: read as the only real date it can be
    ("03/04/1975", date(1975, 3, 4), 0.9, "DOB day/month swapped"),
    ("28/06/1965", DOB, 0.8, "DOB one digit different"),
    ("15/01/1969", date(1970, 1, 15), 0.8, "DOB year ±1"),
    ("1965", DOB, 1.0, "DOB year"),
    ("1966", DOB, 0.7, "DOB year ±1"),
    ("06/1965", DOB, 1.0, "DOB year and month"),
    ("1965-06", DOB, 1.0, "DOB year and month"),
    ("01/01/1980", DOB, 0.0, ""),
])
def test_lenient_dates_of_birth(typed, stored, score, reason):
    q = m.parse_dob(typed)
    assert m.score_dob(q, stored) == (score, reason)
    wanted = m.dob_candidates(q)
    if score:
        assert stored in wanted if isinstance(wanted, list) else wanted[0] <= stored <= wanted[1]


@pytest.mark.parametrize("bad", ["31/02/1965", "1965-13", "27/06/65", "tomorrow", "1700"])
def test_bad_dates_of_birth_are_refused(bad):
    with pytest.raises(ValueError, match="date of birth"):
        m.parse_dob(bad)


def test_identifiers_are_formatting_insensitive_and_tolerate_one_character():
    assert m.loose_ni("ab 12 34 56 c") == "AB123456C"
    assert "AB123457C" in m.ni_candidates("AB123456C")
    assert len(m.ni_candidates("AB123456C")) < 200  # bounded
    year_serial_check = m.loose_pnc("2001 / 0123456 A")
    assert year_serial_check == ("2001", "0123456", "A")
    assert m.loose_pnc("20010123456A") == year_serial_check
    assert "01/0123456A" in m.pnc_candidates(year_serial_check)
    assert "2001/0123457A" in m.pnc_candidates(year_serial_check)
    assert m.pnc_key("2001/0123456A") == m.pnc_key("01/0123456A")
    for bad in ("12345", "ABCDEFGHIJ"):
        with pytest.raises(ValueError):
            m.loose_ni(bad)


@pytest.mark.parametrize(("typed", "number"), [("TTH-000123", 123), ("tth000123", 123), ("123", 123),
                                               ("000123", 123), (" 42 ", 42)])
def test_reference_in_full_or_its_number(typed, number):
    assert m.reference_number(typed) == number


def test_postcodes_full_or_district():
    assert m.postcode_query("sw1a1aa") == ("SW1A 1AA", True)
    assert m.postcode_query("SW1A") == ("SW1A", False)
    with pytest.raises(ValueError):
        m.postcode_query("NOT A POSTCODE")


@pytest.mark.parametrize("text", ["a\u2028b", "a\u0085b", "a\ud800b", "a\u202eb"])
def test_hidden_characters(text):
    assert m.has_hidden_characters(text)


def test_phonetic_keys_fit_the_stored_width():
    # a long double-barrelled family name, joined, has a Double Metaphone key longer than the column
    long_word = m.joined("Krzyzanowski-Fenton-Sgardenstrakenbrook")
    primary, alternate = m.phonetic(long_word)
    assert 0 < len(primary) <= m.PHONETIC_LEN and len(alternate) <= m.PHONETIC_LEN
