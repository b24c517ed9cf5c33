"""The daily e-mail digest: each officer's open tasks (overdue, due today) and new cases; each supervisor's
force queue (unassigned tasks) and missed deadlines.

E-mail is not a secure channel: a digest carries registrant references (TTH-...), task titles, dates,
counts and links into Tether, never a name, an address or any other personal detail. The reader signs in
to see the record.

Run once a day after the sweep (``tether digest``; docs/operations.md). Idempotent per day and force scope:
a second run on the same day sends nothing (``force`` sends again). Each run is audited once, with counts
and recipients' user ids only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.urls import reverse

from tether.access.constants import Role
from tether.access.models import Force, User
from tether.audit.services import record
from tether.core import clock
from tether.core.dates import long_date
from tether.core.errors import ValidationFailed

from .constants import DIGEST_LOCK_KEY, TaskKind, TaskState
from .locks import job_lock
from .models import DigestRun, Task, past_deadline_q

TRANSFER_TASKS = (TaskKind.TRANSFER_ACCEPT, TaskKind.TRANSFER_ESCALATED)


@dataclass
class TaskLine:
    task_id: int
    reference: str
    title: str
    due_on: date
    link: str


@dataclass
class Digest:
    user_id: int
    email: str
    force: str
    overdue: list[TaskLine] = field(default_factory=list)
    due_today: list[TaskLine] = field(default_factory=list)
    new_cases: list[TaskLine] = field(default_factory=list)  # one line per new case (its reference)
    queue: int | None = None  # supervisors: the force's unassigned open tasks
    sla_breaches: int | None = None  # supervisors: the force's open tasks past their deadline
    transfers: list[TaskLine] = field(default_factory=list)  # supervisors: transfers to accept, and escalated ones

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_today or self.new_cases or self.queue or self.sla_breaches
                    or self.transfers)


def _link(path: str) -> str:
    return settings.TETHER_BASE_URL.rstrip("/") + path


def _line(t: Task) -> TaskLine:
    return TaskLine(t.pk, t.person.reference, t.title, t.due_on,
                    _link(reverse("register:person", kwargs={"person_id": t.person_id})))


def build_digests(as_of: date, force_code: str | None = None) -> list[Digest]:
    """The digests for ``as_of`` (unguarded: the scheduled job). Officers with open tasks, and supervisors."""
    force = None
    if force_code:
        force = Force.objects.filter(code=force_code.strip().upper()).first()
        if force is None:
            raise ValidationFailed({"force_code": f"no force has the code {force_code!r}"})
    tasks = (Task.objects.filter(state=TaskState.OPEN, assignee__isnull=False, assignee__is_active=True)
             .select_related("person", "case", "force").order_by("due_on", "id"))
    if force is not None:
        tasks = tasks.filter(force=force)
    by_user: dict[int, list[Task]] = defaultdict(list)
    for t in tasks:
        assert t.assignee_id is not None
        by_user[t.assignee_id].append(t)
    supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True, force__isnull=False)
    if force is not None:
        supervisors = supervisors.filter(force=force)
    sup_ids = set(supervisors.values_list("pk", flat=True))
    users = User.objects.filter(pk__in=set(by_user) | sup_ids).select_related("force").order_by("pk")
    queue: dict[int, int] = defaultdict(int)
    late: dict[int, int] = defaultdict(int)
    now = clock.now()
    if sup_ids:
        forces = set(supervisors.values_list("force_id", flat=True))
        open_tasks = Task.objects.filter(state=TaskState.OPEN, force_id__in=forces)
        for force_id in open_tasks.filter(assignee__isnull=True).values_list("force_id", flat=True):
            queue[force_id] += 1
        for force_id in open_tasks.filter(past_deadline_q(as_of, now)).values_list("force_id", flat=True):
            late[force_id] += 1
    transfers: dict[int, list[TaskLine]] = defaultdict(list)  # transfers between forces, by force (supervisors)
    if sup_ids:
        for t in Task.objects.filter(state=TaskState.OPEN, force_id__in=forces, kind__in=TRANSFER_TASKS).select_related(
                "person").order_by("due_on", "id"):
            transfers[t.force_id].append(_line(t))
    out = []
    since = as_of - timedelta(days=1)  # cases opened since yesterday's digest
    for user in users:
        d = Digest(user.pk, user.email, user.force_code)
        seen_cases: set[int] = set()
        for t in by_user.get(user.pk, []):
            if t.past_deadline(as_of, now):
                d.overdue.append(_line(t))
            elif t.due_on == as_of:
                d.due_today.append(_line(t))
            if t.case_id and t.case_id not in seen_cases and t.case and t.case.opened_on >= since:
                seen_cases.add(t.case_id)
                d.new_cases.append(TaskLine(t.pk, t.person.reference, f"New {t.case.kind} case opened "
                                            f"{t.case.opened_on.isoformat()}", t.case.opened_on,
                                            _link(reverse("register:person", kwargs={"person_id": t.person_id}))))
        if user.pk in sup_ids and user.force_id is not None:
            d.queue, d.sla_breaches = queue[user.force_id], late[user.force_id]
            d.transfers = transfers[user.force_id]
        if not d.empty:
            out.append(d)
    return out


def render(d: Digest, as_of: date) -> tuple[str, str, str]:
    """Subject, plain text and HTML. References, titles, dates and links only: no names or addresses."""
    subject = (f"Tether: {len(d.overdue)} overdue, {len(d.due_today)} due today"
               + (f", {len(d.new_cases)} new case(s)" if d.new_cases else "") + f" ({as_of:%d %b %Y})")
    sections: list[tuple[str, list[TaskLine]]] = [
        ("Overdue tasks", d.overdue), ("Due today", d.due_today), ("New cases", d.new_cases),
        ("Transfers between forces", d.transfers)]
    text = [f"Your Tether tasks on {long_date(as_of, weekday=True)}.", ""]
    html = [f"<p>Your Tether tasks on {escape(long_date(as_of, weekday=True))}.</p>"]
    for heading, lines in sections:
        if not lines:
            continue
        text.append(f"{heading} ({len(lines)}):")
        html.append(f"<h2>{escape(heading)} ({len(lines)})</h2><ul>")
        for ln in lines:
            text.append(f"- {ln.reference}: {ln.title} (due {ln.due_on:%d %b %Y}) {ln.link}")
            html.append(f'<li><a href="{escape(ln.link)}">{escape(ln.reference)}</a>: {escape(ln.title)} '
                        f"(due {ln.due_on:%d %b %Y})</li>")
        html.append("</ul>")
        text.append("")
    if d.queue is not None:
        summary = (f"Your force ({d.force}): {d.queue} unassigned task(s) in the unit queue, "
                   f"{d.sla_breaches} open task(s) past their deadline.")
        text += [summary, _link("/"), ""]
        html.append(f'<p>{escape(summary)} <a href="{escape(_link("/"))}">Open Tether</a></p>')
    footer = ("This e-mail holds references only. Sign in to Tether to see a record. "
              "Do not forward it or reply with personal details: e-mail is not a secure channel.")
    text.append(footer)
    html.append(f"<p>{escape(footer)}</p>")
    return subject, "\n".join(text), "\n".join(html)


def run_digest(as_of: date | None = None, force_code: str | None = None, *, dry_run: bool = False,
               force: bool = False, actor_label: str = "system:digest") -> dict[str, Any]:
    """Build and send the day's digests. Returns the JSON summary. A second run for the same day and scope
    sends nothing unless ``force``; ``dry_run`` builds them (and reports) without sending or recording."""
    as_of = as_of or clock.today()
    scope = (force_code or "").strip().upper()
    if dry_run:
        return _run_digest(as_of, scope, dry_run=True, force=force, actor_label=actor_label)
    with job_lock(DIGEST_LOCK_KEY):  # a second run at the same moment waits, then finds the day's run recorded
        return _run_digest(as_of, scope, dry_run=False, force=force, actor_label=actor_label)


def _run_digest(as_of: date, scope: str, *, dry_run: bool, force: bool, actor_label: str) -> dict[str, Any]:
    digests = build_digests(as_of, scope or None)
    summary: dict[str, Any] = {
        "as_of": as_of.isoformat(), "force": scope or None, "dry_run": dry_run, "forced": force,
        "digests": len(digests), "sent": 0, "skipped_no_email": 0, "already_sent": False,
        "tasks_overdue": sum(len(d.overdue) for d in digests),
        "tasks_due_today": sum(len(d.due_today) for d in digests),
        "new_cases": sum(len(d.new_cases) for d in digests),
        "supervisors": sum(1 for d in digests if d.queue is not None),
    }
    recipients: list[int] = []
    with transaction.atomic():
        previous = DigestRun.objects.select_for_update().filter(as_of=as_of, force_code=scope,
                                                                finished_at__isnull=False).exists()
        if previous and not force and not dry_run:
            summary["already_sent"] = True
            summary["digests"] = 0
        elif not dry_run:
            run = DigestRun.objects.create(as_of=as_of, force_code=scope, forced=force, started_at=clock.now(),
                                           actor_label=actor_label)
            messages = []
            for d in digests:
                if not d.email:
                    summary["skipped_no_email"] += 1
                    continue
                subject, text, html = render(d, as_of)
                msg = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [d.email])
                msg.attach_alternative(html, "text/html")
                messages.append(msg)
                recipients.append(d.user_id)
            if messages:
                get_connection().send_messages(messages)
            summary["sent"] = len(messages)
            run.finished_at = clock.now()
            run.summary = {**summary, "recipients": recipients}
            run.save()
            summary["run_id"] = run.pk
        else:
            recipients = [d.user_id for d in digests if d.email]
        preview = [{"user_id": d.user_id, "subject": subject, "text": text}
                   for d in digests for subject, text, _ in [render(d, as_of)]] if dry_run else None
        record("compliance.digest", None, actor_label=actor_label, force_code=scope,
               detail={**summary, "recipients": recipients})
    if preview is not None:
        summary["preview"] = preview
    return summary
