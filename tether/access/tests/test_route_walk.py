"""Every URL and API route, as every persona: the answer is full, limited, not found, forbidden or sign-in.

The table below is the access policy written down. A route added without a row here fails the test, so
nobody ships a page without deciding who may see it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tether.access.services import token_create
from tether.access.testing import verified_login
from tether.tracing.tests import policy as tracing_policy

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "officer", "supervisor", "force_admin", "national_admin", "other_officer", "partner",
            "analyst", "foi_officer", "auditor"]
WRITERS = {"officer", "supervisor", "force_admin", "national_admin"}
OWN = WRITERS  # full record of an MPS registrant
SEES_PEOPLE = WRITERS | {"other_officer", "partner"}
AUDIT = {"auditor", "national_admin"}
REPORTS = {"supervisor", "national_admin", "analyst", "foi_officer"}  # statistics (the personas' force is MPS)
NATIONAL = {"national_admin"}  # the national roll-up: the other report personas belong to a force
MERGERS = {"supervisor", "force_admin", "national_admin"}  # review duplicates and merge records
ACCOUNT_MANAGERS = {"force_admin", "national_admin"}  # the accounts pages: reset two-factor sign-in

FULL, LIMITED, OK, NOT_FOUND, FORBIDDEN, SIGN_IN, TO_REASON, NOT_ALLOWED, HOME = (
    "full", "limited", "ok", "not found", "forbidden", "sign in", "to reason", "method not allowed", "home")


def _web(route: str, who: str) -> str:
    """What GET on a web page should answer ``who`` (about an MPS registrant where a person is in the URL)."""
    if route in tracing_policy.WEB:
        return tracing_policy.web(route, who)
    if route == "access:invitation":  # open to anyone; the walk's token opens nothing
        return NOT_FOUND
    if who == "anonymous":
        return OK if route in ("access:login", "home:health") else SIGN_IN
    if route in ("access:login", "access:two_factor", "access:two_factor_setup"):
        return HOME  # signed in (and verified): sent on to the dashboard
    if route in ("home:health", "home:dashboard", "home:rules"):
        return OK
    if route == "access:logout":
        return NOT_ALLOWED
    if route == "audit:verify":
        return OK if who in AUDIT else NOT_FOUND
    if route in ("audit:search", "audit:export"):
        return OK if who in AUDIT else NOT_FOUND
    if route == "audit:event":  # an MPS event: the audit roles, and MPS supervisors (who may reveal its values)
        return OK if who in AUDIT | {"supervisor"} else NOT_FOUND
    if route == "access:accounts":  # force administrators (own force) and national administrators
        return OK if who in ACCOUNT_MANAGERS else FORBIDDEN
    if route == "access:account":  # the MPS officer's account
        return OK if who in ACCOUNT_MANAGERS else FORBIDDEN
    if route == "access:invite":
        return OK if who in ACCOUNT_MANAGERS else FORBIDDEN
    if route in ADMIN_POSTS:
        return NOT_ALLOWED
    if route == "register:partners":  # partner access: supervisors and administrators
        return OK if who in ASSIGNERS else FORBIDDEN
    if route == "register:partner":  # the walk's user is an officer, not a partner: nobody's partner
        return NOT_FOUND if who in ASSIGNERS else FORBIDDEN
    if route == "register:partner_end":
        return NOT_ALLOWED
    if route in ("reports:statistics", "reports:cases", "reports:foi", "reports:download",
                 "reports:management", "reports:duties"):
        return OK if who in REPORTS else FORBIDDEN
    if route == "reports:national":
        return OK if who in NATIONAL else FORBIDDEN
    if route == "identity:people":
        return OK if who in SEES_PEOPLE else FORBIDDEN
    if route in ("identity:duplicates", "identity:merge"):  # supervisors and administrators (merge: two records)
        return OK if who in MERGERS and route == "identity:duplicates" else (
            NOT_FOUND if who in MERGERS else FORBIDDEN)
    if route == "identity:proposals":  # merges across forces waiting for (or proposed by) the user's force
        return OK if who in MERGERS else FORBIDDEN
    if route == "identity:unmerge":  # no merge in this world: the id in the path matches nothing
        return NOT_FOUND
    if route == "register:person_create":  # an officer of any force adds registrants to their own force
        return OK if who in WRITERS | {"other_officer"} else FORBIDDEN
    if route == "register:person":
        return FULL if who in OWN else LIMITED if who == "other_officer" else NOT_FOUND
    if route in COMPLIANCE_LISTS or route == "register:travelling_now":  # every worker: their own force's
        return OK if who in WRITERS | {"other_officer"} else FORBIDDEN
    if route == "casework:queue":
        return OK if who in {"supervisor", "force_admin", "national_admin"} else FORBIDDEN
    if route in POST_ONLY:
        return NOT_ALLOWED
    if route == "register:transfers":  # every worker lists their own force's transfers (national: all)
        return OK if who in WRITERS | {"other_officer"} else FORBIDDEN
    if route == "register:transfer_refuse":  # MPS -> WYP: only WYP (no persona) or a national admin may refuse it
        return OK if who in NATIONAL else FORBIDDEN if who in WRITERS | {"partner", "analyst", "foi_officer",
                                                                          "auditor"} else NOT_FOUND
    if route == "casework:task":  # an MPS registrant's task
        return OK if who in WRITERS else NOT_FOUND
    if route == "casework:case":  # an MPS registrant's case: another force's officer records a reason first
        return OK if who in WRITERS else TO_REASON if who == "other_officer" else NOT_FOUND
    if route in ("management:person", "management:visit", "management:risk_level", "management:assessment",
                 "management:mappa", "management:intelligence"):  # an MPS registrant's management: own force's workers
        return OK if who in WRITERS else FORBIDDEN
    if route == "management:mode":  # active or reactive management: a supervisor's decision
        return OK if who == "supervisor" else FORBIDDEN
    if route == "management:manager":  # assigning offender managers: supervisors and administrators
        return OK if who in {"supervisor", "force_admin", "national_admin"} else FORBIDDEN
    if route == "management:overdue":
        return OK if who in WRITERS | {"other_officer"} else FORBIDDEN
    if route in ("management:caseload", "management:capacity"):
        return OK if who in {"supervisor", "force_admin", "national_admin"} else FORBIDDEN
    if route == "management:policy":  # a force's visit policy: its administrators (the playbook's editors)
        return OK if who in {"force_admin", "national_admin"} else FORBIDDEN
    # the pages that change a registrant (correcting identity, and a notification's details given, show the
    # identifiers)
    if who in WRITERS:
        return FULL if route in ("register:identity_update", "register:notification_create") else OK
    if who == "other_officer":
        return TO_REASON
    return FORBIDDEN


ASSIGNERS = {"supervisor", "force_admin", "national_admin"}  # assign partner users to registrants
ADMIN_POSTS = {"access:account_role", "access:account_status", "access:account_unlock", "access:account_tokens",
               "access:account_invitation", "access:account_token_new"}
COMPLIANCE_LISTS = {"casework:tasks", "casework:overdue", "casework:sla", "casework:playbook", "casework:cases"}
POST_ONLY = {"casework:task_assign", "casework:action", "casework:event", "register:trip_cancel",
             "register:transfer_accept"}
WRITE_ROUTES = {"api:record_notification", "api:record_name", "api:record_address", "api:correct_identity",
                "api:complete_task", "api:assign_task", "api:transition_case", "api:close_case", "api:reopen_case",
                "api:record_action", "api:merge_records", "api:undo_merge", "api:management_write",
                "api:approve_merge_api", "api:decline_merge_api",
                "api:visit_create", "api:policy_update",
                "api:record_trip", "api:update_trip", "api:record_return", "api:cancel_trip", "api:record_stay",
                "api:end_stay", "api:end_address", "api:record_advance_notice",
                "api:start_transfer", "api:accept_transfer", "api:refuse_transfer",
                "api:record_identity_document", "api:record_bank_account", "api:record_payment_card",
                "api:record_relevant_household", "api:end_item", "api:item_entered_in_error",
                "api:record_disposal", "api:record_detention", "api:record_release", "api:record_order",
                "api:record_review", "api:record_review_decision", "api:record_review_appeal", "api:record_removal",
                "api:update_order",
                "api:invite_user", "api:renew_invitation", "api:change_user_role", "api:set_user_active",
                "api:unlock_user", "api:revoke_user_token", "api:make_user_token", "api:reset_user_two_factor",
                "api:assign_partner", "api:end_partner_assignment", "api:preview_playbook"}
WORK_LISTS = {"api:list_tasks", "api:list_breaches", "api:list_sla_breaches", "api:list_cases"}


def _api(route: str, who: str) -> str:
    if route in tracing_policy.API:
        return tracing_policy.api(route, who)
    if route in WRITE_ROUTES:
        return NOT_ALLOWED  # they answer GET with 405 before anything else; writes are covered in test_api.py
    if who == "anonymous":
        return OK if route in ("api:openapi-json", "api:openapi-view") else SIGN_IN
    if route in ("api:openapi-json", "api:openapi-view"):
        return OK
    if route == "api:reveal_personal":  # the walk's event holds no personal values: nothing to reveal to anyone
        return NOT_FOUND
    if route in ("api:get_playbook", "api:save_playbook"):  # one path: GET reads; a national admin names a force
        return OK if who in {"officer", "supervisor", "force_admin", "other_officer"} else FORBIDDEN
    if route == "api:list_partners":
        return OK if who in ASSIGNERS else FORBIDDEN
    if route == "api:list_partner_assignments":  # the walk's user is an officer, not a partner
        return NOT_FOUND if who in ASSIGNERS else FORBIDDEN
    if route in ("api:list_users", "api:get_user"):  # the MPS officer's account
        return OK if who in ACCOUNT_MANAGERS else FORBIDDEN
    if route == "api:list_events":
        return OK if who == "auditor" else NOT_FOUND
    if route in ("api:list_people", "api:search_people_api"):
        return OK if who in SEES_PEOPLE else FORBIDDEN
    if route in ("api:list_duplicates", "api:list_merge_proposals", "api:propose_merge_api"):  # (GET: the list)
        return OK if who in MERGERS else FORBIDDEN
    if route == "api:get_person":
        return FULL if who in OWN else LIMITED if who == "other_officer" else NOT_FOUND
    if route == "api:get_travel":  # an MPS registrant's trips: another force opens the full record first
        return OK if who in OWN else FORBIDDEN if who == "other_officer" else NOT_FOUND
    if route == "api:list_transfers":  # every worker lists their own force's transfers (national: all)
        return OK if who in WRITERS | {"other_officer"} else FORBIDDEN
    if route == "api:list_items":  # an MPS registrant's prescribed items: another force opens the full record first
        return OK if who in OWN else FORBIDDEN if who == "other_officer" else NOT_FOUND
    if route in WORK_LISTS or route == "api:get_travelling_now":  # each worker's own list or force
        return OK if who in WRITERS | {"other_officer"} else FORBIDDEN
    if route == "api:get_task":  # an MPS task
        return OK if who in OWN else NOT_FOUND if who == "other_officer" else FORBIDDEN
    if route == "api:read_legal":  # an MPS registrant's legal record: another force opens the full record first
        return OK if who in OWN else FORBIDDEN if who == "other_officer" else NOT_FOUND
    if route == "api:get_case":  # an MPS case: another force opens the full record (with a reason) first
        return OK if who in OWN else FORBIDDEN if who == "other_officer" else NOT_FOUND
    if route == "api:management_show":  # an MPS registrant's management: own force's workers
        return OK if who in OWN else FORBIDDEN
    if route == "api:overdue_list":
        return OK if who in WRITERS | {"other_officer"} else FORBIDDEN
    if route in ("api:caseload_list", "api:capacity_show"):
        return OK if who in {"supervisor", "force_admin", "national_admin"} else FORBIDDEN
    if route == "api:report_rollup":  # national users only (the personas with a force are refused)
        return OK if who == "national_admin" else FORBIDDEN
    if route in REPORT_ROUTES:  # published statistics: no personal data
        return OK if who in REPORTERS else FORBIDDEN
    raise AssertionError(route)


REPORTERS = {"analyst", "foi_officer", "supervisor", "national_admin"}
REPORT_ROUTES = {"api:report_missing", "api:report_abroad", "api:report_registrants", "api:report_cases",
                 "api:report_series", "api:report_management", "api:report_breaches", "api:report_duties",
                 "api:report_visits", "api:report_overdue", "api:report_caseloads"}


WEB_ROUTES = {
    "access:login", "access:logout", "home:health", "home:dashboard", "home:rules",
    "identity:people", "identity:duplicates", "identity:merge", "identity:unmerge", "identity:proposals",
    "register:person_create", "register:person", "register:notification_create",
    "register:name_record", "register:address_record", "register:identity_update",
    "register:transfer_start", "register:transfers", "register:transfer_accept", "register:transfer_refuse",
    "register:prescribed_record", "register:prescribed_end", "register:prescribed_error",
    "register:disposal_record", "register:detention_record", "register:detention_release", "register:order_record",
    "register:order_update", "register:review_apply", "register:review_decide", "register:review_appeal",
    "register:removal_record",
    "access:two_factor", "access:two_factor_setup", "audit:search", "audit:export", "audit:verify", "audit:event",
    "access:accounts", "access:account",
    "access:invite", "access:invitation", *ADMIN_POSTS,
    "register:partners", "register:partner", "register:partner_end",
    "casework:tasks", "casework:queue", "casework:task", "casework:task_assign", "casework:overdue",
    "casework:sla", "casework:playbook", "casework:cases", "casework:case", "casework:action", "casework:event",
    "reports:statistics", "reports:cases", "reports:foi", "reports:national", "reports:download",
    "reports:management", "reports:duties",
    "management:person", "management:visit", "management:overdue", "management:caseload", "management:capacity",
    "management:risk_level", "management:assessment", "management:mappa", "management:mode", "management:manager",
    "management:intelligence", "management:policy",
    "register:trip_create", "register:trip_update", "register:trip_return", "register:trip_cancel",
    "register:stay_create", "register:stay_end", "register:address_end", "register:advance_notice_create",
    "register:travelling_now",
} | tracing_policy.WEB
API_ROUTES = {
    "api:openapi-json", "api:openapi-view", "api:list_people", "api:create_person", "api:get_person",
    "api:record_notification", "api:record_name", "api:record_address", "api:correct_identity",
    "api:list_events", "api:api-root",
    "api:list_tasks", "api:get_task", "api:complete_task", "api:assign_task", "api:list_breaches",
    "api:list_sla_breaches", "api:list_cases", "api:get_case", "api:transition_case", "api:close_case",
    "api:reopen_case", "api:record_action",
    "api:report_missing", "api:report_abroad", "api:report_registrants", "api:report_cases", "api:report_series",
    "api:report_rollup", "api:report_breaches", "api:report_duties",
    "api:search_people_api", "api:list_duplicates", "api:merge_records", "api:undo_merge",
    "api:list_merge_proposals", "api:propose_merge_api", "api:approve_merge_api", "api:decline_merge_api",
    "api:management_show", "api:management_write", "api:visit_create", "api:overdue_list", "api:caseload_list",
    "api:capacity_show", "api:policy_update", "api:report_management", "api:reveal_personal",
    "api:report_visits", "api:report_overdue", "api:report_caseloads",
    "api:get_travel", "api:record_trip", "api:update_trip", "api:record_return", "api:cancel_trip",
    "api:record_stay", "api:end_stay", "api:end_address", "api:record_advance_notice", "api:get_travelling_now",
    "api:start_transfer", "api:list_transfers", "api:accept_transfer", "api:refuse_transfer",
    "api:record_identity_document", "api:record_bank_account", "api:record_payment_card",
    "api:record_relevant_household", "api:end_item", "api:item_entered_in_error", "api:list_items",
    "api:record_disposal", "api:record_detention", "api:record_release", "api:record_order", "api:record_review",
    "api:record_review_decision", "api:record_review_appeal", "api:record_removal", "api:read_legal",
    "api:update_order",
    "api:list_users", "api:get_user", "api:invite_user", "api:renew_invitation", "api:change_user_role",
    "api:set_user_active", "api:unlock_user", "api:revoke_user_token", "api:make_user_token",
    "api:reset_user_two_factor",
    "api:list_partners", "api:list_partner_assignments", "api:assign_partner", "api:end_partner_assignment",
    "api:get_playbook", "api:save_playbook", "api:preview_playbook",
} | tracing_policy.API


def _routes() -> dict[str, str]:
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                found.setdefault(f"{namespace}:{p.name}", prefix + str(p.pattern))

    walk(get_resolver(), "/", None)
    return found


def test_every_route_has_a_row_in_the_policy():
    assert set(_routes()) == WEB_ROUTES | API_ROUTES


def _classify(response: Any, ni_number: str) -> str:
    code = response.status_code
    if code == 200:
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        if response.get("Content-Type", "").startswith("application/json"):
            data = json.loads(body)
            access = data.get("access") if isinstance(data, dict) else None  # a list answers OK
            return {"full": FULL, "limited": LIMITED}.get(access, OK)
        if ni_number in body:
            return FULL
        if "Record why you need the full record" in body:
            return LIMITED
        return OK
    if code in (302, 301):
        location = response["Location"]
        if location == "/":
            return HOME
        if "/sign-in" in location and "two-factor" not in location:
            return SIGN_IN
        return TO_REASON if "/people/" in location else f"redirect {location}"
    return {401: SIGN_IN, 403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(code, f"status {code}")


def _path(template: str, person: Any) -> str:
    path = template.replace("<uuid:person_id>", str(person.pk)).replace("<person_id>", str(person.pk))
    for name, value in getattr(person, "walk_ids", {}).items():
        path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return path.replace("<slug:figure>.<slug:fmt>", "missing.csv").replace("<seq>", "1")


@pytest.mark.parametrize("who", PERSONAS)
def test_every_web_page_as_every_persona(world, who):
    person, users = world
    routes = _routes()
    answers = {}
    for route in sorted(WEB_ROUTES):
        client = Client()  # a fresh session each time: no message from one page leaks into the next
        if who != "anonymous":
            verified_login(client, users[who])
        answers[route] = _classify(client.get(_path(routes[route], person)), person.ni_number)
    expected = {r: _web(r, who) for r in sorted(WEB_ROUTES)}
    assert answers == expected


@pytest.mark.parametrize("who", PERSONAS)
def test_every_api_route_as_every_persona(world, who):
    person, users = world
    routes = _routes()
    headers = {}
    if who != "anonymous":
        raw, _ = token_create(users[who].username)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    client = Client(**headers)
    checked = sorted(API_ROUTES - {"api:create_person", "api:api-root"})  # share a path with list_people / none
    answers = {r: _classify(client.get(_path(routes[r], person)), person.ni_number) for r in checked}
    expected = {r: _api(r, who) for r in checked}
    assert answers == expected
