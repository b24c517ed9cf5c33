"""Reading and verifying the audit chain."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Count, Min, Q, QuerySet

from tether.core import clock
from tether.core.errors import NO_CONTROL_CHARACTERS, ValidationFailed, has_control_characters

from .chain import GENESIS, MAX_PENDING_SECONDS, event_hash
from .chaining import chain_pending
from .models import AuditEvent

if TYPE_CHECKING:
    pass

_Row = TypeVar("_Row", bound=Mapping[str, Any])


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    pending: int = 0  # events found unchained when the check began (then chained, and checked with the rest)
    oldest_pending_seconds: float | None = None  # how long ago the oldest of them was written
    head_seq: int = 0  # the chain's last event: keep (head_seq, head_hash) outside the database to detect a
    head_hash: str = GENESIS  # rewrite of the whole tail (module doc of services)


def unchained_tail() -> tuple[int, float | None]:
    """How many events are not chained yet, and how many seconds ago the oldest of them was written."""
    tail = AuditEvent.objects.filter(seq__isnull=True).aggregate(n=Count("pk"), oldest=Min("at"))  # partial index
    if not tail["n"]:
        return 0, None
    return tail["n"], max(0.0, (clock.now() - tail["oldest"]).total_seconds())


def verify_chain(progress: Callable[[int], None] | None = None, batch: int = 5000,
                 max_pending_seconds: float = MAX_PENDING_SECONDS) -> VerifyResult:
    """Walk the chain in seq order; name the first event that was edited, deleted or reordered.

    First the unchained tail is measured (count, oldest age) and chained, so it is checked too; the check fails
    when an event had waited more than ``max_pending_seconds`` to be chained (the chainer had stopped)."""
    pending, oldest = unchained_tail()
    if pending:
        chain_pending()
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    qs = AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values(
        "seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "force_code", "reason",
        "detail", "personal", "prev_hash", "hash",
    )
    base = VerifyResult(True, 0, pending=pending, oldest_pending_seconds=None if oldest is None else round(oldest, 3))
    for rows in _by_seq(qs, batch):
        for row in rows:
            if row["seq"] != expected_seq:
                return replace(base, ok=False, checked=checked, first_bad_seq=expected_seq,
                               problem=f"event {expected_seq} is missing (deleted?)")
            if row["prev_hash"] != prev_hash:
                return replace(base, ok=False, checked=checked, first_bad_seq=row["seq"],
                               problem="does not follow the event before it (reordered?)")
            fields = dict(row, at=row["at"].isoformat())
            if event_hash(fields, prev_hash) != row["hash"]:
                return replace(base, ok=False, checked=checked, first_bad_seq=row["seq"],
                               problem="content does not match its hash (edited?)")
            prev_hash, expected_seq, checked = row["hash"], expected_seq + 1, checked + 1
        if progress:
            progress(checked)
    base = replace(base, checked=checked, head_seq=expected_seq - 1, head_hash=prev_hash)
    if oldest is not None and oldest > max_pending_seconds:
        return replace(base, ok=False, problem=(
            f"{pending} event{'s' if pending != 1 else ''} had not been chained, the oldest written "
            f"{round(oldest)} seconds ago (the limit is {round(max_pending_seconds)}): the chainer had stopped, "
            "and an unchained event can be changed without a trace. They are chained and checked now"
        ))
    return base


def _by_seq(qs: QuerySet[AuditEvent, _Row], batch: int) -> Iterator[list[_Row]]:
    """The rows of ``qs`` (``.values()`` in seq order, seq among them) in batches of ``batch``, each fetched
    after the last seq of the one before (no OFFSET, however long the trail)."""
    after = 0
    while True:
        rows = list(qs.filter(seq__gt=after)[:batch])
        if rows:
            yield rows
        if len(rows) < batch:
            return
        after = rows[-1]["seq"]


# --- who viewed a record -------------------------------------------------------------------------------------

ACTION_LABELS = {
    "person.view": "Viewed the record",
    "person.rules": "Opened it in the rules explorer",
    "person.assign": "Opened it to assign a partner",
    "person.create": "Added it to the register",
    "person.import": "Imported it",
    "person.change": "Changed the record",
    "access.grant": "Gave a reason to open another force's record",
    "access.partner_assign": "Assigned a partner agency",
    "notification.record": "Recorded a notification",
}
LEVEL_LABELS = {"full": "Full record", "limited": "National index entry"}


@dataclass(frozen=True)
class Viewer:
    """One event on a record, for the "who viewed this record" list."""

    seq: int
    at: datetime
    actor_label: str  # who, with their role and force as they were at the time
    username: str
    action: str
    action_label: str
    reason: str
    level: str  # full / limited for reads, "" for changes
    level_label: str


def viewers_of(object_type: str, object_id: Any, limit: int = 20) -> list[Viewer]:
    """The newest ``limit`` reads and changes of one record (reads of the audit itself left out)."""
    rows = (
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id), seq__isnull=False)
        .exclude(action__startswith="audit.")
        .select_related("actor")
        .order_by("-seq")[:limit]
    )
    out = []
    for ev in rows:
        level = str(ev.detail.get("level", "")) if isinstance(ev.detail, dict) else ""
        out.append(
            Viewer(
                seq=ev.seq or 0, at=ev.at, actor_label=ev.actor_label, username=ev.actor.username if ev.actor else "",
                action=ev.action, action_label=ACTION_LABELS.get(ev.action, ev.action), reason=ev.reason,
                level=level, level_label=LEVEL_LABELS.get(level, level),
            )
        )
    return out


# --- the audit search ----------------------------------------------------------------------------------------

COUNT_CAP = 10_000  # counting stops here: a page count over the whole trail would scan all of it


@dataclass(frozen=True)
class AuditFilters:
    """What the audit search filters on. Empty strings and None mean "any"."""

    actor: str = ""  # username or label contains (any case)
    action: str = ""  # exact, or a prefix when it ends with "." or "*" (person. / auth*)
    object_id: str = ""  # exact
    force: str = ""  # force code, exact (any case)
    date_from: date | None = None  # UK calendar dates, inclusive
    date_to: date | None = None
    reason: str = ""  # free text in the reason (any case)

    def errors(self) -> dict[str, str]:
        problems = {
            name: NO_CONTROL_CHARACTERS
            for name in ("actor", "action", "object_id", "force", "reason")
            if has_control_characters(getattr(self, name))
        }
        if self.date_from and self.date_to and self.date_to < self.date_from:
            problems["date_to"] = "must be the same as or after date_from"
        return problems

    def as_detail(self) -> dict[str, str]:
        """The filters given, for the audit event that records the search."""
        out = {}
        for name, value in asdict(self).items():
            if value not in ("", None):
                out[name] = value.isoformat() if isinstance(value, date) else str(value)
        return out


def filter_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Matching chained events, unordered (an event is chained milliseconds after its change commits). Raises
    ValidationFailed for filters that contradict each other."""
    problems = filters.errors()
    if problems:
        raise ValidationFailed(problems)
    qs = AuditEvent.objects.filter(seq__isnull=False)
    actor = filters.actor.strip()
    if actor:
        qs = qs.filter(Q(actor_label__icontains=actor) | Q(actor__username__icontains=actor))
    action = filters.action.strip()
    if action.endswith(("*", ".")):
        prefix = action.rstrip("*")
        if prefix:
            qs = qs.filter(action__startswith=prefix)
    elif action:
        qs = qs.filter(action=action)
    if filters.object_id.strip():
        qs = qs.filter(object_id=filters.object_id.strip())
    if filters.force.strip():
        qs = qs.filter(force_code=filters.force.strip().upper())
    if filters.date_from:
        qs = qs.filter(at__gte=clock.uk_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=clock.uk_day_start(filters.date_to + timedelta(days=1)))
    if filters.reason.strip():
        qs = qs.filter(reason__icontains=filters.reason.strip())
    return qs


