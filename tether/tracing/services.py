"""The one write path for tracing: partner sources, extract loading, linkage runs, lead decisions and the
retention sweep. Each writes its audit event in the same transaction. Nothing here changes a registrant's
record: an accepted lead records a case action through casework's services, and the officer does the rest."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from tether.access import permissions
from tether.access.models import Force
from tether.audit.services import record
from tether.casework.case_services import case_record_action
from tether.core import clock
from tether.core.dates import long_date
from tether.core.errors import Forbidden, ValidationFailed
from tether.core.fields import read_day, read_text

from . import linkage
from .extracts import Parsed
from .models import (
    AgencyKind,
    DuplicateScan,
    Extract,
    ExtractRecord,
    Lead,
    LeadDecision,
    LeadState,
    LinkageModel,
    LinkageRun,
    PartnerSource,
    Scope,
)
from .selectors import held_postcodes, last_notified, lead_for, people_in_scope, register_rows, source_force_ids

Progress = Callable[[str], None]
KEPT_AFTER_RETENTION = ("address_line_1", "address_line_2", "town", "postcode", "from_date")
KEPT_FIELDS_IN_EXPLANATION = ("prior", "address", "town", "postcode")


def _label(actor: Any) -> str:
    return str(getattr(actor, "label", None) or actor)


# --- sources -------------------------------------------------------------------------------------------------


def source_save(actor: Any, *, name: str, kind: str, lawful_basis: str, retention_days: Any,
                dsa_reference: str = "", force_codes: Iterable[str] | None = None) -> PartnerSource:
    """Create or update a partner source (administrators). A force administrator's source serves their force."""
    if not permissions.can_manage_partner_sources(actor):
        raise Forbidden("Only force and national administrators record partner sources.")
    errors: dict[str, str] = {}
    clean_name, problem = read_text(name, required=True, max_len=80, multiline=False)
    if problem:
        errors["source"] = problem[0]
    if kind not in AgencyKind.values:
        errors["kind"] = f"must be one of: {', '.join(AgencyKind.values)}"
    basis, problem = read_text(lawful_basis, required=True, max_len=2000, min_len=10, multiline=True)
    if problem:
        errors["lawful_basis"] = problem[0] + " (the law the data is shared under)"
    dsa, problem = read_text(dsa_reference, required=False, max_len=80, multiline=False)
    if problem:
        errors["dsa_reference"] = problem[0]
    try:
        days = int(retention_days)
        if not 1 <= days <= 3650:
            raise ValueError
    except (TypeError, ValueError):
        errors["retain_days"] = "must be a whole number of days from 1 to 3650"
        days = 0
    codes = [c.strip().upper() for c in (force_codes or []) if c and c.strip()]
    if not permissions.is_national_admin(actor):
        own = getattr(actor, "force_code", "")
        if codes and set(codes) != {own}:
            errors["forces"] = "a force administrator's source serves their own force only"
        codes = [own]
    forces = list(Force.objects.filter(code__in=codes))
    if not forces:
        errors["forces"] = "name at least one force the source serves"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        source = PartnerSource.objects.filter(name=clean_name).first()
        if source is not None and not permissions.sees_partner_source(actor, source_force_ids(source)):
            raise Forbidden("That source belongs to another force.")
        created = source is None
        if source is None:
            source = PartnerSource(name=clean_name, created_at=clock.now())
        source.kind, source.lawful_basis, source.dsa_reference, source.retention_days = kind, basis, dsa, days
        source.save()
        if created or permissions.is_national_admin(actor):
            source.forces.set(forces)
        record("tracing.source_save", actor, object_type="partner_source", object_id=str(source.pk),
               force_code=getattr(actor, "force_code", ""),
               detail={"name": source.name, "kind": kind, "lawful_basis": basis, "dsa_reference": dsa,
                       "retention_days": days, "forces": sorted(f.code for f in forces), "created": created})
    return source


# --- extracts ------------------------------------------------------------------------------------------------


