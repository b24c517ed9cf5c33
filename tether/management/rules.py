"""Risk-led management duties as a pure function: facts + as_of -> duties with reasons and citations.

No Django, nothing of the rest of Tether but the calendar (the same style as ``tether.obligations``). The stored
outcome (``ManagementState.next_due``) comes from here, so the daily sweep is an index range scan.

The policy (domain.md §8):

- **Home visits** (§8.3). A force sets its visit policy: the pre-2017 fixed minimums by risk level (very high
  monthly, high every 3 months, medium every 6 months, low annually), or an individual plan (the officer's chosen
  interval, NPCC 2017), where the fixed minimum stands in until a plan is recorded. Under reactive management
  (low for at least 3 years, decided by a supervisor) no routine visit is due; new intelligence recorded after the
  decision brings a visit back (due within ``intelligence_visit_days``) and a risk review.
  The next visit falls due the interval after the last visit at which the registrant was seen; with none, the
  interval after management began (the first registration or the latest release, whichever is later).
- **ARMS** (§8.2): an assessment within ``arms_days`` (default 15) of release from custody or of the first
  registration, whichever is later, unless one was done on or after that day; then a review by the date the
  assessor set (default: ``arms_review_months`` after the assessment).

Duties start from first registration or release whether or not anything of management is recorded, for every
registrant of a force that manages in Tether (it has set a visit policy: its go-live, so a force bringing an old
register into Tether is not given a task for every historic assessment before it is ready); a registrant of another
force comes under them with the first management record (``Facts.in_scope``).

Each duty's ``due`` is its last day: it is overdue from the day after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Final

from tether.obligations.calendar import add_months, format_date

RULES_VERSION: Final = "management-2025.1"

VERY_HIGH: Final = "very_high"
HIGH: Final = "high"
MEDIUM: Final = "medium"
LOW: Final = "low"
LEVELS: Final = (VERY_HIGH, HIGH, MEDIUM, LOW)
LEVEL_LABELS: Final = {VERY_HIGH: "Very high", HIGH: "High", MEDIUM: "Medium", LOW: "Low"}

ACTIVE: Final = "active"
REACTIVE: Final = "reactive"

FIXED: Final = "fixed"  # pre-2017 minimums by risk level
INDIVIDUAL: Final = "individual"  # the officer's interval from the risk management plan
REACTIVE_ELIGIBLE: Final = "reactive_eligible"  # what-if only: every eligible person under reactive management
POLICIES: Final = (FIXED, INDIVIDUAL)
WHAT_IF_POLICIES: Final = (FIXED, INDIVIDUAL, REACTIVE_ELIGIBLE)
POLICY_LABELS: Final = {FIXED: "Fixed minimums by risk level (pre-2017)",
                        INDIVIDUAL: "Individual plan (NPCC 2017)",
                        REACTIVE_ELIGIBLE: "Reactive management for everyone eligible"}

HOME_VISIT: Final = "home_visit"
ARMS_INITIAL: Final = "arms_initial"
ARMS_REVIEW: Final = "arms_review"
DUTY_KINDS: Final = (HOME_VISIT, ARMS_INITIAL, ARMS_REVIEW)
DUTY_LABELS: Final = {HOME_VISIT: "home visit", ARMS_INITIAL: "ARMS assessment", ARMS_REVIEW: "ARMS review"}

FIXED_MONTHS: Final = {VERY_HIGH: 1, HIGH: 3, MEDIUM: 6, LOW: 12}
REACTIVE_LOW_YEARS: Final = 3

CITE_VISITS: Final = "APP home visits; NPCC pre-2017 minimums (domain.md §8.3)"
CITE_PLAN: Final = "NPCC 29 June 2017: individual risk management plan (domain.md §8.3)"
CITE_REACTIVE: Final = "NPCC 29 June 2017: reactive management (domain.md §8.3)"
CITE_ARMS: Final = "APP ARMS: assessment after release or registration (domain.md §8.2)"
CITE_ARMS_REVIEW: Final = "APP ARMS: review by the date set (domain.md §8.2)"

NOT_IN_SCOPE: Final = ("The owning force has set no visit policy in Tether and nothing of management is recorded for "
                       "this registrant: no management duties yet.")

DUE: Final = "due"
OVERDUE: Final = "overdue"


@dataclass(frozen=True)
class Policy:
    """A force's visit and assessment policy (the stored ``VisitPolicy``; defaults when a force has none)."""

    kind: str = FIXED
    arms_days: int = 15
    arms_review_months: int = 12
    intelligence_visit_days: int = 14
    intelligence_review_days: int = 28


