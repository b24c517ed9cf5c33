"""A supervisor assigns a task from the unit queue in headless Debian Chromium: the row's form carries its CSRF
token, the menu starts at "Select an officer", and the task moves to the officer chosen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tether.casework.case_services import case_open
from tether.casework.models import Task
from tether.register.services import person_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_assigns_from_the_queue(signed_in_page: Any, live_server: Any, officer: Any, supervisor: Any,
                                           make_doc: Any) -> None:
    person = person_create(officer, make_doc())
    case_open(officer, person.pk, {"note": "Not at the notified address"})
    task = Task.objects.filter(person=person, assignee__isnull=True).order_by("pk").first()
    assert task is not None
    page = signed_in_page(supervisor)
    page.goto(f"{live_server.url}/tasks/queue/")
    select = page.locator(f"#assignee-{task.pk}")
    assert select.input_value() == ""  # "Select an officer", not the first name in the list

    # pressing Assign without choosing says so and changes nothing
    select.locator("xpath=ancestor::form").locator("button").click()
    page.wait_for_url(re.compile(r".*/tasks/queue/$"))
    assert "select the officer" in page.content()
    task.refresh_from_db()
    assert task.assignee_id is None

    page.locator(f"#assignee-{task.pk}").select_option(value=str(officer.pk))
    page.locator(f"#assignee-{task.pk}").locator("xpath=ancestor::form").locator("button").click()
    page.wait_for_url(re.compile(r".*/tasks/queue/$"))
    assert "Nothing was saved" not in page.content()
    task.refresh_from_db()
    assert task.assignee_id == officer.pk
