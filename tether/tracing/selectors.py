"""Reading for tracing: the register's side of a linkage run, and sources, runs and leads as the actor may see
them (every read of partner or personal data is audited by the caller's page, API or command)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Max, Q, QuerySet

from tether.access import permissions
from tether.audit.services import record
from tether.casework.models import Case
from tether.core.dates import long_date
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.core.fields import read_text
from tether.register.models import Address, Notification, Person, PersonName

from .models import DuplicateScan, Extract, Lead, LeadDecision, LeadState, LinkageModel, LinkageRun, PartnerSource

OPEN_STATES = (LeadState.OPEN, LeadState.NEEDS_MORE)


def register_rows(person_ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]:
    """One linkage row per name the person has ever had (aliases too) and address they have ever held, so a
    partner holding any of them finds the person. ``unique_id`` is ``<person id>|<n>``; ``group_id`` the person id
    (deduplicating, one person's rows are never a pair)."""
    ids = list(person_ids)
    if not ids:
        return []
    names: dict[uuid.UUID, list[PersonName]] = defaultdict(list)
    addresses: dict[uuid.UUID, list[Address]] = defaultdict(list)
    for name_row in PersonName.objects.filter(person_id__in=ids).order_by("person_id", "valid_from", "id"):
        names[name_row.person_id].append(name_row)
    for address_row in Address.objects.filter(person_id__in=ids).order_by("person_id", "valid_from", "id"):
        addresses[address_row.person_id].append(address_row)
    rows = []
    for p in Person.objects.filter(pk__in=ids).only("id", "date_of_birth", "ni_number", "pnc_id"):
        i = 0
        person_names: list[PersonName | None] = list(names[p.pk]) or [None]
        person_addresses: list[Address | None] = list(addresses[p.pk]) or [None]
        for n in person_names:
            for a in person_addresses:
                rows.append({
                    "unique_id": f"{p.pk}|{i}", "group_id": str(p.pk),
                    "given_name": n.given_names if n else None, "surname": n.family_name if n else None,
                    "dob": p.date_of_birth.isoformat(), "ni": p.ni_number or None, "pnc": p.pnc_id or None,
                    "address": a.line1 if a else None, "town": a.town if a else None,
                    "postcode": a.postcode if a else None,
                })
                i += 1
    return rows


def people_in_scope(scope: str, force_ids: Iterable[int], on: date) -> dict[uuid.UUID, int | None]:
    """The people a run links: person id -> open case id (scope ``missing``) or None (scope ``register``)."""
    forces = list(force_ids)
    if scope == "missing":
        open_cases = Case.objects.filter(closed_on__isnull=True, force_id__in=forces, opened_on__lte=on)
        return {pid: cid for cid, pid in open_cases.order_by("opened_on", "id").values_list("id", "person_id")}
    return dict.fromkeys(Person.objects.filter(owning_force_id__in=forces).values_list("pk", flat=True))


def held_postcodes(person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    out: dict[uuid.UUID, set[str]] = defaultdict(set)
    for pid, postcode in Address.objects.filter(person_id__in=list(person_ids)).values_list("person_id", "postcode"):
        out[pid].add(postcode.replace(" ", "").upper())
    return out


def last_notified(person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, date]:
    rows = (Notification.objects.filter(person_id__in=list(person_ids)).values("person_id")
            .annotate(last=Max("received_on")).values_list("person_id", "last"))
    return dict(rows)


def source_force_ids(source: PartnerSource) -> frozenset[int]:
    return frozenset(source.forces.values_list("id", flat=True))


def source_named(actor: Any, name: str) -> PartnerSource:
    """The partner source of that name, if the actor may use it. The name is read by the one text rule first, so
    every way in (page, API, command line) refuses a hostile one naming the field, never echoing it back."""
    clean, problems = read_text(name, required=True, max_len=80, multiline=False)
    if problems:
        raise ValidationFailed({"source": problems})
    name = clean
    source = PartnerSource.objects.filter(name=name).first()
    if source is None or not permissions.sees_partner_source(actor, source_force_ids(source)):
        raise NotFound(f"No partner source {name!r} that you may use.")
    return source


def sources_for(actor: Any) -> list[dict[str, Any]]:
    if not permissions.can_work_leads(actor) and not permissions.can_manage_partner_sources(actor):
        raise Forbidden("Your role cannot see partner sources.")
    out = []
    for s in PartnerSource.objects.prefetch_related("forces").order_by("name"):
        forces = {f.id: f.code for f in s.forces.all()}
        if not permissions.sees_partner_source(actor, frozenset(forces)):
            continue
        live = Extract.objects.filter(source=s, purged_at__isnull=True).order_by("-loaded_at").first()
        model = LinkageModel.objects.filter(source=s).order_by("-version").values("version", "trained").first()
        out.append({"model": model, "id": s.pk, "name": s.name, "kind": s.kind, "kind_label": s.get_kind_display(),
                    "lawful_basis": s.lawful_basis, "dsa_reference": s.dsa_reference,
                    "retention_days": s.retention_days, "forces": sorted(forces.values()),
                    "extract": _extract(live) if live else None})
    return out


def _extract(e: Extract) -> dict[str, Any]:
    return {"id": e.pk, "filename": e.filename, "checksum": e.checksum, "rows": e.row_count,
            "loaded_at": e.loaded_at, "loaded_by": e.loaded_label, "expires_on": e.expires_on}


def runs_for(actor: Any, limit: int = 50) -> list[dict[str, Any]]:
    if not permissions.can_work_leads(actor):
        raise Forbidden("Your role cannot see linkage runs.")
    out = []
    for r in LinkageRun.objects.select_related("source").order_by("-started_at", "-id")[: limit * 4]:
        if not permissions.sees_partner_source(actor, source_force_ids(r.source)):
            continue
        out.append(run_summary(r))
        if len(out) >= limit:
            break
    return out


def run_summary(r: LinkageRun) -> dict[str, Any]:
    return {"id": r.pk, "source": r.source.name, "scope": r.scope, "threshold": r.threshold,
            "started_at": r.started_at, "by": r.actor_label, "forces": r.forces, "trained": r.trained,
            "model_version": r.model.version if r.model_id and r.model else None,
            "register_rows": r.register_rows, "extract_rows": r.extract_rows, "pairs_scored": r.pairs_scored,
            "leads": r.leads_created, "seconds": round(r.seconds, 2)}


def _visible(actor: Any) -> Q:
    if permissions.is_national_admin(actor):
        return Q()
    return Q(force_id=getattr(actor, "force_id", None), source__forces__id=getattr(actor, "force_id", None))


def leads_for(actor: Any, *, state: str = "open", case_id: int | None = None, run_id: int | None = None,
              limit: int = 200) -> list[dict[str, Any]]:
    """The force's queue: highest probability first (then oldest). Audited by the caller."""
    if not permissions.can_work_leads(actor):
        raise Forbidden("Your role cannot see tracing leads.")
    qs: QuerySet[Lead] = Lead.objects.filter(_visible(actor)).select_related("person", "source", "force").distinct()
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in LeadState.values:
        qs = qs.filter(state=state)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    if run_id is not None:
        qs = qs.filter(run_id=run_id)
    return [lead_row(lead) for lead in qs.order_by("-probability", "created_at", "id")[:limit]]


def lead_row(lead: Lead) -> dict[str, Any]:
    return {"id": lead.pk, "reference": lead.person.reference, "person_id": lead.person_id,
            "name": lead.person.display_name, "force": lead.force.code, "source": lead.source.name,
            "record_id": lead.partner_record_id, "probability": round(lead.probability, 4),
            "scope": lead.scope, "case_id": lead.case_id, "state": lead.state,
            "state_label": LeadState(lead.state).label, "suggestion": lead.suggestion,
            "created_at": lead.created_at, "partner": lead.partner}


def lead_for(actor: Any, lead_id: Any) -> Lead:
    """One lead the actor may see; NotFound for missing and forbidden alike."""
    if not permissions.can_work_leads(actor):
        raise NotFound("No such lead.")
    try:
        lead = Lead.objects.select_related("person", "source", "force", "run").get(pk=int(lead_id))
    except (ValueError, TypeError, Lead.DoesNotExist) as exc:
        raise NotFound("No such lead.") from exc
    if not (permissions.is_national_admin(actor) or (
            lead.force_id == getattr(actor, "force_id", None)
            and permissions.sees_partner_source(actor, source_force_ids(lead.source)))):
        raise NotFound("No such lead.")
    return lead


def lead_detail(actor: Any, lead_id: Any) -> dict[str, Any]:
    """The lead, the registrant's record beside the partner's, and the waterfall; audited as a view."""
    lead = lead_for(actor, lead_id)
    person = lead.person
    names = list(PersonName.objects.filter(person=person).order_by("valid_from", "id"))
    addresses = list(Address.objects.filter(person=person).order_by("valid_from", "id"))
    out = lead_row(lead)
    out.update({
        "match_weight": round(lead.match_weight, 2), "explanation": lead.explanation, "reason": lead.reason,
        "due_on": lead.due_on, "decided_at": lead.decided_at, "last_notified_on": lead.last_notified_on,
        "registrant": {
            "date_of_birth": person.date_of_birth, "ni_number": person.ni_number, "pnc_id": person.pnc_id,
            "names": [f"{n.given_names} {n.family_name} ({n.kind})" for n in names],
            "addresses": [", ".join(x for x in (a.line1, a.line2, a.town, a.postcode) if x)
                          + f" (from {long_date(a.valid_from)})" for a in addresses],
        },
        "run": lead.run_id, "version": lead.decided_at.isoformat() if lead.decided_at else "",
    })
    record("tracing.lead_view", actor, object_type="person", object_id=str(person.pk), force_code=lead.force.code,
           detail={"lead": lead.pk, "source": lead.source.name, "partner_record": lead.partner_record_id})
    return out


# --- statistics ----------------------------------------------------------------------------------------------

SMALL = 5  # counts from 1 to SMALL - 1 are withheld from readers outside the force's tracing work


def _stats_scope(actor: Any) -> tuple[Q, bool]:
    """(the leads counted, whether exact small counts may be shown). Workers: their force's leads from the
    sources serving it, exact (their own operational figures). Statistics readers (analysts, FOI officers):
    their force's leads, or every force's for national readers, with small counts withheld."""
    if permissions.can_work_leads(actor):
        return _visible(actor), True
    if permissions.can_see_statistics(actor):
        if permissions.sees_national_statistics(actor):
            return Q(), False
        return Q(force_id=getattr(actor, "force_id", None)), False
    raise Forbidden("Your role cannot see tracing statistics.")


def _median(values: list[int]) -> float | None:
    import statistics

    return round(float(statistics.median(values)), 1) if values else None


def _stats_row(leads: list[dict[str, Any]], exact: bool) -> dict[str, Any]:
    counts = {k: sum(1 for lead in leads if lead["state"] == k) for k in LeadState.values}
    located = [lead["days_to_located"] for lead in leads if lead["days_to_located"] is not None]
    row: dict[str, Any] = {
        "leads": len(leads), "open": counts[LeadState.OPEN], "needs_more": counts[LeadState.NEEDS_MORE],
        "accepted": counts[LeadState.ACCEPTED], "rejected": counts[LeadState.REJECTED],
        "cases_located_after_accept": len(located)}
    withheld = [] if exact else [k for k, v in row.items() if 0 < v < SMALL]
    decided = row["accepted"] + row["rejected"]
    # precision of the decisions: of the leads decided either way, the share an officer confirmed
    row["decided"] = decided
    row["precision"] = (round(row["accepted"] / decided, 3)
                        if decided and not {"accepted", "rejected"} & set(withheld) else None)
    row["median_days_to_decision"] = _median([lead["days_to_decision"] for lead in leads
                                              if lead["days_to_decision"] is not None]) if exact or (
        decided >= SMALL) else None
    row["median_days_to_located"] = _median(located) if exact or len(located) >= SMALL else None
    for key in withheld:
        row[key] = None
    if not exact and 0 < decided < SMALL:
        row["decided"] = None
    row["withheld"] = withheld
    return row


def lead_statistics(actor: Any, as_of: date) -> dict[str, Any]:
    """Leads per source and per run as at the end of ``as_of``: how many, how many decided (accepted, rejected,
    waiting on the agency), the precision of the decisions (accepted of accepted + rejected), the median days
    from lead to its first decision, and the open cases closed as located after an accepted lead (with the median
    days from lead to located). Aggregate only: no name, reference or partner value."""
    from datetime import timedelta

    from tether.casework.models import CaseOutcome, CaseState, CaseStateKind
    from tether.core.clock import uk_date, uk_day_start

    scope, exact = _stats_scope(actor)
    end = uk_day_start(as_of + timedelta(days=1))
    rows: list[dict[str, Any]] = [dict(r) for r in Lead.objects.filter(scope, created_at__lt=end).distinct().values(
        "id", "source__name", "run_id", "run__started_at", "run__scope", "created_at", "case_id")]
    ids = [r["id"] for r in rows]
    decisions: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for lead_id, decision, on in (LeadDecision.objects.filter(lead_id__in=ids, decided_on__lte=as_of)
                                  .order_by("lead_id", "at", "id").values_list("lead_id", "decision", "decided_on")):
        decisions[lead_id].append((decision, on))
    accepted_cases: dict[int, int] = {}
    for r in rows:
        made = decisions.get(r["id"], [])
        r["created_on"] = uk_date(r["created_at"])
        r["state"] = made[-1][0] if made else LeadState.OPEN
        r["days_to_decision"] = (made[0][1] - r["created_on"]).days if made else None
        r["accepted_on"] = next((on for d, on in made if d == LeadState.ACCEPTED), None)
        if r["state"] == LeadState.ACCEPTED and r["case_id"]:
            accepted_cases[r["id"]] = r["case_id"]
    located: dict[int, list[date]] = defaultdict(list)
    for case_id, on in CaseState.objects.filter(
            case_id__in=set(accepted_cases.values()), state=CaseStateKind.CLOSED, outcome=CaseOutcome.LOCATED,
            valid_from__lte=as_of).values_list("case_id", "valid_from"):
        located[case_id].append(on)
    for r in rows:
        case = accepted_cases.get(r["id"])
        held = located.get(case, []) if case is not None else []
        after = sorted(on for on in held if r["accepted_on"] and on >= r["accepted_on"])
        r["days_to_located"] = (after[0] - r["created_on"]).days if after else None
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_run: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_source[r["source__name"]].append(r)
        by_run[r["run_id"]].append(r)
    return {
        "as_of": as_of, "exact": exact, "small_counts_withheld_below": None if exact else SMALL,
        "totals": _stats_row(rows, exact),
        "by_source": [{"source": name, **_stats_row(group, exact)} for name, group in sorted(by_source.items())],
        "by_run": [{"run": run_id, "source": group[0]["source__name"], "scope": group[0]["run__scope"],
                    "started_on": uk_date(group[0]["run__started_at"]), **_stats_row(group, exact)}
                   for run_id, group in sorted(by_run.items(), key=lambda kv: -kv[0])][:50],
    }


def person_panel(user: Any, person: Any) -> Any:
    """The person page's tracing section (a register panel): the leads on this registrant the user may see,
    highest probability first, each linked to its page (where partner data is shown and the view audited)."""
    from tether.register import extensions

    leads: list[dict[str, Any]] = []
    if permissions.can_work_leads(user) and extensions.may_hold(person, "tracing_leads"):
        # only the columns shown: the leads' partner data and explanations are not read for a list
        rows = (Lead.objects.filter(_visible(user), person=person).distinct()
                .values_list("id", "source__name", "probability", "state", "created_at")
                .order_by("-probability", "id")[:20])
        leads = [{"id": pk, "source": source, "probability": round(probability, 3),
                  "state_label": LeadState(state).label, "created_at": created_at}
                 for pk, source, probability, state, created_at in rows]
    return extensions.PersonPanel(template="tracing/_person_panel.html", anchor="tracing", title="Tracing leads",
                                  context={"leads": leads})


def duplicate_review(actor: Any) -> tuple[DuplicateScan | None, list[dict[str, Any]]]:
    """The latest duplicate scan of the reviewer's scope (their force; every force for a national administrator)
    and its pairs still to decide: pairs a reviewer has since said are different people, and records merged since,
    are left out. Each side as the reviewer may see it, with the explanation as text."""
    from tether.identity.duplicates import scan_force

    force = scan_force(actor, None)
    run = DuplicateScan.objects.filter(force_code=force.code if force else "ALL").first()
    if run is None:
        return None, []
    return run, scan_pairs(actor, run)


def scan_pairs(actor: Any, run: DuplicateScan) -> list[dict[str, Any]]:
    """A scan's pairs still to decide, each side as the actor may see it (the caller audits the view)."""
    from tether.identity.duplicates import live_people, pair_side, rejected_pairs

    rejected = {frozenset(str(x) for x in pair) for pair in rejected_pairs()}
    ids = {x for p in run.pairs for x in (p["a"], p["b"])}
    people = {str(pk): p for pk, p in live_people().select_related("owning_force").in_bulk(
        [uuid.UUID(x) for x in ids]).items()}
    out = []
    for p in run.pairs:
        if frozenset((p["a"], p["b"])) in rejected or p["a"] not in people or p["b"] not in people:
            continue
        sides = [pair_side(actor, people[p[k]]) | {"born": long_date(people[p[k]].date_of_birth)} for k in "ab"]
        out.append({"a": sides[0], "b": sides[1], "probability": p["probability"],
                    "explanation": [row["text"] for row in p["explanation"]]})
    return out


def duplicates_viewed(actor: Any, run: DuplicateScan | None, rows: list[dict[str, Any]]) -> None:
    """Audit a reviewer's view of a scan's pairs (page or API): which people were shown, withheld from auditors."""
    record("tracing.duplicates_view", actor, force_code=getattr(actor, "force_code", ""),
           object_type="duplicate_scan", object_id=str(run.pk) if run else "",
           detail={"pairs": len(rows)}, personal={"people": sorted({r[k]["id"] for r in rows for k in "ab"})})


def live_register_size() -> int:
    """How many people a duplicate scan would read (every record but those merged into another)."""
    from tether.identity.duplicates import live_people

    return int(live_people().count())


SYNC_SCAN_MAX_PEOPLE = 20_000  # about 20 s of Splink on two cores: larger registers scan from the command line


def scan_too_large() -> str | None:
    """Why a duplicate scan cannot run inside a web or API request (None: it can)."""
    if live_register_size() > SYNC_SCAN_MAX_PEOPLE:
        return (f"The register holds more than {SYNC_SCAN_MAX_PEOPLE:,} people: a scan takes too long for one API "
                "call. Queue it (POST /api/v1/duplicates/scans) or run it with tether duplicates scan.")
    return None
