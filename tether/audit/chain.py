"""The hash of one audit event: SHA-256 over its canonical JSON and the previous hash. Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "force_code", "reason", "detail",
)


def event_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    body = {k: fields[k] for k in HASHED_FIELDS}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=True)
    return hashlib.sha256((prev_hash + "|" + text).encode()).hexdigest()
