"""Every role question Tether asks, in one module.

Services, selectors, pages, the API and the CLI ask these questions by name; no other module compares roles
(``tether/access/tests/test_permissions.py`` fails on a role comparison written anywhere else). Each function
takes an ``Actor``: the signed-in user, a token's user or a command's ``--as`` user, or ``None``/an anonymous user
(who may do nothing).

Who may do what (the README's "Who sees what" table in code):

- officers, supervisors and force administrators ("workers"): their own force's full records, the national index
  for other forces (a recorded reason opens a full record for a while); they record notifications and changes,
  add registrants, work tasks and cases;
- supervisors also approve media appeals, see who viewed their force's records and see their force's statistics;
  supervisors and administrators see and assign the unit queue; administrators edit the playbook;
- national administrators: every record, national statistics, the audit trail, the national roll-up;
- partners: only the registrants assigned to them;
- analysts and FOI officers: aggregate figures only (national when they belong to no force);
- auditors: the audit trail only.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from .constants import Role

__all__ = [
    "Actor",
    "Role",
    "approves_media",
    "assigns_partners",
    "can_assess_risk",
    "can_assign_caseload",
    "can_assign_partner",
    "can_assign_tasks",
    "can_correct_register_entry",
    "can_decide_management_mode",
    "can_decide_transfer",
    "can_edit_playbook",
    "can_explore_rules",
    "can_grant",
    "can_import_returns",
    "can_manage_accounts",
    "can_manage_partner_sources",
    "can_manage_user",
    "can_merge_records",
    "can_record_visits",
    "can_reset_two_factor",
    "can_reveal_audit_personal",
    "can_review_duplicates",
    "can_run_linkage",
    "can_search_audit",
    "can_search_register",
    "can_see_audit_event",
    "can_see_caseload",
    "can_see_management",
    "can_see_personal_data",
    "can_see_statistics",
    "can_see_viewers",
    "can_set_visit_policy",
    "can_start_transfer",
    "can_work_leads",
    "can_write_register",
    "full_access_by_role",
    "grantable_roles",
    "has_caseload",
    "is_known_role",
    "is_national_admin",
    "is_partner",
    "is_worker",
    "needs_two_factor",
    "partner_roles",
    "reads_audit_api",
    "role_needs_force",
    "role_takes_no_force",
    "role_unchanged",
    "sees_in_transit",
    "sees_national_statistics",
    "sees_partner_source",
    "takes_unassigned_tasks",
    "worker_roles",
]


@runtime_checkable
class Actor(Protocol):
    """Who is acting: what the permission questions read of a user."""

    is_authenticated: bool
    role: str
    force_id: int | None


# Roles that may see personal data at all (analysts, FOI officers and auditors see aggregates / the audit only).
PERSONAL_DATA_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.FORCE_ADMIN, Role.NATIONAL_ADMIN, Role.PARTNER})
# Roles that record notifications, create registrants and work tasks and cases.
WORKER_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.FORCE_ADMIN, Role.NATIONAL_ADMIN})
# Roles that must give a TOTP code at sign-in: everyone who sees personal data, and auditors (the audit trail holds
# search terms, reasons and record references).
TWO_FACTOR_ROLES = PERSONAL_DATA_ROLES | {Role.AUDITOR}
QUEUE_ROLES = frozenset({Role.SUPERVISOR, Role.FORCE_ADMIN, Role.NATIONAL_ADMIN})
PLAYBOOK_EDITORS = frozenset({Role.FORCE_ADMIN, Role.NATIONAL_ADMIN})
MEDIA_APPROVER_ROLES = frozenset({Role.SUPERVISOR})
PARTNER_ASSIGNERS = frozenset({Role.FORCE_ADMIN, Role.SUPERVISOR, Role.NATIONAL_ADMIN})
AUDIT_SEARCH_ROLES = frozenset({Role.AUDITOR, Role.NATIONAL_ADMIN})
REPORT_ROLES = frozenset({Role.ANALYST, Role.FOI_OFFICER, Role.SUPERVISOR, Role.NATIONAL_ADMIN})
NATIONAL_WHEN_FORCELESS = frozenset({Role.ANALYST, Role.FOI_OFFICER})
# Roles that review likely duplicate records and merge two records of one person.
MERGE_ROLES = frozenset({Role.SUPERVISOR, Role.FORCE_ADMIN, Role.NATIONAL_ADMIN})
# Roles that see the accounts pages and reset two-factor sign-in (their own force's accounts; national: anyone's).
ACCOUNT_MANAGERS = frozenset({Role.FORCE_ADMIN, Role.NATIONAL_ADMIN})
MODE_DECIDERS = frozenset({Role.SUPERVISOR})  # active or reactive management: a supervisor's decision


def _role(actor: Any) -> str | None:
    """The actor's role when signed in, else None (anonymous users and ``None`` may do nothing)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    role = getattr(actor, "role", None)
    return str(role) if role is not None else None


