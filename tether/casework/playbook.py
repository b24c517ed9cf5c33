"""A force's playbook: what happens when an obligation is missed and while a missing/wanted case is
open. Pure: the defaults, their limits and validation. No Django (the versions are stored by
``compliance.services.playbook_update``; docs/playbook.md explains every setting).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

# What a task outcome leads to.
CLOSE: Final = "close"  # the task is done, nothing follows
FOLLOW_UP: Final = "follow_up"  # a follow-up task "establish whereabouts" (its own outcomes are the same)
OPEN_CASE: Final = "open_case"  # open a missing case (wanted when a warrant date is given)
ACTIONS: Final = (CLOSE, FOLLOW_UP, OPEN_CASE)

OUTCOMES: Final = ("complied_late", "excuse_accepted", "not_at_address", "whereabouts_unknown")
OUTCOME_LABELS: Final = {
    "complied_late": "Complied late",
    "excuse_accepted": "Reasonable excuse accepted",
    "not_at_address": "Not at the notified address",
    "whereabouts_unknown": "Whereabouts unknown",
}
# The actions each outcome may be set to. Whereabouts unknown always opens a case: a force cannot
# configure a missing registrant away.
ALLOWED_ACTIONS: Final[dict[str, tuple[str, ...]]] = {
    "complied_late": (CLOSE,),
    "excuse_accepted": (CLOSE,),
    "not_at_address": (FOLLOW_UP, OPEN_CASE),
    "whereabouts_unknown": (OPEN_CASE,),
}
NOTE_REQUIRED: Final = frozenset({"excuse_accepted", "not_at_address", "whereabouts_unknown"})

DEFAULTS: Final[dict[str, Any]] = {
    "overdue": {"due_days": 0},
    "outcomes": {
        "complied_late": {"action": CLOSE},
        "excuse_accepted": {"action": CLOSE},
        "not_at_address": {"action": FOLLOW_UP, "due_days": 2},
        "whereabouts_unknown": {"action": OPEN_CASE},
    },
    "case": {
        "pnc_circulation_hours": 24,
        "probation_informed_days": 1,
        "mappa_informed_days": 1,
        "sio_assigned_days": 1,
        "review_every_days": 28,
        "abroad_review_every_days": 90,
        "media_decision_days": 7,
    },
    # transfers between forces: the days a receiving force has to accept or refuse (docs/transfers.md)
    "transfer": {"accept_days": 14},
}

# Inclusive limits for every number. PNC circulation cannot be later than the APP's 24 hours.
LIMITS: Final[dict[str, tuple[int, int]]] = {
    "overdue.due_days": (0, 7),
    "outcomes.not_at_address.due_days": (0, 14),
    "case.pnc_circulation_hours": (1, 24),
    "case.probation_informed_days": (0, 7),
    "case.mappa_informed_days": (0, 7),
    "case.sio_assigned_days": (0, 7),
    "case.review_every_days": (7, 56),
    "case.abroad_review_every_days": (28, 365),
    "case.media_decision_days": (1, 28),
    "transfer.accept_days": (1, 28),
}


def defaults() -> dict[str, Any]:
    return copy.deepcopy(DEFAULTS)


def merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it, section by section (a partial edit keeps the rest)."""
    out = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def validate(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check a whole playbook. Returns (the playbook, errors by dotted field); errors empty when valid."""
    errors: dict[str, str] = {}
    if not isinstance(data, Mapping):
        return defaults(), {"playbook": "must be an object"}
    for section in data:
        if section not in DEFAULTS:
            errors[section] = f"unknown section: the sections are {', '.join(DEFAULTS)}"
    for section, fields in DEFAULTS.items():
        given = data.get(section)
        if not isinstance(given, Mapping):
            errors[section] = "must be an object"
            continue
        for key in given:
            if key not in fields:
                errors[f"{section}.{key}"] = f"unknown setting: the settings are {', '.join(fields)}"
    if errors:
        return defaults(), errors

    for path, (lo, hi) in LIMITS.items():
        value = _get(data, path)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[path] = f"must be a whole number from {lo} to {hi}"
        elif not lo <= value <= hi:
            errors[path] = f"must be from {lo} to {hi} (it is {value})"
    outcomes = data["outcomes"]
    for outcome, allowed in ALLOWED_ACTIONS.items():
        rule = outcomes.get(outcome)
        if not isinstance(rule, Mapping):
            errors[f"outcomes.{outcome}"] = "must be an object"
            continue
        extra = set(rule) - set(DEFAULTS["outcomes"][outcome])
        if extra:
            errors[f"outcomes.{outcome}"] = f"unknown setting: {', '.join(sorted(extra))}"
        if rule.get("action") not in allowed:
            errors[f"outcomes.{outcome}.action"] = f"must be one of: {', '.join(allowed)}"
    return copy.deepcopy(dict(data)), errors


def _get(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


# --- settings by dotted path (generic: whatever DEFAULTS holds) -------------------------------------------------


def setting_paths(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Every leaf setting of a playbook as a dotted path (``case.review_every_days``), in the playbook's order."""
    paths: list[str] = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            paths.extend(setting_paths(value, f"{path}."))
        else:
            paths.append(path)
    return paths


def setting(data: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or None."""
    return _get(data, path)


def changed_settings(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What an edit changes: ``[{"setting": path, "before": value, "after": value}]`` for every leaf that differs
    (a setting only one side has counts too)."""
    paths = setting_paths(after) + [p for p in setting_paths(before) if p not in set(setting_paths(after))]
    return [{"setting": p, "before": _get(before, p), "after": _get(after, p)}
            for p in paths if _get(before, p) != _get(after, p)]


def label(path: str) -> str:
    """A setting's name in words: ``case.review_every_days`` -> "Case: review every days" (pages name the settings
    they know better; any other setting still gets a readable name)."""
    section, _, rest = path.partition(".")
    words = rest.replace(".", " ").replace("_", " ").strip()
    return f"{section.replace('_', ' ').capitalize()}: {words}" if words else section.replace("_", " ").capitalize()
