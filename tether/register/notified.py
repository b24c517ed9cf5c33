"""What a notification carries besides its kind, time and station (domain.md §3-§5):

- ``given``: the full details given that day on an s.83 initial, s.84 change or s.85 periodic notification (names,
  home address, other addresses, NI number), as a structured record read with the same field rules as the person's
  own names, addresses and identifiers (``register.documents``);
- ``change`` and ``changed_on``: on an s.84 change notification, which change it notified (``ChangeKind``) and the
  date the change happened.

The record of what was notified is kept as notified: it does not change the person's own names or addresses (a
change of name or address is recorded as such, ``services.name_record`` / ``address_record``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tether.core.fields import Fields

from .constants import ChangeKind, NotificationKind
from .identifiers import normalise_ni_number, normalise_postcode

FULL_KINDS = (NotificationKind.INITIAL.value, NotificationKind.CHANGE.value, NotificationKind.PERIODIC.value)
GIVEN_KEYS = ("names", "home_address", "other_addresses", "ni_number")
MAX_NAMES = 20
MAX_ADDRESSES = 50


@dataclass
class Notified:
    change: str = ""
    changed_on: date | None = None
    given: dict[str, Any] = field(default_factory=dict)


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _address(c: Fields, raw: Any, path: str) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        c.fail(path, "must be an object")
        return {}
    unknown = sorted(set(raw) - {"line1", "line2", "town", "postcode"})
    for key in unknown:
        c.fail(_at(path, key), "is not part of an address (line1, line2, town, postcode)")
    out = {
        "line1": c.text(raw, "line1", _at(path, "line1")),
        "line2": c.text(raw, "line2", _at(path, "line2"), required=False),
        "town": c.text(raw, "town", _at(path, "town"), required=False, max_len=80),
        "postcode": c.identifier(raw, "postcode", _at(path, "postcode"), normalise_postcode),
    }
    if not raw.get("postcode"):
        c.fail(_at(path, "postcode"), "is required")
    return out


def _list(c: Fields, raw: Mapping[str, Any], key: str, path: str, most: int) -> list[tuple[str, Any]]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        c.fail(_at(path, key), "must be a list")
        return []
    if len(value) > most:
        c.fail(_at(path, key), f"must hold {most} or fewer")
        return []
    return [(_at(path, f"{key}[{i}]"), item) for i, item in enumerate(value)]


def read_given(c: Fields, raw: Any, path: str, kind: str) -> dict[str, Any]:
    """The full details given, in a fixed shape (``{}``: none recorded). At least one name and the home address
    (for no fixed abode: where they can regularly be found) once any detail is recorded."""
    if raw in (None, {}):
        return {}
    if not isinstance(raw, Mapping):
        c.fail(path, "must be an object")
        return {}
    if kind and kind not in FULL_KINDS:
        c.fail(path, "is only for initial, change and periodic notifications (the full details)")
        return {}
    for key in sorted(set(raw) - set(GIVEN_KEYS)):
        c.fail(_at(path, key), f"is not a detail a notification carries ({', '.join(GIVEN_KEYS)})")
    names = []
    for p, item in _list(c, raw, "names", path, MAX_NAMES):
        if not isinstance(item, Mapping):
            c.fail(p, "must be an object")
            continue
        for key in sorted(set(item) - {"given_names", "family_name"}):
            c.fail(_at(p, key), "is not part of a name (given_names, family_name)")
        names.append({"given_names": c.text(item, "given_names", _at(p, "given_names")),
                      "family_name": c.text(item, "family_name", _at(p, "family_name"), max_len=80)})
    if not names and not any(k.startswith(_at(path, "names")) for k in c.errors):
        c.fail(_at(path, "names"), "at least one name is required: the names they gave")
    home = None
    if raw.get("home_address") is None:
        c.fail(_at(path, "home_address"), "is required: the home address they gave (for no fixed abode, where they "
                                          "can regularly be found)")
    else:
        home = _address(c, raw.get("home_address"), _at(path, "home_address"))
    others = [_address(c, item, p) for p, item in _list(c, raw, "other_addresses", path, MAX_ADDRESSES)]
    ni = c.identifier(raw, "ni_number", _at(path, "ni_number"), normalise_ni_number)
    return {"names": names, "home_address": home, "other_addresses": others, "ni_number": ni or None}


def read_notified(c: Fields, data: Mapping[str, Any], path: str, kind: str, received_on: date | None) -> Notified:
    """``given``, ``change`` and ``changed_on`` of one notification of kind ``kind`` received on ``received_on``."""
    out = Notified(given=read_given(c, data.get("given"), _at(path, "given"), kind))
    raw_change, raw_on = data.get("change"), data.get("changed_on")
    if raw_change in (None, "") and raw_on in (None, ""):
        return out
    if kind and kind != NotificationKind.CHANGE:
        c.fail(_at(path, "change"), "is only for change notifications (s.84): say which change, and when")
        return out
    if raw_change in (None, ""):
        c.fail(_at(path, "change"), f"is required with changed_on: one of {', '.join(ChangeKind.values)}")
    else:
        out.change = c.choice(data, "change", _at(path, "change"), ChangeKind)
    out.changed_on = c.day(data, "changed_on", _at(path, "changed_on"), required=False)
    if out.changed_on is None and _at(path, "changed_on") not in c.errors:
        c.fail(_at(path, "changed_on"), "is required with change: the date the change happened")
    if out.changed_on and received_on and out.changed_on > received_on:
        c.fail(_at(path, "changed_on"), "must not be after the date the notification was received")
    return out


def given_to_json(given: Mapping[str, Any]) -> dict[str, Any]:
    """The stored record of the details given, keys in a fixed order (as stored by ``read_given``)."""
    if not given:
        return {}
    return {key: given.get(key) for key in GIVEN_KEYS}
