"""Casework's part of a review of indefinite notification (SOA 2003 ss.91A-91F; ``register.legal``), through the
register's review hook:

- an application received gives the owning force a task "decide the application", due on the day the police
  decision is due (so its lists, digest and dashboard show it, and a missed date shows as late like any task);
  it goes to the registrant's offender manager, or the force's unit queue when they have none;
- recording the decision closes that task (done).

The task cannot be completed on its own page: it completes itself when the decision is recorded on the person
page's legal record (or ``POST /api/v1/people/{id}/reviews/{review_id}/decision``). All inside the register write's
transaction; the register's audit event records the change.
"""

from __future__ import annotations

from typing import Any

from tether.core import clock
from tether.core.dates import long_date
from tether.register import extensions
from tether.register.models import Person

from .constants import Outcome, TaskKind, TaskState
from .models import Task
from .selectors import playbook_for
from .tasks import finish, new_task


def on_review(review: Any, event: str, actor: Any) -> None:
    """The register's review hook (``extensions.register_review_changed``)."""
    if event == "applied":
        person = Person.objects.select_related("owning_force", "offender_manager").get(pk=review.person_id)
        task = new_task(person, TaskKind.REVIEW_DECISION, review.decision_due,
                        title=f"Decide the application for review received {long_date(review.applied_on)}",
                        playbook=playbook_for(person.owning_force))
        task.save()
    elif event == "decided":
        for task in Task.objects.select_for_update().filter(person_id=review.person_id,
                                                            kind=TaskKind.REVIEW_DECISION, state=TaskState.OPEN):
            finish(task, state=TaskState.DONE, outcome=Outcome.REVIEW_DECIDED, actor=actor, on=clock.today())


def install() -> None:
    extensions.register_review_changed("tasks", on_review)
