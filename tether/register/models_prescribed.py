"""The 2012 prescribed information a registrant holds, as intervals (``valid_from``: held or begun from;
``valid_to``: no longer held, exclusive; null: still held). Nothing is overwritten: an item that ends keeps its row,
and so does one entered in error (``entered_in_error_on`` with the reason: the register and the rules engine no
longer count it, the record still shows it).

Never a full card, account or document number: ``number_last4`` and ``number_hash`` (a keyed HMAC of the full
number, ``register.prescribed.number_hash``) only. Imported by ``register.models``.
"""

from __future__ import annotations

from django.db import models

from tether.core.models import Interval

from .constants import PrescribedItemKind


class PrescribedItem(Interval):
    """A passport or other identity document, a bank account, a payment card or a relevant household. The columns
    an item does not use are blank: documents (kind, country, number, issued_on, expires_on), accounts (kind,
    institution, sort_code, number), cards (kind, institution, number, issued_on = valid from, expires_on) and
    households (the address, intended_periods)."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="prescribed_items",
                               db_index=False)
    item = models.CharField(max_length=20, choices=PrescribedItemKind.choices)
    kind = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="Issuing country (ISO 3166-1 alpha-2).")
    institution = models.CharField(max_length=120, blank=True)
    sort_code = models.CharField(max_length=6, blank=True)
    number_last4 = models.CharField(max_length=4, blank=True)
    number_hash = models.CharField(max_length=64, blank=True, help_text="HMAC-SHA256 of the full number, hex.")
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    line1 = models.CharField(max_length=120, blank=True)
    line2 = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    intended_periods = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    entered_in_error_on = models.DateField(null=True, blank=True,
                                           help_text="The day it was recorded as entered in error (null: it stands).")
    error_reason = models.TextField(blank=True, help_text="Why it was entered in error.")

    class Meta:
        ordering = ["valid_from", "id"]
        indexes = [models.Index(fields=["person", "item"])]
