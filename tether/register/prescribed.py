"""The 2012 prescribed information (SI 2012/1876; domain.md §3.2 items 8-10): passports and other identity
documents, bank accounts, payment cards and relevant households, each an interval a registrant holds.

One set of field rules for every edge (the web forms, the API, import files): ``parse_item`` reads one item and
names each bad field and the rule it breaks. A full card, account or document number is read once, here, and
becomes its last 4 characters and a keyed hash (``number_hash``: HMAC-SHA256 with ``TETHER_PRESCRIBED_KEY``); the
number itself is never stored, exported, audited, logged or repeated in an error message.

The items are the registrant document's sections ``identity_documents``, ``bank_accounts``, ``payment_cards``
and ``relevant_households`` (``SECTIONS``, registered by ``register.apps``): validated with the rest of a
document on import, written with it, exported beside it (last 4 and hash). Starting or ending one after
registration is a ``prescribed_change`` for the rules engine (``facts.facts_from``). An item entered in error keeps
its row, marked with the day and the reason (``entered_in_error_on``, ``error_reason``): the engine no longer sees it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings

from tether.core.fields import Fields

from . import extensions, plain_rows
from .constants import PRESCRIBED_SECTIONS, AccountKind, CardKind, DocumentKind, PrescribedItemKind
from .identifiers import normalise_postcode
from .models_prescribed import PrescribedItem

# --- numbers: read once, kept as the last 4 characters and a keyed hash ---------------------------------------

CARD_DIGITS = (12, 19)  # ISO/IEC 7812: a primary account number is 12 to 19 digits, the last a Luhn check digit
ACCOUNT_DIGITS = (6, 8)  # a UK account number is 8 digits; banks pad a 6 or 7 digit one with zeros in front
DOCUMENT_CHARS = (5, 20)
_HASH_RE = re.compile(r"^[0-9a-f]{64}$")
_LAST4_RE = re.compile(r"^[0-9A-Z]{1,4}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_SEPARATORS = re.compile(r"[\s-]+")

CARD_RULE = (f"must be the long number on the card: {CARD_DIGITS[0]} to {CARD_DIGITS[1]} digits "
             "(spaces and hyphens are ignored)")
LUHN_RULE = "is not a card number: its last digit does not match the others (the Luhn check)"
ACCOUNT_RULE = f"must be a UK account number: {ACCOUNT_DIGITS[0]} to {ACCOUNT_DIGITS[1]} digits"
SORT_CODE_RULE = "must be a sort code: 6 digits, like 12-34-56"
DOCUMENT_RULE = f"must be the document number: {DOCUMENT_CHARS[0]} to {DOCUMENT_CHARS[1]} letters and digits"
COUNTRY_RULE = "must be the issuing country as a 2-letter ISO 3166 code, like GB or IE"
HASHED_RULE = ("give either number (the full number: Tether keeps only its last 4 characters and a keyed hash) or "
               "number_last4 with number_hash (as exported), not both")


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number carries in its last digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _plain(raw: str) -> str:
    return _SEPARATORS.sub("", raw).upper()


def normalise_card_number(raw: str) -> str:
    """The card number's digits. The errors never repeat the number."""
    digits = _plain(raw)
    if not digits.isascii() or not digits.isdigit() or not CARD_DIGITS[0] <= len(digits) <= CARD_DIGITS[1]:
        raise ValueError(CARD_RULE)
    if not luhn_ok(digits):
        raise ValueError(LUHN_RULE)
    return digits


def normalise_account_number(raw: str) -> str:
    digits = _plain(raw)
    if not digits.isascii() or not digits.isdigit() or not ACCOUNT_DIGITS[0] <= len(digits) <= ACCOUNT_DIGITS[1]:
        raise ValueError(ACCOUNT_RULE)
    return digits.zfill(ACCOUNT_DIGITS[1])


def normalise_sort_code(raw: str) -> str:
    digits = _plain(raw)
    if not digits.isascii() or not digits.isdigit() or len(digits) != 6:
        raise ValueError(SORT_CODE_RULE)
    return digits


def normalise_document_number(raw: str) -> str:
    chars = _plain(raw)
    if not chars.isascii() or not chars.isalnum() or not DOCUMENT_CHARS[0] <= len(chars) <= DOCUMENT_CHARS[1]:
        raise ValueError(DOCUMENT_RULE)
    return chars