def role_unchanged(issued_role: str, actor: Any) -> bool:
    """A token works only while its user keeps the role it was issued for."""
    return bool(issued_role) and getattr(actor, "role", None) == issued_role


def partner_roles() -> frozenset[str]:
    """The roles of partner-agency users (for queries: who can be assigned to registrants)."""
    return frozenset({Role.PARTNER})


def worker_roles() -> frozenset[str]:
    """The roles that work the register (for queries: who can be assigned a task)."""
    return WORKER_ROLES


# --- personal data and the register --------------------------------------------------------------------------


def can_see_personal_data(actor: Any) -> bool:
    return _role(actor) in PERSONAL_DATA_ROLES


def can_search_register(actor: Any) -> bool:
    """The register search and the national index: everyone who sees personal data but partners (they have their
    assigned list only)."""
    return can_see_personal_data(actor) and not is_partner(actor)


can_see_caseload = can_search_register  # the dashboard's caseload counts: the same people


def is_worker(actor: Any) -> bool:
    """Officers, supervisors and administrators: they record notifications, add registrants and work tasks and
    cases (the services check again)."""
    return _role(actor) in WORKER_ROLES


can_write_register = is_worker

# Roles that correct what was entered in error (a prescribed item that never was): the officers and supervisors who
# record it, and the administrators who work the register with them.
CORRECTION_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.FORCE_ADMIN, Role.NATIONAL_ADMIN})


def can_correct_register_entry(actor: Any) -> bool:
    """Record that an entry was made in error (it stays on the record, marked, with the reason): officers and
    supervisors, and administrators (the services also need the full record)."""
    return _role(actor) in CORRECTION_ROLES


def is_partner(actor: Any) -> bool:
    return _role(actor) in partner_roles()


def is_national_admin(actor: Any) -> bool:
    return _role(actor) == Role.NATIONAL_ADMIN


def full_access_by_role(actor: Any, force_id: int | None) -> bool:
    """Full access to a force's records without a grant: national administrators everywhere, anyone else for their
    own force's registrants. Partners are scoped by assignment instead."""
    return is_national_admin(actor) or (
        getattr(actor, "force_id", None) is not None and getattr(actor, "force_id", None) == force_id
    )


def acts_for_force(actor: Any, force_id: int | None) -> bool:
    """Whether the actor may change another force's work (a case, a task): national administrators only."""
    return full_access_by_role(actor, force_id)


def assigns_partners(actor: Any) -> bool:
    return _role(actor) in PARTNER_ASSIGNERS


def sees_partner_assignments(actor: Any, force_id: int | None) -> bool:
    """Whether a registrant's page shows which partner-agency users may see them: those who assign partners to
    that force's registrants (its supervisors and force administrators; national administrators)."""
    return assigns_partners(actor) and full_access_by_role(actor, force_id)


def can_assign_partner(actor: Any, partner: Any) -> bool:
    """Assign (or end) a partner-agency user's access to registrants: supervisors and force administrators for
    their own force's partner users, national administrators for anyone's; the user must be a partner."""
    if not assigns_partners(actor) or not is_partner(partner):
        return False
    own = getattr(actor, "force_id", None)
    return is_national_admin(actor) or (own is not None and own == getattr(partner, "force_id", None))


def can_explore_rules(actor: Any) -> bool:
    """The rules explorer holds no personal data (facts are typed in), so analysts have it too."""
    return can_see_personal_data(actor) or _role(actor) == Role.ANALYST


def can_reset_two_factor(actor: Any, user: Any) -> bool:
    """A lost phone: a force administrator resets their own force's accounts, a national administrator anyone's."""
    if is_national_admin(actor):
        return True
    return _role(actor) == Role.FORCE_ADMIN and getattr(actor, "force_id", None) is not None and (
        actor.force_id == getattr(user, "force_id", None))


def can_manage_accounts(actor: Any) -> bool:
    """The accounts pages (a lost phone's two-factor reset): force administrators see their own force's accounts,
    national administrators everyone's; which account each may reset is ``can_reset_two_factor``."""
    return _role(actor) in ACCOUNT_MANAGERS


# Roles a force administrator may give (within their own force): every role that belongs to a force. National
# administrators and auditors are national accounts that only a national administrator creates.
FORCE_GRANTABLE = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.FOI_OFFICER, Role.FORCE_ADMIN,
                             Role.PARTNER})
# Roles that always belong to a force (their records and work are a force's) and roles that never do.
FORCE_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.FORCE_ADMIN, Role.PARTNER})
FORCELESS_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.AUDITOR})


