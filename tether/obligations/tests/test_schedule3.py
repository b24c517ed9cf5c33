"""Schedule 3 eligibility, one row a case from the text of Sch 3 (paras 1-12, 35C as read; the SOA 2003
entries with the conditions of domain.md §1.3). A check, never a gate: the outcome is evaluated as recorded."""

from __future__ import annotations

from typing import Any

import pytest

from tether.obligations import Eligibility, check_disposal, evaluate
from tether.obligations.schedule3 import known_offences, offence_key

from .factories import D, disp, facts

ADULT = "1960-01-01"
TEEN = "1990-06-01"  # 16 on 2006-06-01


def _check(offence: str, kind: Any = "other", months: int | None = None, dob: str = ADULT, **kw: Any) -> Eligibility:
    d = disp("2006-06-01", kind, months, offence=offence, **kw)
    return check_disposal(d, "england-wales", D(dob))


@pytest.mark.parametrize(
    ("offence", "kind", "months", "kw", "status", "paragraph"),
    [
        pytest.param("SOA 1956 s.1", "other", None, {}, "subject", "para 1", id="rape-1956-always"),
        pytest.param("SOA 1956 s.5", "other", None, {}, "subject", "para 2", id="girl-under-13-always"),
        # para 3: offender 20 or over
        pytest.param("SOA 1956 s.6", "other", None, {"offender_age": 20}, "subject", "para 3", id="s6-offender-20"),
        pytest.param("SOA 1956 s.6", "other", None, {"offender_age": 19}, "not_subject", "para 3", id="s6-offender-19"),
        pytest.param("SOA 1956 s.6", "other", None, {}, "review", "para 3", id="s6-offender-age-unknown"),
        # para 4: victim under 18
        pytest.param("SOA 1956 s.10", "other", None, {"victim_age": 17}, "subject", "para 4", id="incest-victim-17"),
        pytest.param(
            "SOA 1956 s.10", "other", None, {"victim_age": 18}, "not_subject", "para 4", id="incest-victim-18"
        ),
        pytest.param("SOA 1956 s.10", "other", None, {}, "review", "para 4", id="incest-victim-unknown"),
        # paras 5, 6: offender 20+ and other party under 18
        pytest.param(
            "SOA 1956 s.12", "other", None, {"offender_age": 20, "victim_age": 17}, "subject", "para 5", id="s12-both"
        ),
        pytest.param(
            "SOA 1956 s.12",
            "other",
            None,
            {"offender_age": 19, "victim_age": 17},
            "not_subject",
            "para 5",
            id="s12-offender-19",
        ),
        pytest.param(
            "SOA 1956 s.13",
            "other",
            None,
            {"offender_age": 30, "victim_age": 18},
            "not_subject",
            "para 6",
            id="s13-other-party-18",
        ),
        # paras 7, 8: victim under 18, or 30 months' imprisonment, or a restricted hospital order
        pytest.param("SOA 1956 s.14", "imprisonment", 30, {"victim_age": 30}, "subject", "para 7", id="s14-30-months"),
        pytest.param(
            "SOA 1956 s.14", "imprisonment", 29, {"victim_age": 30}, "not_subject", "para 7", id="s14-29-months"
        ),
        pytest.param(
            "SOA 1956 s.15", "hospital_order_restricted", None, {"victim_age": 30}, "subject", "para 8", id="s15-ro"
        ),
        pytest.param("SOA 1956 s.15", "other", None, {"victim_age": 17}, "subject", "para 8", id="s15-victim-17"),
        pytest.param("SOA 1956 s.15", "imprisonment", 12, {}, "review", "para 8", id="s15-victim-unknown-12m"),
        pytest.param("SOA 1956 s.16", "other", None, {"victim_age": 17}, "subject", "para 9", id="s16-victim-17"),
        pytest.param("SOA 1956 s.28", "other", None, {}, "subject", "para 10", id="s28-always"),
        pytest.param("ICA 1960 s.1", "other", None, {}, "subject", "para 11", id="ica-always"),
        pytest.param("CLA 1977 s.54", "other", None, {}, "subject", "para 12", id="cla-always"),
        # para 35C: offender 18 or over, or 12 months' imprisonment
        pytest.param("SCA 2015 s.69", "other", None, {"offender_age": 18}, "subject", "para 35C", id="manual-18"),
        pytest.param(
            "SCA 2015 s.69", "imprisonment", 11, {"offender_age": 17}, "not_subject", "para 35C", id="manual-17-11m"
        ),
        pytest.param("SCA 2015 s.69", "imprisonment", 12, {"offender_age": 17}, "subject", "para 35C", id="manual-12m"),
    ],
)
def test_older_acts_and_read_paragraphs(
    offence: str, kind: Any, months: int | None, kw: dict[str, Any], status: str, paragraph: str
) -> None:
    e = _check(offence, kind, months, **kw)
    assert e.status == status, e
    assert e.paragraph == f"SOA 2003 Sch 3 {paragraph}"
    assert e.reason