def extract_load(actor: Any, source: PartnerSource, parsed: Parsed, *, filename: str) -> Extract:
    """Store a checked extract (all or nothing): its rows, checksum, row count and who loaded it, audited."""
    if not permissions.can_manage_partner_sources(actor):
        raise Forbidden("Only force and national administrators load partner extracts.")
    if not permissions.sees_partner_source(actor, source_force_ids(source)):
        raise Forbidden("That source belongs to another force.")
    return _store_extract(source, parsed, filename, actor, _label(actor))


def _store_extract(source: PartnerSource, parsed: Parsed, filename: str, actor: Any, label: str) -> Extract:
    if not parsed.ok:
        raise ValidationFailed({f"line {e.line}.{e.field}": e.message for e in parsed.errors})
    with transaction.atomic():
        extract = Extract.objects.create(
            source=source, filename=filename[:200], checksum=parsed.checksum, row_count=len(parsed.rows),
            loaded_at=clock.now(), loaded_by=actor, loaded_label=label,
            expires_on=clock.today() + timedelta(days=source.retention_days))
        ExtractRecord.objects.bulk_create(
            [ExtractRecord(extract=extract, **row) for row in parsed.rows], batch_size=2000)
        record("tracing.extract_load", actor, actor_label=label, object_type="extract", object_id=str(extract.pk),
               force_code=getattr(actor, "force_code", ""),
               detail={"source": source.name, "filename": extract.filename, "checksum": extract.checksum,
                       "rows": extract.row_count, "expires_on": extract.expires_on})
    return extract


def purge_expired(as_of: date | None = None, *, actor: Any = None, actor_label: str = "",
                  force: Force | None = None) -> dict[str, Any]:
    """Delete every extract's rows once its retention has ended (audited). Leads keep only the partner's
    address and from-date, and the comparison levels (not the partner's other values). ``force``: only the
    extracts of sources serving that force."""
    day = as_of or clock.today()
    purged = []
    due = Extract.objects.filter(purged_at__isnull=True, expires_on__lte=day).select_related("source")
    if force is not None:
        due = due.filter(source__forces=force)
    for extract in due.order_by("id"):
        with transaction.atomic():
            leads = list(Lead.objects.filter(extract_record__extract=extract))
            for lead in leads:
                lead.partner = {k: v for k, v in lead.partner.items() if k in KEPT_AFTER_RETENTION}
                lead.explanation = [
                    e if e.get("field") in KEPT_FIELDS_IN_EXPLANATION else {**e, "left": None, "right": None}
                    for e in lead.explanation]
                lead.extract_record = None
            Lead.objects.bulk_update(leads, ["partner", "explanation", "extract_record"])
            deleted, _ = ExtractRecord.objects.filter(extract=extract).delete()
            extract.purged_at = clock.now()
            extract.save(update_fields=["purged_at"])
            record("tracing.extract_purge", actor, actor_label=actor_label, object_type="extract",
                   object_id=str(extract.pk),
                   detail={"source": extract.source.name, "checksum": extract.checksum, "rows_deleted": deleted,
                           "expires_on": extract.expires_on, "as_of": day, "leads_trimmed": len(leads)})
        purged.append({"extract": extract.pk, "source": extract.source.name, "rows_deleted": deleted})
    return {"as_of": day, "extracts_purged": len(purged), "purged": purged}


def sweep_step(as_of: date, force: Force | None, actor_label: str) -> dict[str, Any]:
    """The daily sweep's tracing step (``casework.services.register_sweep_step``): expired extracts deleted."""
    summary = purge_expired(as_of, actor_label=actor_label, force=force)
    return {"extracts_purged": summary["extracts_purged"],
            "extract_rows_deleted": sum(p["rows_deleted"] for p in summary["purged"])}


# --- linkage runs --------------------------------------------------------------------------------------------


def _run_forces(actor: Any, source: PartnerSource) -> list[Force]:
    forces = list(source.forces.all())
    if permissions.is_national_admin(actor):
        return forces
    return [f for f in forces if f.pk == getattr(actor, "force_id", None)]


def _partner_view(rec: ExtractRecord) -> dict[str, Any]:
    return {"record_id": rec.record_id, "given_names": rec.given_names, "family_name": rec.family_name,
            "date_of_birth": rec.date_of_birth.isoformat() if rec.date_of_birth else None,
            "ni_number": rec.ni_number, "address_line_1": rec.address_line_1,
            "address_line_2": rec.address_line_2, "town": rec.town, "postcode": rec.postcode,
            "from_date": rec.from_date.isoformat() if rec.from_date else None}