def normalise_country(raw: str) -> str:
    code = raw.strip().upper()
    if not _COUNTRY_RE.match(code) or not code.isascii():
        raise ValueError(COUNTRY_RULE)
    return code


def number_hash(item: str, number: str) -> str:
    """The keyed hash of a normalised number: HMAC-SHA256 (key ``TETHER_PRESCRIBED_KEY``) of ``item:number``, hex.
    The same number gives the same hash under the same key, so a number can be matched without being kept."""
    key = str(settings.TETHER_PRESCRIBED_KEY).encode()
    return hmac.new(key, f"{item}:{number}".encode(), hashlib.sha256).hexdigest()


def format_sort_code(code: str) -> str:
    return f"{code[0:2]}-{code[2:4]}-{code[4:6]}" if len(code) == 6 else code


# --- one item --------------------------------------------------------------------------------------------------


@dataclass
class PrescribedDoc:
    """One prescribed item as the register holds it (``item``: ``PrescribedItemKind``). The fields an item does
    not use stay blank."""

    item: str
    valid_from: date
    valid_to: date | None = None
    kind: str = ""
    country: str = ""
    institution: str = ""
    sort_code: str = ""
    number_last4: str = ""
    number_hash: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    line1: str = ""
    line2: str = ""
    town: str = ""
    postcode: str = ""
    intended_periods: list[tuple[date, date | None]] = field(default_factory=list)
    entered_in_error_on: date | None = None  # it never was: kept, shown as such, not counted
    error_reason: str = ""

    def same_as(self, other: PrescribedDoc) -> bool:
        """The same item: what identifies it and what was notified of it, whatever the dates held."""
        keys = ("item", "kind", "country", "institution", "sort_code", "number_last4", "number_hash", "issued_on",
                "expires_on", "line1", "line2", "town", "postcode")
        return all(getattr(self, k) == getattr(other, k) for k in keys)


NUMBER_NORMALISERS = {
    PrescribedItemKind.PASSPORT.value: normalise_document_number,
    PrescribedItemKind.BANK_ACCOUNT.value: normalise_account_number,
    PrescribedItemKind.PAYMENT_CARD.value: normalise_card_number,
}
KINDS = {
    PrescribedItemKind.PASSPORT.value: DocumentKind,
    PrescribedItemKind.BANK_ACCOUNT.value: AccountKind,
    PrescribedItemKind.PAYMENT_CARD.value: CardKind,
}


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _number(c: Fields, data: Mapping[str, Any], path: str, item: str, sort_code: str,
            hashed_allowed: bool) -> tuple[str, str]:
    """(last 4, keyed hash) from ``number``, or from ``number_last4`` and ``number_hash`` (an export's) when
    ``hashed_allowed``. Nothing here puts the number in an error message."""
    raw = data.get("number")
    given_hashed = data.get("number_last4") not in (None, "") or data.get("number_hash") not in (None, "")
    if given_hashed and not hashed_allowed:
        for key in ("number_last4", "number_hash"):
            if data.get(key) not in (None, ""):
                c.fail(_at(path, key), "cannot be given here: give the full number (Tether keeps only its last 4 "
                                       "characters and a keyed hash)")
        return "", ""
    if given_hashed:
        if raw not in (None, ""):
            c.fail(_at(path, "number"), HASHED_RULE)
            return "", ""
        last4, digest = data.get("number_last4"), data.get("number_hash")
        ok = True
        if not isinstance(last4, str) or not _LAST4_RE.match(last4):
            c.fail(_at(path, "number_last4"), "must be the last 1 to 4 letters or digits of the number")
            ok = False
        if not isinstance(digest, str) or not _HASH_RE.match(digest):
            c.fail(_at(path, "number_hash"), "must be 64 lower-case hexadecimal characters (an HMAC-SHA256)")
            ok = False
        return (str(last4), str(digest)) if ok else ("", "")
    if raw in (None, ""):
        c.fail(_at(path, "number"), "is required")
        return "", ""
    if not isinstance(raw, str):
        c.fail(_at(path, "number"), "must be text")
        return "", ""
    try:
        number = NUMBER_NORMALISERS[item](raw)
    except ValueError as exc:
        c.fail(_at(path, "number"), str(exc))
        return "", ""
    return number[-4:], number_hash(item, sort_code + number)


