"""The person page's travel section (trips, stays, advance notices), plugged in like any other package's panel
(``extensions.register_person_panel``), so the person page template stays as it is."""

from __future__ import annotations

from typing import Any

from tether.access.permissions import is_worker

from . import extensions
from .selectors_travel import person_travel


def travel_panel(user: Any, person: Any) -> extensions.PersonPanel:
    """Read from the person the guard returned (the page's read is audited there)."""
    return extensions.PersonPanel(
        template="register/travel/_panel.html", anchor="travel", title="Travel, stays and advance notices",
        context={"person": person, "can_record": is_worker(user),
                 # the person page has read the addresses already (in valid_from order, as a query would give them)
                 "other_addresses": [a for a in person.addresses.all() if a.kind == "other" and a.valid_to is None],
                 **person_travel(person)},
    )


def install() -> None:
    extensions.register_person_panel("travel", travel_panel)