def _address(rec: ExtractRecord) -> str:
    return ", ".join(x for x in (rec.address_line_1, rec.address_line_2, rec.town, rec.postcode) if x)


def linkage_run(actor: Any, source: PartnerSource, *, scope: str, threshold: float | None = None,
                use_saved_model: bool = False, progress: Progress | None = None) -> LinkageRun:
    """Link the source's current extract against the register and store the leads (never a change to a
    record). Scope ``missing``: people with an open missing/wanted case; ``register``: everyone, and a lead
    only where the partner holds an address the person never notified."""
    if not permissions.can_run_linkage(actor):
        raise Forbidden("Your role cannot run linkage.")
    if not permissions.sees_partner_source(actor, source_force_ids(source)):
        raise Forbidden("That source does not serve your force.")
    errors: dict[str, str] = {}
    if scope not in Scope.values:
        errors["scope"] = f"must be one of: {', '.join(Scope.values)}"
    th = linkage.DEFAULT_THRESHOLD if threshold is None else threshold
    if not isinstance(th, (int, float)) or not 0 < th < 1:
        errors["threshold"] = "must be a probability between 0 and 1, like 0.9"
    extract = Extract.objects.filter(source=source, purged_at__isnull=True).order_by("-loaded_at", "-id").first()
    if extract is None:
        errors["source"] = "has no extract within its retention period: load one first"
    if errors:
        raise ValidationFailed(errors)
    assert extract is not None
    return _link(source, extract, scope=scope, threshold=th, forces=_run_forces(actor, source), actor=actor,
                 label=_label(actor), use_saved_model=use_saved_model, progress=progress)


def _link(source: PartnerSource, extract: Extract, *, scope: str, threshold: float, forces: list[Force], actor: Any,
          label: str, use_saved_model: bool = False, progress: Progress | None = None) -> LinkageRun:
    th = threshold
    step = progress or (lambda _s: None)
    started, t0 = clock.now(), time.monotonic()
    people = people_in_scope(scope, [f.pk for f in forces], clock.today())
    step(f"reading {len(people)} registrants")
    left = register_rows(people)
    records = {str(r.pk): r for r in ExtractRecord.objects.filter(extract=extract)}
    right = [{"unique_id": rid, "given_name": r.given_names, "surname": r.family_name,
              "dob": r.date_of_birth.isoformat() if r.date_of_birth else None, "ni": r.ni_number or None,
              "address": r.address_line_1 or None, "town": r.town or None, "postcode": r.postcode or None}
             for rid, r in records.items()]
    saved = LinkageModel.objects.filter(source=source).order_by("-version").first() if use_saved_model else None
    if use_saved_model and saved is None:
        raise ValidationFailed({"model": "this source has no saved model yet: run once without --saved-model"})
    result = linkage.link(left, right, model=saved.settings if saved else None, progress=step)
    best: dict[tuple[str, str], linkage.Pair] = {}
    for pair in result.pairs:  # the best-scoring of a person's names and addresses against each partner record
        key = (pair.left_id.split("|")[0], pair.right_id)
        if pair.probability >= th and key not in best:
            best[key] = pair
    person_ids = {k[0] for k in best}
    import uuid

    pids = [uuid.UUID(p) for p in person_ids]
    postcodes = held_postcodes(pids) if scope == Scope.REGISTER else {}
    notified = last_notified(pids)
    owners = dict(_owners(pids))
    with transaction.atomic():
        model = saved
        if saved is None and "u from random sampling" in result.trained:
            version = (LinkageModel.objects.filter(source=source).order_by("-version").values_list(
                "version", flat=True).first() or 0) + 1
            model = LinkageModel.objects.create(source=source, version=version, settings=result.model,
                                                trained=result.trained, created_at=clock.now())
        run = LinkageRun.objects.create(
            source=source, extract=extract, scope=scope, threshold=th, actor=actor, actor_label=label,
            forces=sorted(f.code for f in forces), model=model, trained=result.trained,
            register_rows=result.left_rows, extract_rows=result.right_rows, pairs_scored=len(result.pairs),
            started_at=started)
        leads = []
        for (pid_text, rid), pair in best.items():
            pid = uuid.UUID(pid_text)
            rec = records[rid]
            if _already_seen(pid, rec.fingerprint):
                continue
            last = notified.get(pid)
            if scope == Scope.REGISTER:
                if not rec.postcode or rec.postcode.replace(" ", "").upper() in postcodes.get(pid, set()):
                    continue  # the partner's address is one the person notified
                suggestion = (f"Possible un-notified address (s.84): {_address(rec)}, held by {source.name} from "
                              f"{long_date(rec.from_date)}" if rec.from_date else
                              f"Possible un-notified address (s.84): {_address(rec)}, held by {source.name}")
                if last is not None:
                    suggestion += f"; last notification {long_date(last)}"
            else:
                suggestion = f"Possible address: {_address(rec) or 'none given'}"
                if rec.from_date:
                    suggestion += f", from {long_date(rec.from_date)}"
            leads.append(Lead(
                run=run, source=source, person_id=pid, case_id=people.get(pid), force_id=owners[pid],
                extract_record=rec, partner_record_id=rec.record_id, fingerprint=rec.fingerprint, scope=scope,
                probability=pair.probability, match_weight=pair.match_weight, explanation=pair.explanation,
                partner=_partner_view(rec), suggestion=suggestion + ".", last_notified_on=last,
                created_at=clock.now()))
        Lead.objects.bulk_create(leads)
        run.leads_created = len(leads)
        run.seconds = time.monotonic() - t0
        run.save(update_fields=["leads_created", "seconds"])
        record("tracing.run", actor, actor_label=label, object_type="linkage_run", object_id=str(run.pk),
               force_code=getattr(actor, "force_code", ""),
               detail={"source": source.name, "extract": extract.pk, "checksum": extract.checksum, "scope": scope,
                       "threshold": th, "forces": run.forces, "trained": result.trained,
                       "model_version": model.version if model else None, "register_rows": run.register_rows,
                       "extract_rows": run.extract_rows, "leads": len(leads),
                       "lead_people": sorted({str(lead.person_id) for lead in leads})})
    return run