def can_manage_user(actor: Any, user: Any) -> bool:
    """Administer one account (role, force, deactivation, lockout, tokens, two-factor): a force administrator for
    their own force's accounts, a national administrator for anyone's."""
    return can_reset_two_factor(actor, user)


def grantable_roles(actor: Any) -> frozenset[str]:
    """The roles the actor may give an account: a national administrator any, a force administrator the roles of a
    force; nobody else any."""
    if is_national_admin(actor):
        return frozenset(Role.values)
    if _role(actor) == Role.FORCE_ADMIN:
        return FORCE_GRANTABLE
    return frozenset()


def can_grant(actor: Any, role: str, force_id: int | None) -> bool:
    """Whether the actor may give an account ``role`` in force ``force_id`` (None: national): a national
    administrator anything, a force administrator a force role in their own force only."""
    if is_national_admin(actor):
        return True
    own = getattr(actor, "force_id", None)
    return role in grantable_roles(actor) and own is not None and force_id == own


def is_known_role(value: Any) -> bool:
    """Whether ``value`` names one of Tether's roles."""
    return isinstance(value, str) and value in Role.values


def role_needs_force(role: str) -> bool:
    """Officers, supervisors, force administrators and partners always belong to a force."""
    return role in FORCE_ROLES


def role_takes_no_force(role: str) -> bool:
    """National administrators and auditors belong to no force."""
    return role in FORCELESS_ROLES


def has_caseload(actor: Any) -> bool:
    """Offender managers manage a caseload of their own; other workers oversee the force's register."""
    return _role(actor) == Role.OFFICER


def needs_two_factor(actor: Any) -> bool:
    return getattr(actor, "role", None) in TWO_FACTOR_ROLES


# --- identity: duplicates and merges --------------------------------------------------------------------------


def can_review_duplicates(actor: Any) -> bool:
    """Likely duplicate pairs: supervisors and force administrators (their force), national administrators."""
    return _role(actor) in MERGE_ROLES


def can_merge_records(actor: Any, survivor_force_id: int | None, merged_force_id: int | None) -> bool:
    """Merging two records of one person: a supervisor or force administrator when both records are their force's;
    across forces, a national administrator (who may merge any two)."""
    if is_national_admin(actor):
        return True
    own = getattr(actor, "force_id", None)
    return _role(actor) in MERGE_ROLES and own is not None and survivor_force_id == own and merged_force_id == own



def can_propose_merge(actor: Any, survivor_force_id: int | None, merged_force_id: int | None) -> bool:
    """Proposing a merge across forces (the other force's supervisors approve it): a supervisor or force
    administrator of one of the two records' forces."""
    own = getattr(actor, "force_id", None)
    return (_role(actor) in MERGE_ROLES and not is_national_admin(actor) and own is not None
            and survivor_force_id != merged_force_id and own in (survivor_force_id, merged_force_id))


def can_approve_merge(actor: Any, proposer_force_id: int | None, other_force_id: int | None) -> bool:
    """Approving a proposed merge across forces: a supervisor or force administrator of the other force (never the
    proposing force's), or a national administrator."""
    if is_national_admin(actor):
        return True
    own = getattr(actor, "force_id", None)
    return _role(actor) in MERGE_ROLES and own is not None and own == other_force_id and own != proposer_force_id


def can_decline_merge(actor: Any, proposer_force_id: int | None, other_force_id: int | None) -> bool:
    """Declining (the other force) or withdrawing (the proposing force) a proposed merge: a supervisor or force
    administrator of either force, or a national administrator."""
    if is_national_admin(actor):
        return True
    own = getattr(actor, "force_id", None)
    return _role(actor) in MERGE_ROLES and own is not None and own in (proposer_force_id, other_force_id)

# --- tasks, cases, playbook ------------------------------------------------------------------------------------


def can_assign_tasks(actor: Any) -> bool:
    """The unit queue: supervisors and administrators see it and assign its tasks."""
    return _role(actor) in QUEUE_ROLES


def takes_unassigned_tasks(actor: Any) -> bool:
    """Officers may take an unassigned task for themselves (and only that)."""
    return _role(actor) == Role.OFFICER


def can_edit_playbook(actor: Any) -> bool:
    return _role(actor) in PLAYBOOK_EDITORS


def edits_every_playbook(actor: Any) -> bool:
    return is_national_admin(actor)


def approves_media(actor: Any) -> bool:
    return _role(actor) in MEDIA_APPROVER_ROLES


# --- statistics -----------------------------------------------------------------------------------------------


def can_see_statistics(actor: Any) -> bool:
    return _role(actor) in REPORT_ROLES