@dataclass(frozen=True)
class Facts:
    """What the duties depend on, for one registrant."""

    managed_from: date | None  # the later of the first registration and the latest release from custody
    in_custody: bool = False
    risk_level: str | None = None
    mode: str = ACTIVE
    mode_since: date | None = None
    plan_months: int | None = None  # the individual plan's visit interval
    last_seen_visit: date | None = None
    last_arms: date | None = None
    arms_next_review: date | None = None
    intelligence_on: date | None = None  # the latest intelligence recorded
    in_scope: bool = True  # the force manages in Tether (it set a visit policy) or something of management is recorded


@dataclass(frozen=True)
class Duty:
    kind: str
    due: date
    status: str
    reason: str
    citation: str

    @property
    def label(self) -> str:
        return DUTY_LABELS[self.kind]


@dataclass(frozen=True)
class Outcome:
    duties: tuple[Duty, ...]
    explanations: tuple[str, ...] = field(default_factory=tuple)
    rules_version: str = RULES_VERSION

    @property
    def next_due(self) -> date | None:
        return min((d.due for d in self.duties), default=None)

    def due(self, kind: str) -> Duty | None:
        return next((d for d in self.duties if d.kind == kind), None)


def visit_months(facts: Facts, policy: Policy) -> tuple[int | None, str, str]:
    """(months between visits or None, why, citation)."""
    level = facts.risk_level
    if level not in FIXED_MONTHS:
        return 12, "no risk level is recorded, so the low-risk minimum applies until one is", CITE_VISITS
    label = LEVEL_LABELS[level].lower()
    if policy.kind == INDIVIDUAL and facts.plan_months:
        return facts.plan_months, f"the risk management plan sets a visit every {_months(facts.plan_months)}", \
            CITE_PLAN
    base = FIXED_MONTHS[level]
    if policy.kind == INDIVIDUAL:
        return base, (f"no individual plan is recorded, so the {label}-risk minimum of a visit every "
                      f"{_months(base)} applies"), CITE_VISITS
    return base, f"{label} risk: a visit every {_months(base)}", CITE_VISITS


def _months(n: int) -> str:
    return "month" if n == 1 else f"{n} months"


def status_on(due: date, as_of: date) -> str:
    """A duty's status on ``as_of``: overdue once its last day has passed."""
    return OVERDUE if due < as_of else DUE