def _owners(pids: list[Any]) -> Iterable[tuple[Any, int]]:
    from tether.register.models import Person

    return Person.objects.filter(pk__in=pids).values_list("pk", "owning_force_id")


def _already_seen(person_id: Any, fingerprint: str) -> bool:
    """A pair already led to (open, accepted, needing more) or rejected is not offered again while the partner's
    data stays the same (the fingerprint changes when it does)."""
    return Lead.objects.filter(person_id=person_id, fingerprint=fingerprint).exists()


# --- system jobs (the demo loader) ----------------------------------------------------------------------------


def system_load_and_run(*, name: str, kind: str, lawful_basis: str, retention_days: int, dsa_reference: str,
                        forces: list[Force], parsed: Parsed, filename: str, actor_label: str,
                        scope: str = Scope.MISSING) -> LinkageRun:
    """A source, its extract and a run made by a system job rather than a person (the demo loader's synthetic
    partner data): nobody's permissions to check, each step audited under ``actor_label``. Never reachable from a
    page, the API or a command."""
    with transaction.atomic():
        source = PartnerSource.objects.create(name=name, kind=kind, lawful_basis=lawful_basis,
                                              dsa_reference=dsa_reference, retention_days=retention_days,
                                              created_at=clock.now())
        source.forces.set(forces)
        record("tracing.source_save", None, actor_label=actor_label, object_type="partner_source",
               object_id=str(source.pk),
               detail={"name": name, "kind": kind, "lawful_basis": lawful_basis, "dsa_reference": dsa_reference,
                       "retention_days": retention_days, "forces": sorted(f.code for f in forces), "created": True})
    extract = _store_extract(source, parsed, filename, None, actor_label)
    return _link(source, extract, scope=scope, threshold=linkage.DEFAULT_THRESHOLD, forces=forces, actor=None,
                 label=actor_label)


# --- decisions -----------------------------------------------------------------------------------------------

