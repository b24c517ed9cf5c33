"""How access reports what happened (sign-ins, two-factor, tokens) to the audit trail, which sits above it.

The audit app installs its recorder when Django starts (``tether.audit.apps``), so access never imports the audit
trail. An event recorded before that (or in a project without the audit app) is an error, never a silent gap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Recorder = Callable[..., Any]
_recorder: Recorder | None = None


def install(recorder: Recorder) -> None:
    """Set the function that writes an audit event: ``recorder(action, actor, **fields)``."""
    global _recorder
    _recorder = recorder


def record(action: str, actor: Any, **fields: Any) -> Any:
    """Write one audit event (same arguments as ``tether.audit.services.record``), in the caller's transaction."""
    if _recorder is None:
        raise RuntimeError("No audit recorder is installed: is tether.audit in INSTALLED_APPS?")
    return _recorder(action, actor, **fields)
