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
