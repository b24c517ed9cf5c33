"""Choices and fixed values of the person aggregate."""

from __future__ import annotations

from datetime import date

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
    SRO = "sro", "Sexual risk order"
    NOTIFICATION_ORDER = "notification_order", "Notification order (s.97)"
    FTP = "ftp", "Foreign travel prohibition"


# the order kinds the rules engine reads (``obligations.types.OrderKind``): an SRO or a foreign travel prohibition
# changes no notification duty (docs/rules.md, assumption 43)
ENGINE_ORDER_KINDS = frozenset({OrderKind.SHPO.value, OrderKind.NOTIFICATION_ORDER.value})
# In England and Wales the SHPO and SRO replaced the SOPO, the risk of sexual harm order and the foreign travel order
# on 8 March 2015 (ASBCPA 2014 Sch 5): an order made before then carries its older name.
ORDERS_RENAMED_ON = date(2015, 3, 8)
OLDER_ORDER_NAMES = {
    "shpo": "Sexual offences prevention order (SOPO)",
    "sro": "Risk of sexual harm order",
    "ftp": "Foreign travel order (FTO)",
}


class DetentionBasis(models.TextChoices):
    REMAND = "remand", "Remanded in custody"
    SENTENCE = "sentence", "Serving a sentence"
    RECALL = "recall", "Recalled to custody on licence"
    HOSPITAL_ORDER = "hospital_order", "Detained under a hospital order"
    TRANSFER = "transfer", "Transferred from prison to hospital"


# which bases go with which kind of period (abroad has none)
DETENTION_BASES = {
    "custody": ("remand", "sentence", "recall"),
    "hospital": ("hospital_order", "transfer"),
    "abroad": (),
}


class ReviewDecision(models.TextChoices):
    DISCHARGED = "discharged", "Discharged: the notification requirements end"
    REFUSED = "refused", "Refused: the requirements continue"
    CONTINUED = "continued", "Continued (a notification continuation order)"


class AppealOutcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed: the requirements end"
    DISMISSED = "dismissed", "Dismissed"


class RemovalReason(models.TextChoices):
    PERIOD_ENDED = "period_ended", "The notification period ended"
    REVIEW = "review", "Discharged on review"
    APPEAL = "appeal", "Discharged on appeal"


class RegisterStatus(models.TextChoices):
    ACTIVE = "active", "In the community"
    IN_CUSTODY = "in_custody", "In custody or hospital"
    ABROAD = "abroad", "Outside the UK"
    MISSING = "missing", "Missing"
    WANTED = "wanted", "Wanted"
    EXPIRED = "expired", "No longer subject"
    NOT_SUBJECT = "not_subject", "Not subject to notification"
    DECEASED = "deceased", "Died"


# The age of criminal responsibility, by the law of the owning force's country, on the date of a disposal: nobody
# younger can be convicted or cautioned. England and Wales: 10 (Children and Young Persons Act 1933 s.50);
# Northern Ireland: 10 (Criminal Justice (Children) (NI) Order 1998 art.3); Scotland: 12 from 17 December 2021
# (Age of Criminal Responsibility (Scotland) Act 2019), 8 before (Criminal Procedure (Scotland) Act 1995 s.41).
CRIMINAL_RESPONSIBILITY_AGE = {"england-wales": 10, "northern-ireland": 10}
SCOTLAND_AGE_12_FROM = date(2021, 12, 17)
COUNTRY_NAMES = {"england-wales": "England and Wales", "northern-ireland": "Northern Ireland", "scotland": "Scotland"}


def criminal_responsibility_age(jurisdiction: str, on: date) -> int | None:
    """The youngest age at which a person could be convicted or cautioned on ``on`` (None: no rule applied)."""
    if jurisdiction == "scotland":
        return 12 if on >= SCOTLAND_AGE_12_FROM else 8
    return CRIMINAL_RESPONSIBILITY_AGE.get(jurisdiction)


# --- what a notification carries (s.84 changes) and the 2012 prescribed items (register.prescribed) ----------


class ChangeKind(models.TextChoices):
    """Which change an s.84 notification notified (domain.md §4)."""

    NAME = "name", "A name not notified before"
    HOME_ADDRESS = "home_address", "A change of home address"
    STAY = "stay", "A qualifying stay at another address"
    RELEASE = "release", "Release from custody or hospital"
    PRESCRIBED = "prescribed", "A change to prescribed information"


class PrescribedItemKind(models.TextChoices):
    """The 2012 prescribed information (SI 2012/1876), named as the rules engine names it (``PrescribedItem``)."""

    PASSPORT = "passport", "Passport or other identity document"
    BANK_ACCOUNT = "bank_account", "Bank account"
    PAYMENT_CARD = "payment_card", "Debit or credit card"
    RELEVANT_HOUSEHOLD = "relevant_household", "Relevant household (a child under 18 lives or stays there)"


class DocumentKind(models.TextChoices):
    PASSPORT = "passport", "Passport"
    IDENTITY_CARD = "identity_card", "National identity card"
    OTHER = "other", "Other identity document"


class AccountKind(models.TextChoices):
    PERSONAL = "personal", "Personal account"
    BUSINESS = "business", "Account of a business they run"


class CardKind(models.TextChoices):
    DEBIT = "debit", "Debit card"
    CREDIT = "credit", "Credit card"
    OTHER = "other", "Other payment card (charge, prepaid)"


# The registrant document's lists of prescribed items (docs/import-format.md) and the item each one holds.
PRESCRIBED_SECTIONS = {
    "identity_documents": PrescribedItemKind.PASSPORT.value,
    "bank_accounts": PrescribedItemKind.BANK_ACCOUNT.value,
    "payment_cards": PrescribedItemKind.PAYMENT_CARD.value,
    "relevant_households": PrescribedItemKind.RELEVANT_HOUSEHOLD.value,
}
