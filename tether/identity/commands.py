"""What ``tether search``, ``tether duplicates``, ``tether merge`` (and ``--propose``, ``merge-approve``) run
(tether/cli.py only parses options)."""

from __future__ import annotations

import json
from typing import Any

from tether.access.selectors import user_named
from tether.core.errors import ValidationFailed

from .duplicates import scan
from .search import SearchTerms, search_people
from .services import approve_merge, decline_merge, merge_people, propose_merge, unmerge


def run_search(username: str | None, terms: SearchTerms, *, limit: int = 20) -> dict[str, Any]:
    """``{"count": N, "results": [{"reference", "name", "date_of_birth", "force", "access", "score", "reasons"}]}``,
    best first; another force's rows are national index entries (no reference)."""
    user = user_named(username)
    if not 1 <= limit <= 100:
        raise ValidationFailed({"limit": "must be between 1 and 100"})
    page, rows = search_people(user, terms, 1, per_page=limit)
    return {
        "count": page.paginator.count,
        "results": [
            {"id": str(r.person.pk), "reference": r.person.reference if r.full else None,
             "name": r.person.display_name, "date_of_birth": r.person.date_of_birth.isoformat(),
             "force": r.person.owning_force.code, "access": r.level, "score": r.score, "reasons": r.reasons}
            for r in rows
        ],
    }


def table(result: dict[str, Any]) -> str:
    lines = [f"{'score':>5}  {'reference':<10}  {'name':<32}  {'born':<10}  {'force':<5}  reasons"]
    for r in result["results"]:
        score = "" if r["score"] is None else f"{r['score']:.2f}"
        lines.append(f"{score:>5}  {r['reference'] or '-':<10}  {r['name'][:32]:<32}  {r['date_of_birth']:<10}  "
                     f"{r['force']:<5}  {', '.join(r['reasons'])}")
    lines.append(f"{result['count']} found")
    return "\n".join(lines)


def run_duplicates(username: str | None, force: str | None, *, limit: int = 500) -> dict[str, Any]:
    return {"pairs": scan(user_named(username), force, limit=limit)}


def _merge_out(m: Any) -> dict[str, Any]:
    return {"merge_id": m.pk, "survivor": str(m.survivor_id), "merged": str(m.merged_id),
            "moved": {k: len(v) for k, v in m.moved["rows"].items()}}


def run_merge(username: str | None, survivor: str, merged: str, reason: str) -> dict[str, Any]:
    return _merge_out(merge_people(user_named(username), survivor, merged, reason=reason))


def _proposal_out(p: Any) -> dict[str, Any]:
    return {"proposal_id": p.pk, "survivor": str(p.survivor_id), "merged": str(p.merged_id), "status": p.status,
            "proposer_force": p.proposer_force.code, "other_force": p.other_force.code}


def run_propose(username: str | None, survivor: str, merged: str, reason: str) -> dict[str, Any]:
    return _proposal_out(propose_merge(user_named(username), survivor, merged, reason=reason))


def run_approve(username: str | None, proposal_id: str, reason: str) -> dict[str, Any]:
    return _merge_out(approve_merge(user_named(username), proposal_id, reason=reason))


def run_decline(username: str | None, proposal_id: str, reason: str) -> dict[str, Any]:
    return _proposal_out(decline_merge(user_named(username), proposal_id, reason=reason))


def run_unmerge(username: str | None, merge_id: str, reason: str) -> dict[str, Any]:
    m = unmerge(user_named(username), merge_id, reason=reason)
    return {"merge_id": m.pk, "undone": True}


def dumps(data: Any) -> str:
    return json.dumps(data, default=str)
