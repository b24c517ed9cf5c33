"""The contract of the rules engine: facts in, outcome out.

Pure data: no Django, no I/O. Field names follow the JSON contract in
``docs/rules.md`` so a JSON document maps one-to-one onto these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, get_args

Jurisdiction = Literal["england-wales", "scotland", "northern-ireland", "us-sorna"]
JURISDICTIONS: tuple[Jurisdiction, ...] = get_args(Jurisdiction)

DisposalKind = Literal[
    "imprisonment",
    "life",
    "ipp",
    "hospital_order",
    "hospital_order_restricted",
    "caution",
    "conditional_discharge",
    "other",
]
DISPOSAL_KINDS: tuple[DisposalKind, ...] = get_args(DisposalKind)

DetentionKind = Literal["custody", "hospital", "abroad"]
DETENTION_KINDS: tuple[DetentionKind, ...] = get_args(DetentionKind)

NotificationKind = Literal["initial", "change", "periodic", "travel", "prescribed"]
NOTIFICATION_KINDS: tuple[NotificationKind, ...] = get_args(NotificationKind)

EventKind = Literal["release", "name_change", "address_change", "departure", "stay", "prescribed_change"]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)

# The 2012 prescribed information (passport and other identity documents, bank accounts, payment cards, a
# relevant household where a child lives or stays): what a ``prescribed_change`` event changed.
PrescribedItem = Literal["passport", "bank_account", "payment_card", "relevant_household"]
PRESCRIBED_ITEMS: tuple[PrescribedItem, ...] = get_args(PrescribedItem)

# Disposal kinds that exist only in the UK regime (not on a US SORNA record).
UK_ONLY_DISPOSAL_KINDS: frozenset[str] = frozenset(
    {"ipp", "hospital_order", "hospital_order_restricted", "caution", "conditional_discharge"}
)

# ``shpo``: an SHPO (a SOPO before the SHPO began; NI keeps the SOPO): keeps or makes the person subject while in
# force (s.103G) and bars an application for review (s.91A). ``notification_order``: a court's notification order
# (s.97; in E&W from 2023 a s.96ZA police notice) for a conviction abroad: makes the person subject from the day it
# is made (the initial notification runs from then) until ``end``, the last day of the period it states. A sexual
# risk order or a foreign travel prohibition changes no notification duty and is not a fact of the engine.
OrderKind = Literal["shpo", "notification_order"]
ORDER_KINDS: tuple[OrderKind, ...] = get_args(OrderKind)

ObligationKind = Literal["initial", "change", "non_occurrence", "periodic", "travel", "absence", "verification"]
ObligationStatus = Literal["met", "due", "overdue"]
EligibilityStatus = Literal["subject", "not_subject", "review", "unchecked"]
OBLIGATION_STATUSES: tuple[ObligationStatus, ...] = get_args(ObligationStatus)


@dataclass(frozen=True)
class Disposal:
    date: date
    kind: DisposalKind
    months: int | None = None  # imprisonment term or conditional-discharge length
    tier: int | None = None  # US SORNA tier 1-3
    # Optional (added): US SORNA only. True when the disposal is a juvenile delinquency adjudication,
    # which with a clean record cuts a tier III life period to 25 years (34 U.S.C. §20915(b)(3)(B)).
    adjudicated_delinquent: bool = False
    # Optional (added), UK only, for the Schedule 3 check (``schedule3.check_disposal``); never a gate:
    # the offence as a code such as "SOA 2003 s.3" or "SOA 1956 s.14", the victim's (or the other party's,
    # or for an image the youngest person shown) age at the time of the offence, and the offender's age at
    # the time of the offence (when not given, the age on the disposal date is used only to rule a
    # condition out). For an ``other`` disposal, ``months`` is read as the length of a community sentence.
    offence: str | None = None
    victim_age: int | None = None
    offender_age: int | None = None


@dataclass(frozen=True)
class Order:
    kind: OrderKind
    start: date
    end: date | None = None  # None: until further order


@dataclass(frozen=True)
class Detention:
    kind: DetentionKind
    start: date
    end: date | None = None  # None: still detained / still abroad


@dataclass(frozen=True)
class Notification:
    kind: NotificationKind
    date: date
    no_fixed_abode: bool = False


@dataclass(frozen=True)
class Event:
    kind: EventKind
    start: date
    end: date | None = None  # stays only
    address: str | None = None  # stays only: which address
    advance_notice_for: date | None = None  # the date an advance notification said the event would happen
    # Optional (added), departures only: destination country (ISO 3166 code, e.g. "IE"); NI exempts
    # short trips to the Republic of Ireland. ``end`` on a departure is the return date, if known.
    country: str | None = None
    # Optional (added), departures only: the travel details were not known 7 days ahead, so the
    # 12-hour fallback applies (modelled at date level: notice by the end of the day before departure).
    short_notice: bool = False
    # Optional (added), departures only: the day the trip was notified (the ``travel`` notification that gave it).
    # When given, that notification alone decides the trip's travel duty (met, or met late, if made no later than
    # the departure day); when None, the first travel notification since the previous departure does.
    notified_on: date | None = None
    # Optional (added), ``prescribed_change`` events only: which prescribed item changed (None: not said).
    item: PrescribedItem | None = None


@dataclass(frozen=True)
class Review:
    determined_on: date
    outcome: Literal["discharged", "refused", "continued"]
    # Optional (added): the date the determination set for the next review (E&W further qualifying
    # date, Scotland further date of discharge); when None the default period applies.
    further_date: date | None = None


@dataclass(frozen=True)
class Facts:
    jurisdiction: Jurisdiction
    date_of_birth: date
    disposals: tuple[Disposal, ...]
    orders: tuple[Order, ...] = ()
    detentions: tuple[Detention, ...] = ()
    notifications: tuple[Notification, ...] = ()
    events: tuple[Event, ...] = ()
    review: Review | None = None
    # Optional (added): US SORNA clean record (34 U.S.C. §20915(b)(2)): no conviction punishable by more
    # than 1 year, no sex offence, supervision and a certified treatment programme completed, kept since
    # registration began. Shortens tier I to 10 years and a juvenile tier III to 25 years.
    sorna_clean_record: bool = False
    # Optional (added): the date the person died. The registration ends that day and nothing falls due on or
    # after it (``engine.close_at_death``); no disposal, order, detention or notification may be dated later.
    date_of_death: date | None = None


@dataclass(frozen=True)
class Registration:
    start: date | None
    end: date | None  # last day subject; None when indefinite or never subject
    indefinite: bool
    subject: bool  # subject to notification on as_of
    review_eligible_from: date | None
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Obligation:
    kind: ObligationKind
    trigger: date
    due: date  # last day to comply
    status: ObligationStatus
    met_on: date | None
    citation: str
    explanation: str


@dataclass(frozen=True)
class Eligibility:
    """The Schedule 3 check of one disposal: a flag for review, never a gate on the outcome."""

    disposal: int  # index in ``Facts.disposals``
    status: EligibilityStatus
    paragraph: str | None  # the Schedule 3 entry checked against, e.g. "SOA 2003 Sch 3 para 7"
    reason: str


@dataclass(frozen=True)
class Outcome:
    rules_version: str
    jurisdiction: Jurisdiction
    as_of: date
    registration: Registration
    obligations: tuple[Obligation, ...] = field(default_factory=tuple)
    # The earliest day after ``as_of`` on which evaluating the same facts may give another outcome (None:
    # never). Between ``as_of`` and the day before it, only ``as_of`` and the day counts that echo it in
    # explanations ("N days overdue", the running length of an absence) differ. May be early, never late.
    changes_on: date | None = None
    # Optional (added): the Schedule 3 check of each disposal dated on or before ``as_of`` (UK only).
    eligibility: tuple[Eligibility, ...] = ()

    @property
    def next_due(self) -> date | None:
        """Earliest due date among obligations not yet met (the value the daily sweep indexes)."""
        open_dues = [o.due for o in self.obligations if o.status != "met"]
        return min(open_dues) if open_dues else None


class FactsError(ValueError):
    """Bad input: names the field (a JSON path such as ``disposals[0].kind``) and the rule broken."""

    def __init__(self, field: str, message: str, rule: str = "", day: date | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        # for contradictions (``contract.contradictions``): which rule (a key such as "after_death") and the date
        # of the offending fact, so a caller can word the refusal in its own terms
        self.rule = rule
        self.day = day
