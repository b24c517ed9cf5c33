"""Tracing's rows in the route walk's access policy (tether/access/tests/test_route_walk.py)."""

from __future__ import annotations

WEB = {"tracing:index", "tracing:leads", "tracing:lead", "tracing:upload", "tracing:statistics", "tracing:duplicates"}
API = {"api:list_sources", "api:list_runs", "api:create_run", "api:list_leads", "api:get_lead", "api:decide_lead",
       "api:get_statistics", "api:list_duplicates", "api:create_duplicate_scan", "api:request_duplicate_scan",
       "api:get_duplicate_scan", "api:train_model"}
WRITERS = {"officer", "supervisor", "force_admin", "national_admin"}
MANAGERS = {"force_admin", "national_admin"}
REVIEWERS = {"supervisor", "force_admin", "national_admin"}  # duplicate review
STATISTICS = WRITERS | {"other_officer", "analyst", "foi_officer"}  # aggregate only


def web(route: str, who: str) -> str:
    if who == "anonymous":
        return "sign in"
    if route == "tracing:lead":  # no lead in the walk's world
        return "not found"
    if route == "tracing:upload":
        return "ok" if who in MANAGERS else "forbidden"
    if route == "tracing:statistics":
        return "ok" if who in STATISTICS else "forbidden"
    if route == "tracing:duplicates":
        return "ok" if who in REVIEWERS else "forbidden"
    return "ok" if who in WRITERS | {"other_officer"} else "forbidden"


def api(route: str, who: str) -> str:
    if route in ("api:decide_lead", "api:request_duplicate_scan", "api:train_model"):  # POST only
        return "method not allowed"
    if who == "anonymous":
        return "sign in"
    if route in ("api:get_lead", "api:get_duplicate_scan"):  # none in the walk's world: the placeholder is not a number
        return "status 400"
    if route == "api:get_statistics":
        return "ok" if who in STATISTICS else "forbidden"
    if route in ("api:list_duplicates", "api:create_duplicate_scan"):  # one path: the walk GETs it
        return "ok" if who in REVIEWERS else "forbidden"
    # api:create_run shares its path with api:list_runs
    return "ok" if who in WRITERS | {"other_officer"} else "forbidden"