@dataclass
class EventPage:
    """One page of the search, newest first. ``count`` stops at COUNT_CAP (``capped`` says it did)."""

    events: list[AuditEvent]
    number: int
    per_page: int
    count: int
    capped: bool
    next_before_seq: int | None = None  # for cursor paging (the API): pass as before_seq for the next page

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.events else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.events)


def search_events(
    filters: AuditFilters, page: int = 1, per_page: int = 25, *, before_seq: int | None = None
) -> EventPage:
    """A page of matching events, newest first (``seq`` descending, which walks the unique index backwards).

    Page numbers use LIMIT/OFFSET over that order, and the count stops at COUNT_CAP, so no request costs more
    than COUNT_CAP matching rows. ``before_seq`` pages by cursor instead (events older than that seq), with no
    depth limit. Reading is not audited here: the caller records ``audit.search`` with the filters.
    """
    qs = filter_events(filters)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
        page = 1
    count = qs.order_by().values("pk")[: COUNT_CAP + 1].count()
    capped = count > COUNT_CAP
    count = min(count, COUNT_CAP)
    last_page = max(1, math.ceil(count / per_page))
    number = min(max(1, page), last_page)
    offset = (number - 1) * per_page
    events = list(qs.select_related("actor").order_by("-seq")[offset : offset + per_page])
    more = len(events) == per_page and (offset + per_page < count or capped)
    return EventPage(events, number, per_page, count, capped, events[-1].seq if events and more else None)


EXPORT_FIELDS = (
    "seq", "at", "actor_id", "actor__username", "actor_label", "action", "object_type", "object_id", "force_code",
    "reason", "detail", "personal", "prev_hash", "hash",
)


def last_seq() -> int:
    return AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", flat=True).first() or 0


def iter_events(filters: AuditFilters, up_to_seq: int, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Every matching event with seq <= ``up_to_seq``, in chain order, fetched in batches by seq (no OFFSET)."""
    qs = filter_events(filters).filter(seq__lte=up_to_seq).order_by("seq").values(*EXPORT_FIELDS)
    for rows in _by_seq(qs, batch):
        yield from rows
