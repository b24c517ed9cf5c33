"""Choices of the management records (the rule values themselves live in the pure ``rules`` module)."""

from __future__ import annotations

from django.db import models

from . import rules


class RiskLevel(models.TextChoices):
    VERY_HIGH = rules.VERY_HIGH, "Very high"
    HIGH = rules.HIGH, "High"
    MEDIUM = rules.MEDIUM, "Medium"
    LOW = rules.LOW, "Low"


class Tool(models.TextChoices):
    ARMS = "arms", "ARMS"
    RM2000_S = "rm2000_s", "Risk Matrix 2000/S"
    RM2000_V = "rm2000_v", "Risk Matrix 2000/V"
    RM2000_C = "rm2000_c", "Risk Matrix 2000/C"
    OASYS_ROSH = "oasys_rosh", "OASys Risk of Serious Harm (probation)"


class LevelSource(models.TextChoices):
    ARMS = "arms", "ARMS-informed assessment"
    RM2000 = "rm2000", "Risk Matrix 2000 category"
    OASYS = "oasys", "OASys RoSH (probation)"
    REVIEW = "review", "Supervisor review"
    IMPORT = "import", "Imported record"


class MappaCategory(models.TextChoices):
    ONE = "1", "Category 1: registered sexual offender"
    TWO = "2", "Category 2: violent and other sexual offenders"
    THREE = "3", "Category 3: other dangerous offenders"


class MappaLevel(models.TextChoices):
    ONE = "1", "Level 1: ordinary agency management"
    TWO = "2", "Level 2: active multi-agency management"
    THREE = "3", "Level 3: senior multi-agency management"


class LeadAgency(models.TextChoices):
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    YOUTH_OFFENDING = "yot", "Youth offending team"


class Mode(models.TextChoices):
    ACTIVE = rules.ACTIVE, "Active management"
    REACTIVE = rules.REACTIVE, "Reactive management"


class VisitOutcome(models.TextChoices):
    SEEN = "seen", "Seen at the address"
    NOT_AT_ADDRESS = "not_at_address", "Not at the address (lives there)"
    REFUSED = "refused_access", "Refused access"
    NO_LONGER_LIVES = "no_longer_lives", "No longer lives there"
    NOT_FOUND = "not_found", "Not found: whereabouts unknown"


# Outcomes that flow into casework (a task, a missing case, per the force's playbook).
CASEWORK_OUTCOMES = frozenset({VisitOutcome.NO_LONGER_LIVES, VisitOutcome.NOT_FOUND})


class VisitPolicyKind(models.TextChoices):
    FIXED = rules.FIXED, rules.POLICY_LABELS[rules.FIXED]
    INDIVIDUAL = rules.INDIVIDUAL, rules.POLICY_LABELS[rules.INDIVIDUAL]