def evaluate(facts: Facts, as_of: date, policy: Policy | None = None) -> Outcome:
    """The registrant's management duties on ``as_of`` (each with its last day, status, reason, citation)."""
    policy = policy or Policy()
    duties: list[Duty] = []
    notes: list[str] = []
    if facts.managed_from is None:
        return Outcome((), ("Not yet registered: no management duties.",))
    if not facts.in_scope:
        return Outcome((), (NOT_IN_SCOPE,))
    if facts.in_custody:
        return Outcome((), ("In custody: visits and assessments resume on release.",))

    # --- home visits
    months, why, cite = visit_months(facts, policy)
    intel_after_reactive = (facts.mode == REACTIVE and facts.intelligence_on is not None
                            and (facts.mode_since is None or facts.intelligence_on >= facts.mode_since))
    if facts.mode == REACTIVE and not intel_after_reactive:
        notes.append("Reactive management: no routine home visits; monitored remotely (annual notification "
                     f"continues). [{CITE_REACTIVE}]")
    elif intel_after_reactive:
        assert facts.intelligence_on is not None
        due = facts.intelligence_on + timedelta(days=policy.intelligence_visit_days - 1)
        if facts.last_seen_visit is None or facts.last_seen_visit < facts.intelligence_on:
            duties.append(Duty(HOME_VISIT, due, status_on(due, as_of),
                               f"new intelligence on {format_date(facts.intelligence_on)} under reactive management: "
                               f"a home visit within {policy.intelligence_visit_days} days", CITE_REACTIVE))
    elif months is not None:
        anchor = facts.last_seen_visit or facts.managed_from
        due = add_months(anchor, months)
        since = (f"the last visit at which they were seen ({format_date(anchor)})" if facts.last_seen_visit
                 else f"management began ({format_date(anchor)}) with no visit recorded since")
        duties.append(Duty(HOME_VISIT, due, status_on(due, as_of), f"{why}; counted from {since}", cite))

    # --- ARMS
    start = facts.managed_from
    if facts.last_arms is None or facts.last_arms < start:
        due = start + timedelta(days=policy.arms_days - 1)
        duties.append(Duty(ARMS_INITIAL, due, status_on(due, as_of),
                           f"an ARMS assessment within {policy.arms_days} days of release or first registration "
                           f"({format_date(start)}), none recorded since", CITE_ARMS))
    else:
        review = facts.arms_next_review or add_months(facts.last_arms, policy.arms_review_months)
        if intel_after_reactive:
            assert facts.intelligence_on is not None
            if facts.last_arms < facts.intelligence_on:
                review = min(review, facts.intelligence_on + timedelta(days=policy.intelligence_review_days - 1))
        how = ("the date the assessor set" if facts.arms_next_review
               else f"{policy.arms_review_months} months after the assessment")
        duties.append(Duty(ARMS_REVIEW, review, status_on(review, as_of),
                           f"review of the ARMS assessment of {format_date(facts.last_arms)}: by {how}"
                           + (" (brought forward by new intelligence)" if intel_after_reactive
                              and review != (facts.arms_next_review
                                             or add_months(facts.last_arms, policy.arms_review_months)) else ""),
                           CITE_ARMS_REVIEW))
    duties.sort(key=lambda d: (d.due, d.kind))
    return Outcome(tuple(duties), tuple(notes))


# --- reactive management ----------------------------------------------------------------------------------

LevelSpan = tuple[str, date, "date | None"]  # (level, valid_from, valid_to exclusive)


def reactive_eligibility(levels: Sequence[LevelSpan], as_of: date, last_police_notice: date | None = None,
                         notice_months: int = 12) -> tuple[bool, str]:
    """Low risk continuously for at least 3 years up to ``as_of`` and no police notice in the last
    ``notice_months`` months: (eligible, why)."""
    held = sorted((s for s in levels if s[1] <= as_of), key=lambda s: s[1])
    if not held:
        return False, "no risk level is recorded"
    current = held[-1]
    if current[0] != LOW or (current[2] is not None and current[2] <= as_of):
        return False, "the current risk level is not low"
    since = current[1]
    for level, start, end in reversed(held[:-1]):  # earlier contiguous low spans count too
        if level == LOW and end == since:
            since = start
        else:
            break
    three = add_months(since, 12 * REACTIVE_LOW_YEARS)
    if three > as_of:
        return False, f"low only since {format_date(since)}: eligible from {format_date(three)}"
    if last_police_notice is not None and add_months(last_police_notice, notice_months) > as_of:
        return False, f"came to police notice on {format_date(last_police_notice)}"
    return True, f"low risk since {format_date(since)} (at least {REACTIVE_LOW_YEARS} years), no recent police notice"


# --- suggested visit dates --------------------------------------------------------------------------------

SLOTS: Final = ((time(9, 30), "morning"), (time(14, 0), "afternoon"), (time(18, 30), "evening"))


def suggest_visit_times(due: date, as_of: date, previous: Sequence[tuple[int, int]] = (), count: int = 3,
                        window_days: int = 14) -> list[tuple[date, time, str]]:
    """``count`` suggested (date, time, part of day) on or before ``due`` (from ``as_of``), each on a weekday and
    in a part of the day not used by the previous visits (``previous``: (weekday, slot index)) nor by each other,
    so visits vary the day and time as practice asks. An overdue visit is suggested from ``as_of`` on."""
    start = max(as_of, due - timedelta(days=window_days - 1))
    if start > due:
        start = as_of
    used_days = {w for w, _ in previous}
    used_slots = [s for _, s in previous]
    out: list[tuple[date, time, str]] = []
    day = start
    slot = (used_slots[-1] + 1) % len(SLOTS) if used_slots else 0
    for _ in range(60):
        if len(out) >= count:
            break
        if day.weekday() < 6 and day.weekday() not in used_days:
            at, part = SLOTS[slot]
            out.append((day, at, part))
            used_days.add(day.weekday())
            slot = (slot + 1) % len(SLOTS)
        day += timedelta(days=1)
        if len(used_days) >= 6:
            used_days = set()
    return out


