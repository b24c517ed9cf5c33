"""Schemathesis generates requests from /api/v1/openapi.json, valid and invalid, signed in and not, and runs every
check it has (the Python equivalent of ``schemathesis run --checks all``): no server error, every status and body
as documented, every request the schema allows accepted and every one it forbids refused, auth enforced."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
SIGNED_IN: dict[str, str] = {}  # the current test's token (each test makes its own, inside its transaction)

# Operations where a request the schema allows may still be refused (400), because the rule checks fields together,
# against stored records or against the clock, which JSON Schema cannot say: every other operation must accept any
# request its schema allows. Each rule is in the operation's description and has its own test.
DOMAIN_RULES = {
    "POST /api/v1/people": "dates in order, age at disposal, PNC check character, NI prefixes, postcode",
    "POST /api/v1/people/{person_id}/notifications": "received_at not in the future; change and changed_on together, "
                                                     "only on a change notification, not after received_at; given "
                                                     "only on initial, change and periodic; a real postcode and NI",
    "POST /api/v1/people/{person_id}/identity-documents": "dates in order, not in the future; a 2-letter country; "
                                                          "the document number's characters; the same item once",
    "POST /api/v1/people/{person_id}/bank-accounts": "a 6-digit sort code, a 6 to 8 digit account number; dates",
    "POST /api/v1/people/{person_id}/payment-cards": "12 to 19 digits passing the Luhn check; dates in order",
    "POST /api/v1/people/{person_id}/relevant-households": "a real UK postcode; periods and dates in order",
    "POST /api/v1/people/{person_id}/prescribed/{item_id}/end": "an item of this person's, not already ended, not "
                                                                 "before it began",
    "POST /api/v1/people/{person_id}/prescribed/{item_id}/entered-in-error": "an item of this person's, not already "
                                                                              "recorded as entered in error",
    "POST /api/v1/people/{person_id}/names": "valid_from not in the future",
    "POST /api/v1/people/{person_id}/addresses": "a real UK postcode; valid_from not in the future",
    "PATCH /api/v1/people/{person_id}/identity": "a correction must change something (against the stored record)",
    "GET /api/v1/people": "each search term read by its own rule (dates of birth, postcodes, NI, PNC, forces)",
    "GET /api/v1/people/search": "as GET /api/v1/people",
    "GET /api/v1/people/{person_id}": "a reason is words: at least 10 letters of 5 kinds",
    "GET /api/v1/people/duplicates": "the force code must be a force",
    "POST /api/v1/people/merge": "the survivor and the merged record must differ",
    "GET /api/v1/reports/missing": "rounding not above the threshold; a force must exist; by names a breakdown",
    "GET /api/v1/reports/abroad": "as GET /api/v1/reports/missing",
    "GET /api/v1/reports/registrants": "as GET /api/v1/reports/missing",
    "GET /api/v1/reports/management": "as GET /api/v1/reports/missing",
    "GET /api/v1/reports/cases": "as GET /api/v1/reports/missing; the period's first day not after its last",
    "GET /api/v1/reports/series": "as GET /api/v1/reports/missing",
    "GET /api/v1/reports/rollup": "rounding not above the threshold",
    "GET /api/v1/reports/duties": "as GET /api/v1/reports/missing",
    "GET /api/v1/reports/breaches": "as GET /api/v1/reports/cases",
    "GET /api/v1/reports/visits": "as GET /api/v1/reports/missing",
    "GET /api/v1/reports/overdue": "as GET /api/v1/reports/missing",
    "GET /api/v1/reports/caseloads": "as GET /api/v1/reports/missing",
    "POST /api/v1/management/policy": "the body is the service's fields (docs/management.md), checked together",
    "POST /api/v1/people/{person_id}/management/{what}": "as POST /api/v1/management/policy",
    "POST /api/v1/people/{person_id}/visits": "as POST /api/v1/management/policy",
    "POST /api/v1/tracing/leads/{lead_id}/decision": "a reason is required to reject or ask for more",
    "POST /api/v1/duplicates/scans": "the force code must be a force (and the caller's own, or ALL for national "
                                     "administrators)",
    "POST /api/v1/tracing/models": "the source must have a saved model and at least 10 accepted decisions",
    "POST /api/v1/people/{person_id}/trips": "real countries outside the UK; return not before departure; no overlap",
    "POST /api/v1/people/{person_id}/trips/{number}": "as POST .../trips, and the trip must exist and change",
    "POST /api/v1/people/{person_id}/trips/{number}/return": "the trip must exist; not in the future; a change",
    "POST /api/v1/people/{person_id}/trips/{number}/cancel": "the trip must exist and not be cancelled already",
    "POST /api/v1/people/{person_id}/stays": "a real UK postcode; dates in order, not in the future",
    "POST /api/v1/people/{person_id}/stays/{stay_id}/end": "the stay must exist and be open; end not before start",
    "POST /api/v1/people/{person_id}/addresses/{address_id}/end": "another address, still open; ends after it starts",
    "POST /api/v1/people/{person_id}/advance-notices": "expected not before the notice; not already recorded",
    "POST /api/v1/people/{person_id}/transfers": "a force that exists and is not the owner; move_date not in the "
                                                 "future and after ownership began; one transfer at a time",
    "POST /api/v1/transfers/{transfer_id}/accept": "only the receiving force; a transfer already decided is refused",
    "POST /api/v1/transfers/{transfer_id}/refuse": "as POST /api/v1/transfers/{transfer_id}/accept",
    # the legal record (register.legal): dates in order and not after death, against the stored record
    "POST /api/v1/people/{person_id}/disposals": "age of criminal responsibility; months for imprisonment",
    "POST /api/v1/people/{person_id}/detentions": "basis by kind; no overlapping custody; licence after release",
    "POST /api/v1/people/{person_id}/detentions/{detention_id}/release": "a period of this registrant, ended once",
    "POST /api/v1/people/{person_id}/orders": "travel prohibition: countries, at most 5 years, surrender station",
    "POST /api/v1/people/{person_id}/orders/{order_id}": "an order of this registrant; nothing overwritten",
    "POST /api/v1/people/{person_id}/reviews": "one application at a time, after the first disposal",
    "POST /api/v1/people/{person_id}/reviews/{review_id}/decision": "a review of this registrant, decided once",
    "POST /api/v1/people/{person_id}/reviews/{review_id}/appeal": "only against a refusal, after the decision",
    "POST /api/v1/people/{person_id}/removals": "follows from the record: not subject that day, for that reason",
    "POST /api/v1/playbook": "a change must change something (against the stored playbook)",
    "POST /api/v1/users/invitations": "the username must be free; the role and force ones the administrator gives",
    "POST /api/v1/users/{user_id}/role": "as POST /api/v1/users/invitations; a change must change something",
    "POST /api/v1/users/{user_id}/active": "a change must change something; never the administrator's own",
    "POST /api/v1/users/{user_id}/unlock": "the account must be locked out now",
    "POST /api/v1/users/{user_id}/invitation": "the account must not have set its password",
    "POST /api/v1/users/{user_id}/tokens/{token_id}/revoke": "the token must not be revoked already",
    "POST /api/v1/users/{user_id}/tokens": "the account must be active (not invited or deactivated)",
    "POST /api/v1/users/{user_id}/two-factor/reset": "a reason is words; the account must have an authenticator",
    "POST /api/v1/partners/{user_id}/assign": "not assigned already; an active partner; a registrant of the force",
    "POST /api/v1/partners/{user_id}/assignments/{assignment_id}/end": "not ended already; not before it began",
    # rules against a stored task or proposal: a generated id names one only when earlier tests in the same worker
    # made that many (ids are not reset between tests), so without these the run passes or not with the test order
    "POST /api/v1/tasks/{task_id}/assign": "the assignee must be an active officer of the task's force",
    "POST /api/v1/tasks/{task_id}/complete": "an outcome the task's kind takes; a review's decision and a case's "
                                             "steps are recorded where they belong",
    "POST /api/v1/people/merges/proposals": "one proposal for a pair at a time",
    "POST /api/v1/people/merges/proposals/{proposal_id}/approve": "the proposal must be waiting, its records "
                                                                   "unchanged since it was made",
    "POST /api/v1/people/merges/proposals/{proposal_id}/decline": "as .../approve",
}


@schema.auth(refresh_interval=None)
class BearerToken:
    def get(self, case, context):
        return SIGNED_IN.get("token")

    def set(self, case, data, context):
        if data:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def keep_connection():
    """The raw WSGI app closes the database connection when a request finishes, as in production; inside a
    test transaction that would close the test's own connection (Django's test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(officer, make_doc, frozen, keep_connection):
    from tether.access.services import token_create
    from tether.register.services import person_create

    person_create(officer, make_doc())
    raw, _ = token_create(officer.username)
    SIGNED_IN["token"] = raw
    yield raw
    SIGNED_IN.clear()


def _excluded(case):
    return [positive_data_acceptance] if case.operation.label in DOMAIN_RULES else []


# The coverage phase (schemathesis's boundary and invalid values for every parameter, about 3,000 requests) does the
# bulk of the work; a few generated requests per operation follow it.
@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@pytest.mark.django_db
def test_api_keeps_its_contract(case, token):
    case.call_and_validate(excluded_checks=_excluded(case))


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@pytest.mark.django_db
def test_api_without_a_token_answers_401_as_documented(case, keep_connection):
    case.call_and_validate(excluded_checks=_excluded(case))