DECISIONS = ("accept", "reject", "needs_more")


def _follow_up_task(lead: Lead) -> Any:
    """An accepted lead's task: establish whereabouts at the address the partner holds, due as the force's
    playbook sets a follow-up visit (``outcomes.not_at_address.due_days``), on the case when there is one (its
    timeline and task list show it) and for the registrant's officer."""
    from tether.casework.constants import TaskKind
    from tether.casework.selectors import playbook_for
    from tether.casework.tasks import new_task

    playbook = playbook_for(lead.person.owning_force)
    days = int(playbook.data["outcomes"]["not_at_address"].get("due_days", 2))
    where = ", ".join(str(lead.partner.get(k)) for k in ("address_line_1", "address_line_2", "town", "postcode")
                      if lead.partner.get(k))
    what = "Visit" if lead.scope == Scope.MISSING else "Check the possible un-notified address"
    task = new_task(lead.person, TaskKind.ESTABLISH_WHEREABOUTS, clock.today() + timedelta(days=days),
                    title=f"{what}: {where or 'the address the partner holds'} (tracing lead {lead.pk}, "
                          f"{lead.source.name})"[:200], case=lead.case, playbook=playbook)
    task.save()
    return task


def lead_decide(actor: Any, lead_id: Any, decision: str, *, reason: str = "", due_on: Any = None,
                record_case_action: bool = True) -> Lead:
    """The officer's decision: ``accept`` (a case action notes the possible address on the open case),
    ``reject`` with a reason (the pair is not offered again unless the partner's data changes) or
    ``needs_more`` (a request to the agency, with a due date). Audited."""
    if not permissions.can_work_leads(actor):
        raise Forbidden("Your role cannot decide tracing leads.")
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors["decision"] = f"must be one of: {', '.join(DECISIONS)}"
    text, problems = read_text(reason, required=decision in ("reject", "needs_more"), max_len=2000, multiline=True)
    if problems:
        errors["reason"] = problems[0] + (": say why" if problems[0] == "is required" else "")
    due, day_problem = read_day(due_on, required=decision == "needs_more")
    if day_problem:
        errors["due_on"] = day_problem
    elif due is not None and due < clock.today():
        errors["due_on"] = "must not be in the past"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        lead = lead_for(actor, lead_id)
        lead = Lead.objects.select_for_update().select_related("person", "force", "source").get(pk=lead.pk)
        if lead.state in (LeadState.ACCEPTED, LeadState.REJECTED):
            raise ValidationFailed({"decision": f"this lead was already {lead.state}"})
        task_id = None
        if decision == "accept":
            if record_case_action and lead.case_id is not None:
                action = case_record_action(actor, lead.case_id, "note", {"note": (
                    f"Tracing lead {lead.pk} accepted ({lead.source.name}, record {lead.partner_record_id}, "
                    f"probability {lead.probability:.2f}): {lead.suggestion} {text}").strip()})
                lead.case_action_id = action.pk
            task_id = _follow_up_task(lead).pk
        lead.state = {"accept": LeadState.ACCEPTED, "reject": LeadState.REJECTED,
                      "needs_more": LeadState.NEEDS_MORE}[decision]
        lead.reason, lead.due_on = text, due
        lead.decided_at, lead.decided_by = clock.now(), actor
        lead.save()
        LeadDecision.objects.create(lead=lead, decision=lead.state, reason=text, due_on=due,
                                    decided_on=clock.uk_date(lead.decided_at), at=lead.decided_at, actor=actor,
                                    actor_label=_label(actor))
        record(f"tracing.lead_{decision}", actor, object_type="person", object_id=str(lead.person_id),
               force_code=lead.force.code, reason=text,
               detail={"lead": lead.pk, "source": lead.source.name, "partner_record": lead.partner_record_id,
                       "probability": lead.probability, "due_on": due, "case_action": lead.case_action_id,
                       "task": task_id})
    return lead


# --- duplicates across the register --------------------------------------------------------------------------