def _choice(c: Fields, data: Mapping[str, Any], key: str, path: str, choices: Any, default: str) -> str:
    if data.get(key) in (None, ""):
        return default
    return c.choice(data, key, _at(path, key), choices)


def _coded(c: Fields, data: Mapping[str, Any], key: str, path: str, normalise: Any, *, required: bool) -> str:
    value = data.get(key)
    if value in (None, ""):
        if required:
            c.fail(_at(path, key), "is required")
        return ""
    if not isinstance(value, str):
        c.fail(_at(path, key), "must be text")
        return ""
    try:
        return str(normalise(value))
    except ValueError as exc:
        c.fail(_at(path, key), str(exc))
        return ""


def _periods(c: Fields, data: Mapping[str, Any], path: str) -> list[tuple[date, date | None]]:
    out: list[tuple[date, date | None]] = []
    raw = data.get("intended_periods")
    if raw is None:
        return out
    if not isinstance(raw, list):
        c.fail(_at(path, "intended_periods"), "must be a list")
        return out
    if len(raw) > 50:
        c.fail(_at(path, "intended_periods"), "must hold 50 periods or fewer")
        return out
    for i, period in enumerate(raw):
        p = _at(path, f"intended_periods[{i}]")
        if not isinstance(period, Mapping):
            c.fail(p, "must be an object")
            continue
        start = c.day(period, "start", _at(p, "start"))
        end = c.day(period, "end", _at(p, "end"), required=False)
        c.span(start, end, p)
        if start is not None:
            out.append((start, end))
    return out


ERROR_REASON_MAX = 2000


def _in_error(c: Fields, data: Mapping[str, Any], path: str, doc: PrescribedDoc, today: date, *,
              allowed: bool) -> None:
    """An exported item entered in error: the day it was recorded so and the reason, each needing the other (an
    import only: a new item is recorded, then recorded as entered in error)."""
    keys = [k for k in ("entered_in_error_on", "error_reason") if data.get(k) not in (None, "")]
    if not keys:
        return
    if not allowed:
        for key in keys:
            c.fail(_at(path, key), "cannot be given here: record the item, then record that it was entered in error")
        return
    doc.entered_in_error_on = c.day(data, "entered_in_error_on", _at(path, "entered_in_error_on"), today=today)
    doc.error_reason = c.text(data, "error_reason", _at(path, "error_reason"), max_len=ERROR_REASON_MAX,
                              multiline=True)


def parse_item(c: Fields, data: Mapping[str, Any], path: str, item: str, today: date, *,
               hashed_allowed: bool, date_of_birth: date | None = None) -> PrescribedDoc:
    """One item of kind ``item``; problems go to ``c`` with their field paths (under ``path``). ``hashed_allowed``:
    the number may come as an export's last 4 and hash (import), not only as the full number (web, API)."""
    held_from = c.day(data, "valid_from", _at(path, "valid_from"), today=today)
    held_to = c.day(data, "valid_to", _at(path, "valid_to"), required=False, today=today)
    c.span(held_from, held_to, path, "valid_to")
    if held_from and date_of_birth and held_from < date_of_birth:
        c.fail(_at(path, "valid_from"), "must not be before the date of birth")
    doc = PrescribedDoc(item=item, valid_from=held_from or today, valid_to=held_to)
    _in_error(c, data, path, doc, today, allowed=hashed_allowed)
    if item == PrescribedItemKind.RELEVANT_HOUSEHOLD:
        doc.line1 = c.text(data, "line1", _at(path, "line1"))
        doc.line2 = c.text(data, "line2", _at(path, "line2"), required=False)
        doc.town = c.text(data, "town", _at(path, "town"), required=False, max_len=80)
        doc.postcode = _coded(c, data, "postcode", path, normalise_postcode, required=True)
        doc.intended_periods = _periods(c, data, path)
        return doc
    doc.kind = _choice(c, data, "kind", path, KINDS[item], default=next(iter(KINDS[item])).value)
    if item == PrescribedItemKind.PASSPORT:
        doc.country = _coded(c, data, "country", path, normalise_country, required=True)
    else:
        doc.institution = c.text(data, "institution", _at(path, "institution"))
    if item == PrescribedItemKind.BANK_ACCOUNT:
        doc.sort_code = _coded(c, data, "sort_code", path, normalise_sort_code, required=True)
    else:
        doc.issued_on = c.day(data, "issued_on", _at(path, "issued_on"), required=False, today=today)
        doc.expires_on = c.day(data, "expires_on", _at(path, "expires_on"), required=False)
        c.span(doc.issued_on, doc.expires_on, path, "expires_on")
    # an account's hash is of the sort code and the number together: the account, not the number alone
    doc.number_last4, doc.number_hash = _number(c, data, path, item, doc.sort_code, hashed_allowed)
    return doc