# --- caseload and capacity --------------------------------------------------------------------------------

DEFAULT_WEIGHTS: Final = {VERY_HIGH: 3.0, HIGH: 2.0, MEDIUM: 1.5, LOW: 1.0}
DEFAULT_BENCHMARK: Final = 50


def weighted(levels: Sequence[str | None], weights: dict[str, float] | None = None) -> float:
    """A caseload weighted by risk (a registrant with no level counts as low)."""
    w = weights or DEFAULT_WEIGHTS
    return round(sum(w.get(level or LOW, w.get(LOW, 1.0)) for level in levels), 1)


def weighted_counts(levels: Mapping[str | None, int], weights: dict[str, float] | None = None) -> float:
    """``weighted(list(Counter(levels).elements()), weights)`` from the counts: each level's weight times its count
    when every weight is a whole number of 1/1024ths (the defaults, halves, quarters: then every partial sum is
    exact, so the order of adding changes nothing), else by ``weighted`` itself, one registrant at a time."""
    w = weights or DEFAULT_WEIGHTS
    each = [(w.get(level or LOW, w.get(LOW, 1.0)), n) for level, n in levels.items() if n > 0]
    if all((x * 1024).is_integer() and abs(x) < 2**20 for x, _ in each) and sum(n for _, n in each) < 2**20:
        return round(sum(x * n for x, n in each), 1)
    return weighted([level for level, n in levels.items() for _ in range(max(0, n))], weights)


@dataclass(frozen=True)
class Demand:
    """One registrant's facts for the capacity plan (``key`` is whatever the caller uses to name them)."""

    key: str
    facts: Facts
    reactive_eligible: bool = False


@dataclass(frozen=True)
class Work:
    key: str
    kind: str
    due: date
    level: str | None
    hours: float


Bucket = tuple[str | None, date, str]  # (risk level, due, duty kind): the work ``capacity`` cannot tell apart


@dataclass(frozen=True)
class Capacity:
    policy: str
    start: date
    end: date  # inclusive
    visits: int
    assessments: int
    hours_required: float
    hours_available: float
    missed: tuple[Work, ...]  # what does not fit, the lowest priority first to go
    done: int
    missed_count: int | None = None  # when planned from counts (``capacity_counted``), ``missed`` is not listed
    missed_buckets: tuple[tuple[Bucket, int], ...] = ()  # and how many of each bucket's work are missed instead

    @property
    def will_be_missed(self) -> int:
        return len(self.missed) if self.missed_count is None else self.missed_count

    @property
    def shortfall_hours(self) -> float:
        return round(max(0.0, self.hours_required - self.hours_available), 1)


_RANK = {VERY_HIGH: 0, HIGH: 1, MEDIUM: 2, LOW: 3, None: 4}


def _visit_interval(facts: Facts, policy: Policy) -> int | None:
    """``visit_months``'s months alone (no words: for planning many registrants)."""
    level = facts.risk_level
    if level not in FIXED_MONTHS:
        return 12
    if policy.kind == INDIVIDUAL and facts.plan_months:
        return facts.plan_months
    return FIXED_MONTHS[level]