def duplicate_scan(actor: Any, force_code: str | None = None, *, threshold: float | None = None,
                   progress: Progress | None = None) -> tuple[DuplicateScan, list[dict[str, Any]]]:
    """A Splink deduplication over the register (every live record, each name and alias by each address held):
    pairs of people with at least one record in the force (every force for ``ALL``), best first, leaving out pairs
    a reviewer said are different people. Reviewers only (as ``tether duplicates``); the run, with the model's
    settings and trained parameters, is saved and audited. Returns the run and its pairs as the actor sees them."""
    from tether.identity.duplicates import live_people, pair_side, rejected_pairs, scan_force

    force = scan_force(actor, force_code)
    th = linkage.DEFAULT_THRESHOLD if threshold is None else threshold
    started = clock.now()
    t0 = time.perf_counter()
    ids = list(live_people().values_list("pk", flat=True))
    rows = register_rows(ids)
    result = linkage.dedupe(rows, progress=progress)
    mine = None if force is None else {str(pk) for pk in live_people().filter(owning_force=force)
                                       .values_list("pk", flat=True)}
    rejected = {frozenset(str(x) for x in pair) for pair in rejected_pairs()}
    best: dict[tuple[str, str], linkage.Pair] = {}
    for pair in result.pairs:  # already best first: the first row pair of two people is theirs
        a, b = sorted((pair.left_id.split("|")[0], pair.right_id.split("|")[0]))
        if pair.probability < th or (a, b) in best or frozenset((a, b)) in rejected:
            continue
        if mine is not None and not ({a, b} & mine):
            continue
        best[(a, b)] = pair
    stored: list[dict[str, Any]] = [
        {"a": a, "b": b, "probability": round(p.probability, 6), "match_weight": round(p.match_weight, 3),
         "agreements": agreements(p.explanation), "explanation": p.explanation}
        for (a, b), p in best.items()]
    with transaction.atomic():
        run = DuplicateScan.objects.create(
            actor=actor, actor_label=_label(actor), force_code=force.code if force else "ALL", threshold=th,
            settings=result.model, trained=result.trained, people=len(ids), rows=len(rows), pairs=stored,
            seconds=round(time.perf_counter() - t0, 3), started_at=started)
        record("tracing.duplicates_scan", actor, object_type="duplicate_scan", object_id=str(run.pk),
               force_code=getattr(actor, "force_code", ""),
               detail={"force": run.force_code, "people": run.people, "pairs": len(stored), "trained": run.trained})
    from tether.register.models import Person

    people = {str(pk): p for pk, p in Person.objects.select_related("owning_force")
              .in_bulk([x for p in stored for x in (p["a"], p["b"])]).items()}
    shown = [{"a": pair_side(actor, people[str(p["a"])]), "b": pair_side(actor, people[str(p["b"])]),
              "probability": p["probability"], "agreements": p["agreements"]} for p in stored]
    return run, shown


def agreements(explanation: list[dict[str, Any]]) -> dict[str, str]:
    """How each field compared (its comparison level), from a pair's explanation."""
    return {row["field"]: row["level"] for row in explanation if row["field"] != "prior"}


# --- training a source's model from officers' decisions --------------------------------------------------------

DECISIONS_STEP = "officers' decisions"
LABEL_FIELDS = ("given_name", "surname", "dob", "ni", "pnc", "address", "town", "postcode")
SCANS_READ_FOR_LABELS = 20  # the latest duplicate scans whose pairs give a reviewed pair's values