def sees_national_statistics(actor: Any) -> bool:
    """National figures: national administrators, and analysts and FOI officers who belong to no force."""
    role = _role(actor)
    return role == Role.NATIONAL_ADMIN or (role in NATIONAL_WHEN_FORCELESS and getattr(actor, "force_id", 1) is None)


def can_import_returns(actor: Any) -> bool:
    """Per-force returns for the national roll-up: national administrators only."""
    return is_national_admin(actor)


# --- the audit trail ------------------------------------------------------------------------------------------


def can_search_audit(actor: Any) -> bool:
    return _role(actor) in AUDIT_SEARCH_ROLES


def reads_audit_api(actor: Any) -> bool:
    return _role(actor) == Role.AUDITOR


def can_reveal_audit_personal(actor: Any, force_code: str) -> bool:
    """The personal values an audit event holds: national administrators, and supervisors for events of their own
    force. Never auditors: the audit trail must not become a way to read personal data."""
    if is_national_admin(actor):
        return True
    own = getattr(actor, "force_code", "") or ""
    return _role(actor) == Role.SUPERVISOR and bool(own) and own == force_code


def can_see_audit_event(actor: Any, force_code: str) -> bool:
    """One audit event's page: the audit roles (auditors see it with the personal values withheld), and whoever
    may reveal its personal values (supervisors for their own force's events)."""
    return can_search_audit(actor) or can_reveal_audit_personal(actor, force_code)


def can_see_viewers(actor: Any, force_id: int | None) -> bool:
    """"Who viewed this record": the audit roles everywhere, supervisors for their own force's records."""
    if can_search_audit(actor):
        return True
    return bool(
        _role(actor) == Role.SUPERVISOR and getattr(actor, "force_id", None) is not None
        and actor.force_id == force_id
    )


# --- risk-led management (tether.management) -------------------------------------------------------------------


def can_assess_risk(actor: Any) -> bool:
    """Record assessments, the risk level, MAPPA, home visits and intelligence: the workers (the services also need
    the full record)."""
    return is_worker(actor)


can_record_visits = can_assess_risk


def can_see_management(actor: Any) -> bool:
    """The management facts and duties of a registrant (on a record the actor sees in full)."""
    return is_worker(actor)


def can_decide_management_mode(actor: Any) -> bool:
    """Active or reactive management (and an individual plan) is a supervisor's decision."""
    return _role(actor) in MODE_DECIDERS


def can_assign_caseload(actor: Any) -> bool:
    """Assign, reassign and hand over offender managers; the caseload and capacity pages: supervisors and
    administrators (the unit queue's roles)."""
    return _role(actor) in QUEUE_ROLES


def can_set_visit_policy(actor: Any) -> bool:
    """A force's visit policy, caseload benchmark and capacity settings: the playbook's editors."""
    return _role(actor) in PLAYBOOK_EDITORS
# --- tracing (partner extracts and leads) ---------------------------------------------------------------------

PARTNER_SOURCE_MANAGERS = frozenset({Role.FORCE_ADMIN, Role.NATIONAL_ADMIN})


def can_manage_partner_sources(actor: Any) -> bool:
    """Record partner sources and load their extracts: force and national administrators."""
    return _role(actor) in PARTNER_SOURCE_MANAGERS


def can_run_linkage(actor: Any) -> bool:
    """Link a source's extract against the register: the workers (officers, supervisors, administrators)."""
    return is_worker(actor)


def can_work_leads(actor: Any) -> bool:
    """See and decide tracing leads (partner data): the workers; partners, analysts and auditors never."""
    return is_worker(actor)


def sees_partner_source(actor: Any, force_ids: frozenset[int] | set[int]) -> bool:
    """A source's data is shown only to the forces it serves (national administrators: every source)."""
    if is_national_admin(actor):
        return True
    force_id = getattr(actor, "force_id", None)
    return is_worker(actor) and force_id is not None and force_id in force_ids


# --- transfers between forces (tether.register.transfers) --------------------------------------------------------


def can_start_transfer(actor: Any, from_force_id: int | None, to_force_id: int | None) -> bool:
    """Starting a transfer: a worker of the owning force, or of the receiving force (the registrant notified the
    move at one of its stations, s.87(2), and it opened the full record), or a national administrator."""
    return is_worker(actor) and (full_access_by_role(actor, from_force_id) or full_access_by_role(actor, to_force_id))


def can_decide_transfer(actor: Any, to_force_id: int | None) -> bool:
    """Accepting or refusing a transfer: a worker of the receiving force, or a national administrator."""
    return is_worker(actor) and full_access_by_role(actor, to_force_id)


def sees_in_transit(actor: Any, to_force_id: int | None) -> bool:
    """While a transfer is undecided the receiving force sees the full record too (as the owning force does)."""
    return can_see_personal_data(actor) and not is_partner(actor) and full_access_by_role(actor, to_force_id)
