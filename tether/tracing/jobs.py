"""Background jobs: work too long for a request (today only the duplicate scan), stored in the database.

A reviewer asks for a scan (page, ``POST /api/v1/duplicates/scans`` or ``tether duplicates scan --queue``): it is
stored queued, one queued scan per scope (a force, or ALL) at a time, so asking again while one waits returns it.
A worker (``tether jobs work``, or the thread ``tether serve`` starts) claims the oldest queued job: on PostgreSQL
with ``SELECT ... FOR UPDATE SKIP LOCKED`` (two workers never wait on, or take, the same row); everywhere with a
compare-and-set update (queued -> running) that only one worker can win, which is what guards SQLite (one writer
at a time, no row locks). The job runs as the account that asked for it, with that account's permissions at the
time it runs; its start and its end (done or failed) are audited, and the scan itself is audited as any scan.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, close_old_connections, connection, transaction

from tether.access import permissions
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import Forbidden, NotFound, ValidationFailed

from .models import Job, JobKind, JobState

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=6)  # a job running longer than this lost its worker (stopped, killed): failed
POLL_SECONDS = 5.0
MAX_ERROR = 2000


def _label(actor: Any) -> str:
    return str(getattr(actor, "label", None) or actor)


def worker_name() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


# --- asking for a job ------------------------------------------------------------------------------------------


def request_scan(actor: Any, force_code: str | None = None) -> tuple[Job, bool]:
    """Queue a duplicate scan of the reviewer's scope (their force; a national administrator any force or ALL):
    (the job, whether it was created). A scan already queued for the scope is returned as it is (nothing
    written). Refused as the scan itself is (reviewers only, their own force)."""
    from tether.identity.duplicates import scan_force

    force = scan_force(actor, force_code)
    scope = force.code if force else "ALL"
    waiting = Job.objects.filter(kind=JobKind.DUPLICATE_SCAN, scope=scope, state=JobState.QUEUED).first()
    if waiting is not None:
        return waiting, False
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=JobKind.DUPLICATE_SCAN, scope=scope, requested_by=actor,
                                     requested_label=_label(actor), requested_at=clock.now())
            record("tracing.job_request", actor, object_type="job", object_id=str(job.pk),
                   force_code=getattr(actor, "force_code", ""), detail={"kind": job.kind, "scope": scope})
    except IntegrityError:  # another request queued it between the look and the write
        return Job.objects.get(kind=JobKind.DUPLICATE_SCAN, scope=scope, state=JobState.QUEUED), False
    return job, True


# --- reading jobs -----------------------------------------------------------------------------------------------


def _sees(actor: Any, job: Job) -> bool:
    if not permissions.can_review_duplicates(actor):
        return False
    if permissions.is_national_admin(actor):
        return True
    return job.scope == getattr(actor, "force_code", None)


def job_for(actor: Any, job_id: Any) -> Job:
    """One job the actor may see (a reviewer of its scope); NotFound for missing and forbidden alike."""
    try:
        job = Job.objects.select_related("scan").get(pk=int(job_id))
    except (ValueError, TypeError, Job.DoesNotExist) as exc:
        raise NotFound("No such scan.") from exc
    if not _sees(actor, job):
        raise NotFound("No such scan.")
    return job


def latest_job(actor: Any) -> Job | None:
    """The newest duplicate-scan job of the reviewer's own scope (their force; ALL for a national administrator)."""
    if not permissions.can_review_duplicates(actor):
        raise Forbidden("Your role cannot review duplicate records.")
    scope = "ALL" if permissions.is_national_admin(actor) else getattr(actor, "force_code", "")
    return Job.objects.filter(kind=JobKind.DUPLICATE_SCAN, scope=scope).select_related("scan").first()


def job_summary(job: Job) -> dict[str, Any]:
    """What anyone who may see the job is told about it (no personal data)."""
    scan = job.scan
    return {
        "id": job.pk, "kind": job.kind, "scope": job.scope, "state": job.state,
        "state_label": JobState(job.state).label, "requested_by": job.requested_label,
        "requested_at": job.requested_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "error": job.error or None,
        "scan": None if scan is None else {
            "id": scan.pk, "force": scan.force_code, "people": scan.people, "rows": scan.rows,
            "pairs": len(scan.pairs), "threshold": scan.threshold, "seconds": scan.seconds},
    }