def dues(facts: Facts, as_of: date, policy: Policy) -> list[tuple[str, date]]:
    """(kind, last day) of each of ``evaluate``'s duties, in its order, without the reasons: the same branches,
    for planning many registrants (``capacity``); ``test_rules`` holds the two equal over many facts."""
    if facts.managed_from is None or not facts.in_scope or facts.in_custody:
        return []
    out: list[tuple[str, date]] = []
    intel = facts.intelligence_on
    intel_after_reactive = (facts.mode == REACTIVE and intel is not None
                            and (facts.mode_since is None or intel >= facts.mode_since))
    if intel_after_reactive:
        assert intel is not None
        if facts.last_seen_visit is None or facts.last_seen_visit < intel:
            out.append((HOME_VISIT, intel + timedelta(days=policy.intelligence_visit_days - 1)))
    elif facts.mode != REACTIVE:
        months = _visit_interval(facts, policy)
        if months is not None:
            out.append((HOME_VISIT, add_months(facts.last_seen_visit or facts.managed_from, months)))
    start = facts.managed_from
    if facts.last_arms is None or facts.last_arms < start:
        out.append((ARMS_INITIAL, start + timedelta(days=policy.arms_days - 1)))
    else:
        review = facts.arms_next_review or add_months(facts.last_arms, policy.arms_review_months)
        if intel_after_reactive and intel is not None and facts.last_arms < intel:
            review = min(review, intel + timedelta(days=policy.intelligence_review_days - 1))
        out.append((ARMS_REVIEW, review))
    out.sort(key=lambda d: (d[1], d[0]))
    return out


@lru_cache(maxsize=64)
def _individual(policy: Policy) -> Policy:
    return replace(policy, kind=INDIVIDUAL)


def _work_for(d: Demand, policy: Policy, start: date, end: date, hours_visit: float, hours_assessment: float,
              ) -> list[Work]:
    facts = d.facts
    if policy.kind == REACTIVE_ELIGIBLE:
        if d.reactive_eligible and facts.mode == ACTIVE:
            facts = replace(facts, mode=REACTIVE, mode_since=start)
        policy = _individual(policy)
    out: list[Work] = []
    for kind, last_day in dues(facts, start, policy):
        due = max(last_day, start)
        if due > end:
            continue
        hours = hours_visit if kind == HOME_VISIT else hours_assessment
        out.append(Work(d.key, kind, due, facts.risk_level, hours))
        if kind == HOME_VISIT:  # the visits that follow within the window
            months = _visit_interval(facts, policy)
            nxt = add_months(due, months or 12)
            while months and nxt <= end:
                out.append(Work(d.key, HOME_VISIT, nxt, facts.risk_level, hours))
                nxt = add_months(nxt, months)
    return out


def capacity(demand: Sequence[Demand], *, policy: Policy, start: date, months: int, officers: float,
             hours_per_officer_month: float, hours_per_visit: float, hours_per_assessment: float) -> Capacity:
    """The visits and assessments ``policy`` requires from ``start`` for ``months`` against the officer hours
    available. Work is done in priority order (highest risk first, then the earliest due); what does not fit is
    ``missed``, the first people to miss out listed first."""
    end = add_months(start, months) - timedelta(days=1)
    work = [w for d in demand for w in _work_for(d, policy, start, end, hours_per_visit, hours_per_assessment)]
    work.sort(key=lambda w: (_RANK.get(w.level, 4), w.due, w.kind, w.key))
    available = round(officers * hours_per_officer_month * months, 1)
    used = 0.0
    missed: list[Work] = []
    for w in work:
        if used + w.hours <= available:
            used += w.hours
        else:
            missed.append(w)
    missed.sort(key=lambda w: (-_RANK.get(w.level, 4), w.due, w.key))
    return Capacity(
        policy=policy.kind, start=start, end=end,
        visits=sum(1 for w in work if w.kind == HOME_VISIT),
        assessments=sum(1 for w in work if w.kind != HOME_VISIT),
        hours_required=round(sum(w.hours for w in work), 1), hours_available=available,
        missed=tuple(missed), done=len(work) - len(missed),
    )


def visit_dues(due: date, months: int | None, start: date, end: date) -> list[date]:
    """The home visits from a duty due on ``due`` within ``start`` to ``end``: the first (overdue ones on
    ``start``) and the visits that follow every ``months`` (as ``capacity`` plans them)."""
    first = max(due, start)
    if first > end:
        return []
    out = [first]
    nxt = add_months(first, months or 12)
    while months and nxt <= end:
        out.append(nxt)
        nxt = add_months(nxt, months)
    return out


def work_buckets(demand: Sequence[Demand], policy: Policy, start: date, end: date) -> dict[Bucket, int]:
    """How much work of each bucket ``capacity`` would plan for ``demand`` (one registrant at a time)."""
    out: dict[Bucket, int] = {}
    for d in demand:
        for w in _work_for(d, policy, start, end, 0.0, 0.0):
            key = (w.level, w.due, w.kind)
            out[key] = out.get(key, 0) + 1
    return out


