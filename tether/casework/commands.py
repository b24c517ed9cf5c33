"""What ``tether sweep`` runs: argument checking and the call, so the CLI stays a thin shell."""

from __future__ import annotations

from typing import Any

from tether.core.dates import parse_day as parse_as_of
from tether.core.errors import ValidationFailed

from .services import Progress, recompute, sweep


def run_sweep(
    *,
    as_of: str | None = None,
    force: str | None = None,
    recompute_all: bool = False,
    batch: int = 2000,
    workers: int = 1,
    resume: bool = True,
    progress: Progress | None = None,
    actor_label: str = "cli",
) -> dict[str, Any]:
    """``tether sweep [--as-of D] [--force CODE]`` or ``tether sweep --recompute [--batch N] [--workers W]
    [--no-resume]``. Returns the JSON summary; raises ValidationFailed for bad arguments."""
    day = parse_as_of(as_of)
    if batch < 1:
        raise ValidationFailed({"batch": "must be at least 1"})
    if recompute_all:
        if force:
            raise ValidationFailed({"force": "cannot be combined with --recompute: it re-evaluates every registrant"})
        if workers < 1:
            raise ValidationFailed({"workers": "must be at least 1"})
        return {"recompute": recompute(day, batch=batch, progress=progress, resume=resume, workers=workers,
                                       actor_label=f"{actor_label} (recompute)")}
    return sweep(day, force, progress, batch=batch, actor_label=f"{actor_label} (sweep)")


def run_digest_command(
    *, as_of: str | None = None, force_code: str | None = None, dry_run: bool = False, force: bool = False,
    actor_label: str = "cli",
) -> dict[str, Any]:
    """``tether digest [--as-of D] [--force-code CODE] [--dry-run] [--force]``: the JSON summary."""
    from .digest import run_digest

    return run_digest(parse_as_of(as_of), force_code, dry_run=dry_run, force=force,
                      actor_label=f"{actor_label} (digest)")