def _sides(explanation: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The two records' values as the linkage compared them, from a stored explanation (None once the names are
    gone: the extract's retention ended)."""
    rows = {str(e["field"]): e for e in explanation if e.get("field") in LABEL_FIELDS}
    if not rows.get("surname") or rows["surname"].get("left") is None or rows["surname"].get("right") is None:
        return None
    return ({f: r.get("left") for f, r in rows.items()}, {f: r.get("right") for f, r in rows.items()})


def decision_labels(source: PartnerSource, *, with_duplicates: bool = True) -> dict[str, list[linkage.Labelled]]:
    """The labelled pairs officers' decisions give: the source's accepted leads (one person) and rejected leads
    (different people) whose partner data is still held, and (``with_duplicates``) the duplicate reviewers'
    verdicts: a merge or "same person" is a match, "different people" is not, with the values a duplicate scan
    compared."""
    out: dict[str, list[linkage.Labelled]] = {"leads": [], "duplicates": []}
    decided = (Lead.objects.filter(source=source, state__in=(LeadState.ACCEPTED, LeadState.REJECTED),
                                   extract_record__isnull=False).order_by("id").only("explanation", "state"))
    for lead in decided.iterator(chunk_size=500):
        sides = _sides(lead.explanation)
        if sides is not None:
            out["leads"].append(linkage.Labelled(sides[0], sides[1], lead.state == LeadState.ACCEPTED))
    if not with_duplicates:
        return out
    from tether.identity.models import Merge, PairDecision

    verdicts: dict[frozenset[str], bool] = {}
    for a, b, decision in PairDecision.objects.values_list("a_id", "b_id", "decision"):
        verdicts[frozenset((str(a), str(b)))] = decision == "same"
    for a, b in Merge.objects.filter(undone_at__isnull=True).values_list("survivor_id", "merged_id"):
        verdicts[frozenset((str(a), str(b)))] = True
    if not verdicts:
        return out
    found: set[frozenset[str]] = set()
    for scan in DuplicateScan.objects.order_by("-started_at", "-id")[:SCANS_READ_FOR_LABELS]:
        for pair in scan.pairs:
            key = frozenset((str(pair.get("a")), str(pair.get("b"))))
            if key in verdicts and key not in found and (sides := _sides(pair.get("explanation") or [])):
                found.add(key)
                out["duplicates"].append(linkage.Labelled(sides[0], sides[1], verdicts[key]))
    return out


def model_train(actor: Any, source: PartnerSource, *, with_duplicates: bool = True) -> dict[str, Any]:
    """A new version of the source's model with its m probabilities estimated from officers' decisions (see
    ``linkage.train_from_labels``), for a later run with the saved model. Administrators of a force the source
    serves. Audited; when the decisions change no probability, nothing is written."""
    if not permissions.can_manage_partner_sources(actor):
        raise Forbidden("Only force and national administrators train a source's model.")
    if not permissions.sees_partner_source(actor, source_force_ids(source)):
        raise Forbidden("That source does not serve your force.")
    models = list(LinkageModel.objects.filter(source=source).order_by("-version"))
    # the decisions are applied to the latest model trained on the data (not one trained from decisions before):
    # the same decisions give the same model, so training twice on them writes nothing the second time
    base = next((m for m in models if not any(DECISIONS_STEP in str(t) for t in m.trained)), None)
    if base is None:
        raise ValidationFailed({"model": "this source has no saved model yet: run linkage once first"})
    labels = decision_labels(source, with_duplicates=with_duplicates)
    pairs = labels["leads"] + labels["duplicates"]
    try:
        trained = linkage.train_from_labels(base.settings, pairs)
    except ValueError as exc:
        raise ValidationFailed({"decisions": str(exc)}) from None
    summary: dict[str, Any] = {
        "source": source.name, "from_version": base.version, "version": base.version,
        "lead_decisions": len(labels["leads"]), "duplicate_verdicts": len(labels["duplicates"]),
        "matches": trained.matches, "non_matches": trained.non_matches, "before": trained.before,
        "after": trained.after, "levels_changed": len(trained.changed), "changed": trained.changed, "created": False}
    if not trained.changed or models[0].settings == trained.model:
        summary["version"] = models[0].version
        return summary
    with transaction.atomic():
        version = (LinkageModel.objects.select_for_update().filter(source=source).order_by("-version")
                   .values_list("version", flat=True).first() or 0) + 1
        how = (f"m from {trained.matches} {DECISIONS_STEP} ({len(labels['leads'])} lead decisions, "
               f"{len(labels['duplicates'])} duplicate verdicts) on version {base.version}")
        model = LinkageModel.objects.create(source=source, version=version, settings=trained.model,
                                            trained=[*base.trained, how], created_at=clock.now())
        summary.update(version=model.version, created=True)
        record("tracing.model_train", actor, object_type="linkage_model", object_id=str(model.pk),
               force_code=getattr(actor, "force_code", ""),
               detail={k: v for k, v in summary.items() if k != "changed"})
    return summary