# --- the registrant document's sections -----------------------------------------------------------------------


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def item_to_json(p: PrescribedDoc) -> dict[str, Any]:
    """One item's JSON form (docs/import-format.md), keys in a fixed order: never the full number. An item entered
    in error ends with the day and the reason (left out for the others)."""
    held: dict[str, Any] = {"valid_from": _d(p.valid_from), "valid_to": _d(p.valid_to)}
    if p.entered_in_error_on is not None:
        held.update(entered_in_error_on=_d(p.entered_in_error_on), error_reason=p.error_reason)
    if p.item == PrescribedItemKind.RELEVANT_HOUSEHOLD:
        return {"line1": p.line1, "line2": p.line2, "town": p.town, "postcode": p.postcode,
                "intended_periods": [{"start": _d(s), "end": _d(e)} for s, e in p.intended_periods], **held}
    number = {"number_last4": p.number_last4, "number_hash": p.number_hash}
    if p.item == PrescribedItemKind.PASSPORT:
        return {"kind": p.kind, "country": p.country, **number, "issued_on": _d(p.issued_on),
                "expires_on": _d(p.expires_on), **held}
    if p.item == PrescribedItemKind.BANK_ACCOUNT:
        return {"kind": p.kind, "institution": p.institution, "sort_code": p.sort_code, **number, **held}
    return {"kind": p.kind, "institution": p.institution, **number, "issued_on": _d(p.issued_on),
            "expires_on": _d(p.expires_on), **held}


def doc_from_row(row: PrescribedItem) -> PrescribedDoc:
    return PrescribedDoc(
        item=row.item, valid_from=row.valid_from, valid_to=row.valid_to, kind=row.kind, country=row.country,
        institution=row.institution, sort_code=row.sort_code, number_last4=row.number_last4,
        number_hash=row.number_hash, issued_on=row.issued_on, expires_on=row.expires_on, line1=row.line1,
        line2=row.line2, town=row.town, postcode=row.postcode,
        intended_periods=[(date.fromisoformat(p["start"]), date.fromisoformat(p["end"]) if p.get("end") else None)
                          for p in row.intended_periods or []],
        entered_in_error_on=row.entered_in_error_on, error_reason=row.error_reason,
    )


ROW_COLUMNS = ("person_id", "item", "valid_from", "valid_to", "kind", "country", "institution", "sort_code",
               "number_last4", "number_hash", "issued_on", "expires_on", "line1", "line2", "town", "postcode",
               "intended_periods", "created_at", "entered_in_error_on", "error_reason")


def row_values(person_id: Any, p: PrescribedDoc, now: datetime) -> tuple[Any, ...]:
    """An item's row (``ROW_COLUMNS``)."""
    return (person_id, p.item, p.valid_from, p.valid_to, p.kind, p.country, p.institution, p.sort_code,
            p.number_last4, p.number_hash, p.issued_on, p.expires_on, p.line1, p.line2, p.town, p.postcode,
            [{"start": _d(s), "end": _d(e)} for s, e in p.intended_periods], now, p.entered_in_error_on,
            p.error_reason)


def row_from_doc(person_id: Any, p: PrescribedDoc, now: datetime) -> PrescribedItem:
    return PrescribedItem(**dict(zip(ROW_COLUMNS, row_values(person_id, p, now), strict=True)))


def _section(key: str, item: str) -> extensions.DocumentSection:
    def parse(c: Fields, data: Mapping[str, Any], dob: date | None, today: date) -> list[PrescribedDoc]:
        return [parse_item(c, raw, path, item, today, hashed_allowed=True, date_of_birth=dob)
                for path, raw in c.items(data, key)]

    def write(items: Sequence[tuple[Any, list[PrescribedDoc]]], now: datetime) -> None:
        plain_rows.write(PrescribedItem, ROW_COLUMNS,
                         [row_values(person.pk, p, now) for person, docs in items for p in docs])

    def load(ids: Sequence[Any]) -> dict[Any, list[PrescribedDoc]]:
        out: dict[Any, list[PrescribedDoc]] = defaultdict(list)
        for row in PrescribedItem.objects.filter(person_id__in=ids, item=item).order_by("person_id", "valid_from",
                                                                                       "id"):
            out[row.person_id].append(doc_from_row(row))
        return out

    def to_json(value: list[PrescribedDoc]) -> list[dict[str, Any]] | None:
        return [item_to_json(p) for p in value] or None  # none held: left out, as before the items existed

    return extensions.DocumentSection(key=key, parse=parse, spans=lambda value: [], write=write, load=load,
                                      to_json=to_json)


