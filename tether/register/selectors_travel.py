"""Reading trips, stays and advance notices: one registrant's (for the person page and the API, read after the
guard) and a force's registrants travelling on a date (audited here)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from tether.access.models import Force
from tether.access.permissions import is_national_admin, is_worker
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import Forbidden, NotFound
from tether.core.pagination import Paged, paged

from .extensions import may_hold
from .facts import notified_on
from .models import Trip
from .travel import ADVANCE_CHANGES, first_notified


def person_travel(person: Any) -> dict[str, Any]:
    """The trips as they stand (latest version of each, newest departure first, with how many versions and the day
    the trip was first notified, as the rules engine reads it: ``travel.trip_notified_on``), the stays
    and the advance notices of a registrant the caller was given by ``access_person_by_id``."""
    today = clock.today()
    latest: dict[int, Trip] = {}
    versions: dict[int, int] = {}
    rows = (list(person.trips.select_related("notification").order_by("number", "id")) if may_hold(person, "trips")
            else [])
    for row in rows:
        latest[row.number] = row
        versions[row.number] = versions.get(row.number, 0) + 1
    notified = first_notified((row.number, notified_on(row.notification.received_at) if row.notification else None)
                              for row in rows)
    trips = [
        {"number": t.number, "departure": t.departure, "countries": t.country_list,
         "arrival_points": t.arrival_points, "accommodation": t.accommodation, "return_date": t.return_date,
         "return_point": t.return_point, "return_notified_on": t.return_notified_on, "short_notice": t.short_notice,
         "cancelled": t.cancelled, "versions": versions[t.number], "notified_on": notified.get(t.number),
         "abroad_now": not t.cancelled and t.departure <= today and (t.return_date is None or t.return_date > today)}
        for t in sorted(latest.values(), key=lambda t: (t.departure, t.number), reverse=True)
    ]
    stays = [{"id": s.pk, "line1": s.line1, "town": s.town, "postcode": s.postcode, "start": s.start, "end": s.end}
             for s in (person.stays.order_by("-start", "-id") if may_hold(person, "stays") else ())]
    notices = [{"id": a.pk, "change": a.change, "change_label": ADVANCE_CHANGES.get(a.change, a.change),
                "expected_on": a.expected_on, "given_at": a.given_at}
               for a in (person.advance_notices.order_by("-given_at", "-id") if may_hold(person, "advance_notices")
                         else ())]
    return {"trips": trips, "stays": stays, "advance_notices": notices}


@dataclass(frozen=True)
class TravelRow:
    person_id: uuid.UUID
    reference: str
    name: str
    force: str
    number: int
    departure: date
    return_date: date | None
    countries: list[str]


TRAVELLING_PER_PAGE = 50


def travelling_now(user: Any, as_of: date | None = None, force_code: str | None = None, *, surface: str = "web",
                   page: int | None = 1, per_page: int = TRAVELLING_PER_PAGE) -> Paged[TravelRow]:
    """The registrants outside the UK on ``as_of`` (default today) on a recorded trip: left on or before it, not back
    (no return date, or a return after it), the trip not cancelled; soonest back first, ``page`` of ``per_page``
    (``core.pagination.paged``; None: all, the command line's). A worker sees their own force's registrants; a
    national administrator every force's (or ``force_code``'s). The list is a read of personal data: audited."""
    if not is_worker(user):
        raise Forbidden("Your role cannot see who is travelling.")
    as_of = as_of or clock.today()
    force: Force | None
    if is_national_admin(user):
        force = None
        if force_code:
            force = Force.objects.filter(code=force_code.upper()).first()
            if force is None:
                raise NotFound(f"There is no force with the code {force_code.upper()[:8]}")
    else:
        force = getattr(user, "force", None)
        if force is None:
            raise Forbidden("Your account belongs to no force.")
    qs = Trip.objects.all()
    if force is not None:
        qs = qs.filter(person__owning_force=force)
    # only people with a version leaving on or before as_of can be away then; their trips' latest versions decide
    candidates = qs.filter(departure__lte=as_of).values_list("person_id", flat=True).distinct()
    latest: dict[tuple[Any, int], tuple[Any, ...]] = {}
    for row in (Trip.objects.filter(person_id__in=candidates).order_by("person_id", "number", "id")
                .values_list("person_id", "number", "departure", "return_date", "countries", "cancelled",
                             "person__reference", "person__display_name", "person__owning_force__code")):
        latest[(row[0], row[1])] = row
    rows = [
        TravelRow(person_id=pid, reference=ref, name=name, force=code, number=number, departure=dep,
                  return_date=ret, countries=countries.split())
        for pid, number, dep, ret, countries, cancelled, ref, name, code in latest.values()
        if not cancelled and dep <= as_of and (ret is None or ret > as_of)
    ]
    rows.sort(key=lambda r: (r.return_date or date.max, r.reference))
    shown = paged(rows, page, per_page)
    record("travel.list", user, force_code=force.code if force else "",
           detail={"list": "travelling_now", "as_of": as_of, "force": force.code if force else "ALL",
                   "results": len(rows), "page": shown.page, "shown": len(shown.rows), "surface": surface})
    return shown
