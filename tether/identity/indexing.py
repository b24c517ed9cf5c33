"""Keeping the search keys in step with the register: called inside every write's transaction (the register's
people-written hook) and by merges, and once over the whole register by the migration and ``tether identity
reindex``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from tether.core.streams import chunks
from tether.register import plain_rows
from tether.register.constants import NameKind
from tether.register.models import PersonName
from tether.register.selectors import stored_rows

from .matching import name_tokens, phonetic, trigrams
from .models import NameKey, Token, TokenGram

CHUNK = 2000
KEY_COLUMNS = ("person_id", "name_id", "part", "token", "alias", "date_of_birth")


def index_people(person_ids: Sequence[Any]) -> None:
    """Rebuild the name keys of these people from the names the register holds."""
    ids = list(person_ids)
    vocabulary: set[str] = set()
    keys = plain_rows.Table(NameKey, KEY_COLUMNS)  # plain rows: a bulk write indexes a million names
    for chunk in chunks(ids, CHUNK):
        NameKey.objects.filter(person_id__in=chunk).delete()
        rows = []
        # as the database gives them (the person's id and date of birth are written back as they were read)
        names = stored_rows(PersonName.objects.filter(person_id__in=chunk).values_list(
            "pk", "person_id", "kind", "given_names", "family_name", "person__date_of_birth"))
        for pk, person_id, kind, given, family, born in names:
            for part, word in dict.fromkeys(name_tokens(given, family)):
                rows.append((person_id, pk, part, word, kind == NameKind.ALIAS, born))
                vocabulary.add(word)
        keys.insert(rows)
    add_tokens(vocabulary)


def add_tokens(words: Iterable[str]) -> None:
    """Add new words to the vocabulary with their phonetic keys (and trigrams on SQLite)."""
    wanted = sorted(set(words))
    for chunk in chunks(wanted, CHUNK):
        known = set(Token.objects.filter(token__in=chunk).values_list("token", flat=True))
        new = [w for w in chunk if w not in known]
        if not new:
            continue
        Token.objects.bulk_create(
            [Token(token=w, phonetic=phonetic(w)[0], phonetic_alt=phonetic(w)[1]) for w in new],
            ignore_conflicts=True,
        )
        if connection.vendor != "postgresql":  # PostgreSQL matches spelling with pg_trgm's index instead
            TokenGram.objects.bulk_create(
                [TokenGram(gram=g, token=w) for w in new for g in sorted(trigrams(w))],
                batch_size=CHUNK, ignore_conflicts=True,
            )


def reindex_all(batch: int = 5000) -> int:
    """Rebuild every person's keys (after a change to the matching rules). Returns how many people."""
    from tether.register.models import Person

    done = 0
    last = None
    while True:
        qs = Person.objects.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        ids = list(qs.values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        index_people(ids)
        done += len(ids)
        last = ids[-1]