SECTIONS = [_section(key, item) for key, item in PRESCRIBED_SECTIONS.items()]


# --- the person page's section ---------------------------------------------------------------------------------

ITEM_TITLES = {
    PrescribedItemKind.PASSPORT.value: "Passports and identity documents",
    PrescribedItemKind.BANK_ACCOUNT.value: "Bank accounts",
    PrescribedItemKind.PAYMENT_CARD.value: "Debit and credit cards",
    PrescribedItemKind.RELEVANT_HOUSEHOLD.value: "Relevant households",
}


def _described(row: PrescribedItem) -> str:
    """What the page shows of an item: never more of a number than its last 4 characters."""
    last4 = f"ending {row.number_last4}" if row.number_last4 else ""
    if row.item == PrescribedItemKind.PASSPORT:
        return " ".join(x for x in (DocumentKind(row.kind).label if row.kind in DocumentKind.values else row.kind,
                                    f"({row.country})" if row.country else "", last4) if x)
    if row.item == PrescribedItemKind.BANK_ACCOUNT:
        kind = AccountKind(row.kind).label if row.kind in AccountKind.values else row.kind
        return f"{row.institution}, {kind.lower()}, sort code {format_sort_code(row.sort_code)}, {last4}"
    if row.item == PrescribedItemKind.PAYMENT_CARD:
        kind = CardKind(row.kind).label if row.kind in CardKind.values else row.kind
        return f"{row.institution} {kind.lower()} {last4}"
    return ", ".join(x for x in (row.line1, row.line2, row.town, row.postcode) if x)


def person_panel(user: Any, person: Any) -> extensions.PersonPanel:
    """The person page's "Passports, bank and household" section (a register panel): each item held or once held,
    by kind (one entered in error shown as such, with its reason), with the links to record one, to record that one
    is no longer held (writer roles) and that one was entered in error."""
    from tether.access.permissions import can_correct_register_entry, is_worker

    # in the model's order (held from, then id), which each kind's group keeps
    rows = list(person.prescribed_items.all()) if extensions.may_hold(person, "prescribed_items") else []
    groups = []
    for item, title in ITEM_TITLES.items():
        groups.append({
            "item": item, "title": title,
            "rows": [{"id": r.pk, "what": _described(r), "held_from": r.valid_from, "held_to": r.valid_to,
                      "issued_on": r.issued_on, "expires_on": r.expires_on,
                      "in_error": r.entered_in_error_on, "error_reason": r.error_reason,
                      "intended": [(date.fromisoformat(p["start"]), date.fromisoformat(p["end"]) if p.get("end")
                                    else None) for p in r.intended_periods or []]}
                     for r in rows if r.item == item],
        })
    return extensions.PersonPanel(template="register/prescribed/_panel.html", anchor="prescribed",
                                  title="Passports, bank and household",
                                  context={"groups": groups, "person": person, "can_write": is_worker(user),
                                           "can_correct": can_correct_register_entry(user)})


MAX_ID = 2**63 - 1  # the largest id a row can have: a larger one in a URL is no item


def item_on_record(person: Any, item_id: int) -> dict[str, Any] | None:
    """One item of the person's, as the page shows it (None: not theirs, or no such item)."""
    row = PrescribedItem.objects.filter(person=person, pk=item_id).first() if 0 < item_id <= MAX_ID else None
    if row is None:
        return None
    return {"id": row.pk, "item": row.item, "title": ITEM_TITLES[row.item], "what": _described(row),
            "held_from": row.valid_from, "held_to": row.valid_to, "in_error": row.entered_in_error_on}


def held_items(person: Any) -> list[PrescribedItem]:
    """The person's items, held or once held, oldest first (the API lists them: never more than the last 4)."""
    return list(PrescribedItem.objects.filter(person=person).order_by("valid_from", "id"))
