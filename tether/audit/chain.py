"""The hash of one audit event: SHA-256 over its canonical JSON and the previous hash. Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64
# An event is chained milliseconds after its transaction commits (services). ``verify_chain`` fails when one it finds
# unchained was written longer ago than this: the chainer has stopped, and while an event is unchained an edit to
# it leaves no trace. Generous, because ``at`` is when the change's transaction wrote the event, not when it
# committed (a long batch commits its events minutes after writing them).
MAX_PENDING_SECONDS = 600
HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "force_code", "reason", "detail",
)


def personal_digest(personal: Any) -> str:
    """The SHA-256 of an event's personal values (what the chain hashes in their place)."""
    text = json.dumps(personal, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def event_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """An event with personal values hashes their digest (``personal_sha256``, given or computed from
    ``personal``); one without hashes exactly as before they existed."""
    body = {k: fields[k] for k in HASHED_FIELDS}
    digest = fields.get("personal_sha256") or (personal_digest(fields["personal"]) if fields.get("personal") else "")
    if digest:
        body["personal_sha256"] = digest
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=True)
    return hashlib.sha256((prev_hash + "|" + text).encode()).hexdigest()
