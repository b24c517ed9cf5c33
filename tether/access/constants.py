"""Roles and countries. Which role may do what is asked only of ``permissions``."""

from __future__ import annotations

from django.db import models


class Country(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


# The law that applies to a person follows the country of their owning force.
JURISDICTION_BY_COUNTRY = {
    Country.ENGLAND: "england-wales",
    Country.WALES: "england-wales",
    Country.SCOTLAND: "scotland",
    Country.NORTHERN_IRELAND: "northern-ireland",
}


class Role(models.TextChoices):
    OFFICER = "officer", "Offender manager"
    SUPERVISOR = "supervisor", "Supervisor"
    ANALYST = "analyst", "Analyst"
    FOI_OFFICER = "foi_officer", "FOI officer"
    FORCE_ADMIN = "force_admin", "Force administrator"
    NATIONAL_ADMIN = "national_admin", "National administrator"
    PARTNER = "partner", "Partner agency"
    AUDITOR = "auditor", "Auditor"