@pytest.mark.parametrize(
    ("offence", "kind", "months", "kw", "status"),
    [
        # s.3 pattern: under 18: at least 12 months' imprisonment
        pytest.param("SOA 2003 s.3", "imprisonment", 12, {"offender_age": 17}, "subject", id="s3-youth-12m"),
        pytest.param("SOA 2003 s.3", "imprisonment", 11, {"offender_age": 17}, "not_subject", id="s3-youth-11m"),
        # 18 or over: victim under 18, any imprisonment, hospital, or community sentence of 12 months
        pytest.param("SOA 2003 s.3", "other", None, {"offender_age": 18, "victim_age": 17}, "subject", id="s3-victim"),
        pytest.param(
            "SOA 2003 s.3", "imprisonment", 1, {"offender_age": 18, "victim_age": 30}, "subject", id="s3-jail"
        ),
        pytest.param("SOA 2003 s.3", "other", 12, {"offender_age": 40, "victim_age": 30}, "subject", id="s3-cs-12m"),
        pytest.param(
            "SOA 2003 s.3", "other", 11, {"offender_age": 40, "victim_age": 30}, "not_subject", id="s3-cs-11m"
        ),
        pytest.param(
            "SOA 2003 s.3", "caution", None, {"offender_age": 40, "victim_age": 30}, "not_subject", id="s3-ca"
        ),
        pytest.param("SOA 2003 s.66", "hospital_order", None, {"offender_age": 40}, "subject", id="exposure-hospital"),
        pytest.param("SOA 2003 s.67", "other", None, {"offender_age": 40}, "review", id="voyeurism-victim-unknown"),
        # images: under 16 shown, and offender 18+ or 12 months
        pytest.param("PCA 1978 s.1", "other", None, {"offender_age": 18, "victim_age": 15}, "subject", id="img-18"),
        pytest.param(
            "CJA 1988 s.160", "other", None, {"offender_age": 18, "victim_age": 16}, "not_subject", id="img-16"
        ),
        pytest.param(
            "CJA 1988 s.160", "imprisonment", 12, {"offender_age": 17, "victim_age": 15}, "subject", id="img-youth-12m"
        ),
        pytest.param("SOA 2003 s.1", "other", None, {}, "subject", id="rape-2003"),
    ],
)
def test_sexual_offences_act_2003_patterns(
    offence: str, kind: Any, months: int | None, kw: dict[str, Any], status: str
) -> None:
    e = _check(offence, kind, months, **kw)
    assert e.status == status, e
    assert e.paragraph == "SOA 2003 Sch 3 (England and Wales)"


def test_offender_age_defaults_to_ruling_out_from_the_disposal_date() -> None:
    # 16 on the disposal date: no older than 16 at the offence, so under 20 (para 3 not met) and under 18
    assert _check("SOA 1956 s.6", dob=TEEN).status == "not_subject"
    assert _check("SOA 2003 s.3", "imprisonment", 11, dob=TEEN).status == "not_subject"
    # an adult on the disposal date may have been under 18 at the offence: review
    assert _check("SOA 1956 s.6").status == "review"


def test_codes_ignore_case_spaces_and_dots() -> None:
    assert offence_key("soa2003 s3") == offence_key("SOA 2003 s.3") == "SOA2003S3"
    assert "SOA1956S14" in known_offences()


@pytest.mark.parametrize(
    ("jurisdiction", "offence", "status"),
    [
        pytest.param("england-wales", "Theft Act 1968 s.1", "review", id="unknown-offence"),
        pytest.param("scotland", "SOA 1956 s.1", "review", id="scottish-offences-not-tabled"),
        pytest.param("northern-ireland", "SOA 2003 s.3", "review", id="ni-offences-not-tabled"),
    ],
)
def test_unknown_offence_is_flagged_for_review(jurisdiction: Any, offence: str, status: str) -> None:
    e = check_disposal(disp("2006-06-01", offence=offence), jurisdiction, D(ADULT))
    assert e.status == status and e.paragraph is None
    assert "unknown offence" in e.reason and e.reason.endswith("review")


def test_no_offence_recorded_is_unchecked() -> None:
    e = check_disposal(disp("2006-06-01"), "england-wales", D(ADULT))
    assert e.status == "unchecked"


def test_a_check_not_a_gate() -> None:
    # a disposal the check says does not qualify is still evaluated as recorded, and flagged
    f = facts(disposals=(disp("2020-01-10", "caution", offence="SOA 2003 s.3", offender_age=40, victim_age=30),))
    o = evaluate(f, D("2020-02-01"))
    assert o.registration.subject and o.registration.end == D("2022-01-09")
    assert [(e.disposal, e.status) for e in o.eligibility] == [(0, "not_subject")]


def test_one_entry_per_disposal_dated_by_as_of_and_none_for_sorna() -> None:
    f = facts(disposals=(disp("2020-01-10", offence="SOA 1956 s.1"), disp("2021-01-10"), disp("2030-01-01")))
    assert [e.disposal for e in evaluate(f, D("2022-01-01")).eligibility] == [0, 1]
    s = facts("us-sorna", disposals=(disp("2020-01-10", tier=1, offence="x"),))
    assert evaluate(s, D("2022-01-01")).eligibility == ()
