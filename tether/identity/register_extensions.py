"""Identity's part of the register, plugged into its extension points (``tether.register.extensions``): the search
keys follow every write, new registrants are checked for duplicates, and the person page shows merges."""

from __future__ import annotations

from typing import Any

from tether.access.permissions import can_merge_records
from tether.register import extensions

from .duplicates import find_for_document
from .indexing import index_people
from .services import merge_of, merged_away


def identity_panel(user: Any, person: Any) -> extensions.PersonPanel:
    merges = merge_of(person.pk)
    return extensions.PersonPanel(
        template="identity/_person_panel.html", anchor="identity", title="Identity and merges",
        context={"person": person, "into": merges["into"], "merged_from": merges["from"],
                 "can_merge": can_merge_records(user, person.owning_force_id, person.owning_force_id)},
    )


def install() -> None:
    extensions.register_people_written("identity", index_people)
    extensions.register_duplicate_finder("identity", find_for_document)
    extensions.register_person_panel("identity", identity_panel)
    extensions.register_not_separate("identity", merged_away)
