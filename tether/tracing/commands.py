"""What ``tether trace`` does, kept out of the CLI module so it imports no models. Commands run as a named
account (``--as USERNAME`` or TETHER_USER): the same permissions, force scope and audit as the web and API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tether.access.selectors import user_named
from tether.core import clock
from tether.core.errors import ValidationFailed

from . import extracts, services
from .selectors import lead_row, run_summary, source_named


def load(*, username: str | None, file: Path, source: str, kind: str, lawful_basis: str, retain_days: int,
         dsa_reference: str = "", forces: str = "", mapping: str = "",
         progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    user = user_named(username)
    try:
        column_map = extracts.parse_mapping(mapping)
    except ValueError as exc:
        raise ValidationFailed({"map": str(exc)}) from None
    src = services.source_save(user, name=source, kind=kind, lawful_basis=lawful_basis, retention_days=retain_days,
                               dsa_reference=dsa_reference, force_codes=[f for f in forces.split(",") if f])
    parsed = extracts.read_extract(file.read_bytes(), file.name, clock.today(), mapping=column_map,
                                   progress=progress)
    extract = services.extract_load(user, src, parsed, filename=file.name)
    return {"source": src.name, "extract": extract.pk, "rows": extract.row_count, "checksum": extract.checksum,
            "expires_on": extract.expires_on.isoformat()}


def run(*, username: str | None, source: str, scope: str, threshold: float | None, saved_model: bool = False,
        progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    user = user_named(username)
    src = source_named(user, source)
    linkage_run = services.linkage_run(user, src, scope=scope, threshold=threshold, use_saved_model=saved_model,
                                       progress=progress)
    from .models import Lead

    leads = [lead_row(lead) | {"explanation": lead.explanation}
             for lead in Lead.objects.filter(run=linkage_run).select_related("person", "source", "force")
             .order_by("-probability", "id")]
    return {"run": run_summary(linkage_run),
            "leads": [{"reference": r["reference"], "record_id": r["record_id"], "probability": r["probability"],
                       "case_id": r["case_id"], "suggestion": r["suggestion"], "explanation": r["explanation"]}
                      for r in leads]}


def train(*, username: str | None, source: str, with_duplicates: bool = True) -> dict[str, Any]:
    """``tether trace train``: a new version of the source's model, m from officers' decisions."""
    user = user_named(username)
    return services.model_train(user, source_named(user, source), with_duplicates=with_duplicates)


def purge(*, as_of: str | None, actor_label: str) -> dict[str, Any]:
    from tether.core.dates import parse_day

    return services.purge_expired(parse_day(as_of, "as_of"), actor_label=actor_label)


def statistics(*, username: str | None, as_of: str | None) -> dict[str, Any]:
    from tether.core.dates import parse_day

    from .selectors import lead_statistics

    return lead_statistics(user_named(username), parse_day(as_of, "as_of") or clock.today())


def duplicates_scan(*, username: str | None, force: str | None,
                    progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """``tether duplicates scan``: the Splink deduplication's pairs, best first."""
    scan, pairs = services.duplicate_scan(user_named(username), force, progress=progress)
    return {"scan": scan.pk, "force": scan.force_code, "people": scan.people, "trained": scan.trained,
            "pairs": pairs}


def duplicates_queue(*, username: str | None, force: str | None) -> dict[str, Any]:
    """``tether duplicates scan --queue``: the job (queued now, or the one already waiting for the scope)."""
    from .jobs import job_summary, request_scan

    job, created = request_scan(user_named(username), force)
    return {**job_summary(job), "created": created}
