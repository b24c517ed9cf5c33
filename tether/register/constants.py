"""Choices and fixed values of the person aggregate."""

from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    UNKNOWN = "unknown", "Not known"


class NameKind(models.TextChoices):
    BIRTH = "birth", "Birth name"
    CURRENT = "current", "Current name"
    ALIAS = "alias", "Alias"


class AddressKind(models.TextChoices):
    HOME = "home", "Home address"
    OTHER = "other", "Other regular address"
    NFA = "nfa", "No fixed abode (where they can regularly be found)"


REFERENCE_PREFIX = "TTH-"


class DisposalKind(models.TextChoices):
    IMPRISONMENT = "imprisonment", "Imprisonment"
    LIFE = "life", "Imprisonment for life"
    IPP = "ipp", "Imprisonment for public protection"
    HOSPITAL_ORDER = "hospital_order", "Hospital order"
    HOSPITAL_ORDER_RESTRICTED = "hospital_order_restricted", "Hospital order with restriction order"
    CAUTION = "caution", "Caution"
    CONDITIONAL_DISCHARGE = "conditional_discharge", "Conditional discharge"
    OTHER = "other", "Other disposal (fine, community order)"


MONTHS_REQUIRED = frozenset({DisposalKind.IMPRISONMENT, DisposalKind.CONDITIONAL_DISCHARGE})


class DetentionKind(models.TextChoices):
    CUSTODY = "custody", "In custody"
    HOSPITAL = "hospital", "Detained in hospital"
    ABROAD = "abroad", "Outside the UK"


class NotificationKind(models.TextChoices):
    INITIAL = "initial", "Initial (s.83)"
    CHANGE = "change", "Change (s.84)"
    PERIODIC = "periodic", "Periodic (s.85)"
    TRAVEL = "travel", "Travel (s.86)"
    PRESCRIBED = "prescribed", "Prescribed information (2012 Regulations)"


class OrderKind(models.TextChoices):
    SHPO = "shpo", "Sexual harm prevention order"


class RegisterStatus(models.TextChoices):
    ACTIVE = "active", "In the community"
    IN_CUSTODY = "in_custody", "In custody or hospital"
    ABROAD = "abroad", "Outside the UK"
    MISSING = "missing", "Missing"
    WANTED = "wanted", "Wanted"
    EXPIRED = "expired", "No longer subject"
    NOT_SUBJECT = "not_subject", "Not subject to notification"