# --- working ----------------------------------------------------------------------------------------------------


def _fail_stale() -> int:
    """Jobs left running by a worker that stopped: failed (audited), so the page does not show them running."""
    cutoff = clock.now() - STALE_AFTER
    n = 0
    for job in Job.objects.filter(state=JobState.RUNNING, started_at__lt=cutoff):
        n += _finish(job, JobState.FAILED, error="The worker stopped before the job finished: ask again.")
    return n


def claim_next(worker: str | None = None) -> Job | None:
    """Take the oldest queued job for this worker (queued -> running, audited), or None when none waits."""
    _fail_stale()
    who = worker or worker_name()
    while True:
        with transaction.atomic():
            qs = Job.objects.filter(state=JobState.QUEUED).order_by("requested_at", "id")
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            job = qs.first()
            if job is None:
                return None
            now = clock.now()
            # the compare-and-set: only one worker moves a job out of "queued" (SQLite has no row locks)
            if not Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
                    state=JobState.RUNNING, started_at=now, worker=who):
                continue
            job.state, job.started_at, job.worker = JobState.RUNNING, now, who
            record("tracing.job_start", None, actor_label=f"worker:{who}", object_type="job", object_id=str(job.pk),
                   detail={"kind": job.kind, "scope": job.scope, "requested_by": job.requested_label})
            return job


def _finish(job: Job, state: str, *, error: str = "", scan: Any = None) -> int:
    with transaction.atomic():
        changed = Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=state, finished_at=clock.now(), error=error[:MAX_ERROR], scan=scan)
        if changed:
            record("tracing.job_finish" if state == JobState.DONE else "tracing.job_fail", None,
                   actor_label=f"worker:{job.worker}", object_type="job", object_id=str(job.pk),
                   detail={"kind": job.kind, "scope": job.scope, "scan": scan.pk if scan else None,
                           "pairs": len(scan.pairs) if scan else None, "error": error[:MAX_ERROR] or None})
    job.refresh_from_db()
    return changed


def _run_duplicate_scan(job: Job) -> Any:
    from .services import duplicate_scan

    if job.requested_by is None or not job.requested_by.is_active:
        raise Forbidden("The account that asked for the scan is no longer active.")
    scan, _ = duplicate_scan(job.requested_by, job.scope)
    return scan


RUNNERS: dict[str, Callable[[Job], Any]] = {JobKind.DUPLICATE_SCAN: _run_duplicate_scan}


def run(job: Job) -> Job:
    """Run a claimed job and store what it made, or why it failed (a refusal or a fault; the fault logged)."""
    try:
        made = RUNNERS[job.kind](job)
    except (Forbidden, NotFound, ValidationFailed) as exc:
        _finish(job, JobState.FAILED, error=str(exc) or type(exc).__name__)
    except Exception as exc:  # a fault in the run: the job fails, the worker goes on
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobState.FAILED, error=f"The job stopped with an error ({type(exc).__name__}).")
    else:
        _finish(job, JobState.DONE, scan=made)
    return job


def work(*, once: bool = False, poll: float = POLL_SECONDS, stop: threading.Event | None = None,
         worker: str | None = None) -> int:
    """Claim and run jobs. ``once``: run every job waiting, then return; otherwise wait ``poll`` seconds when none
    waits and go on until ``stop`` is set. Returns how many jobs ran."""
    ran = 0
    while stop is None or not stop.is_set():
        if not connection.in_atomic_block:  # a long-lived worker: drop a connection the database has closed
            close_old_connections()
        job = claim_next(worker)
        if job is not None:
            run(job)
            ran += 1
            continue
        if once:
            break
        if stop is not None:
            stop.wait(poll)
        else:
            time.sleep(poll)
    return ran


def start_worker_thread(poll: float = POLL_SECONDS) -> tuple[threading.Thread, threading.Event]:
    """A daemon thread working the queue beside the development server (``tether serve``)."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                work(poll=poll, stop=stop)
            except Exception:  # the database went away for a moment: log, wait, go on
                log.exception("job worker thread")
                stop.wait(poll)
            finally:
                if not connection.in_atomic_block:
                    close_old_connections()

    thread = threading.Thread(target=loop, name="tether-jobs", daemon=True)
    thread.start()
    return thread, stop