def bucket_keys(demand: Sequence[Demand], policy: Policy, start: date, end: date) -> dict[Bucket, list[str]]:
    """Whose work ``work_buckets`` counts in each bucket (their keys, in ``demand``'s order)."""
    out: dict[Bucket, list[str]] = {}
    for d in demand:
        for w in _work_for(d, policy, start, end, 0.0, 0.0):
            out.setdefault((w.level, w.due, w.kind), []).append(d.key)
    return out


def capacity_counted(buckets: dict[Bucket, int], *, policy: str, start: date, months: int, officers: float,
                     hours_per_officer_month: float, hours_per_visit: float, hours_per_assessment: float
                     ) -> Capacity:
    """``capacity`` from the counts of work per (risk level, due, kind) instead of one item per registrant: the
    same plan (work of a bucket is alike, so which registrant of it is done first changes no figure), without the
    list of who misses out (``missed_count`` only)."""
    end = add_months(start, months) - timedelta(days=1)
    available = round(officers * hours_per_officer_month * months, 1)
    used = required = 0.0
    visits = assessments = missed = 0
    misses: list[tuple[Bucket, int]] = []
    for bucket, n in sorted(buckets.items(), key=lambda b: (_RANK.get(b[0][0], 4), b[0][1], b[0][2])):
        kind = bucket[2]
        hours = hours_per_visit if kind == HOME_VISIT else hours_per_assessment
        if kind == HOME_VISIT:
            visits += n
        else:
            assessments += n
        m = 0
        for _ in range(n):
            required += hours
            if used + hours <= available:
                used += hours
            else:
                m += 1
        if m:
            misses.append((bucket, m))
            missed += m
    return Capacity(policy=policy, start=start, end=end, visits=visits, assessments=assessments,
                    hours_required=round(required, 1), hours_available=available, missed=(),
                    done=visits + assessments - missed, missed_count=missed, missed_buckets=tuple(misses))


def _missed_groups(missed_buckets: Sequence[tuple[Bucket, int]]) -> dict[tuple[int, date], list[tuple[Bucket, int]]]:
    """The missed buckets by (lowest priority first, earliest due): the order ``capacity`` lists ``missed`` in."""
    groups: dict[tuple[int, date], list[tuple[Bucket, int]]] = {}
    for bucket, m in missed_buckets:
        groups.setdefault((-_RANK.get(bucket[0], 4), bucket[1]), []).append((bucket, m))
    return dict(sorted(groups.items()))


def missed_first_buckets(missed_buckets: Sequence[tuple[Bucket, int]], limit: int) -> set[Bucket]:
    """The buckets that hold the first ``limit`` of ``missed`` (whose members ``first_missed`` needs)."""
    out: set[Bucket] = set()
    count = 0
    for group in _missed_groups(missed_buckets).values():
        if count >= limit:
            break
        out.update(b for b, _ in group)
        count += sum(m for _, m in group)
    return out


def first_missed(missed_buckets: Sequence[tuple[Bucket, int]], members: dict[Bucket, list[str]], *,
                 hours_per_visit: float, hours_per_assessment: float, limit: int) -> list[Work]:
    """The first ``limit`` items of ``capacity``'s ``missed`` from ``capacity_counted``'s ``missed_buckets`` and the
    keys of each of those buckets' members (``members``, as ``work_buckets`` would count them): a bucket's work is
    done in key order and is alike, so once one item no longer fits none after it does, and those missed are its last
    by key; ``missed`` lists the lowest priority first, then the earliest due, then the key (then the kind)."""
    out: list[Work] = []
    for (_, due), group in _missed_groups(missed_buckets).items():
        items = sorted(((key, bucket[2], bucket[0]) for bucket, m in group if m > 0
                        for key in sorted(members.get(bucket, ()))[-m:]), key=lambda t: (t[0], t[1]))
        for key, kind, level in items:
            if len(out) >= limit:
                return out
            out.append(Work(key, kind, due, level, hours_per_visit if kind == HOME_VISIT else hours_per_assessment))
    return out
