"""Identity's tables: the search keys of every name the register holds, and the merges of two records.

The keys are derived data, rebuilt from the register's names by ``indexing.index_people`` inside each write's
transaction (the register's people-written hook); nothing here is a source of truth except ``Merge``.
"""

from __future__ import annotations

from django.db import models


class Token(models.Model):
    """One distinct name word on the register, with its phonetic keys (the vocabulary a typed word is matched
    against: exact, sounds alike, spelt alike, starts with). On PostgreSQL a pg_trgm GIN index serves "spelt
    alike"; on SQLite the ``TokenGram`` rows do."""

    token = models.CharField(max_length=80, primary_key=True)
    phonetic = models.CharField(max_length=16, db_index=True)
    phonetic_alt = models.CharField(max_length=16, blank=True, db_index=True)


class TokenGram(models.Model):
    """The trigrams of each token (SQLite only: PostgreSQL uses pg_trgm on ``Token.token``)."""

    gram = models.CharField(max_length=3)
    token = models.CharField(max_length=80)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gram", "token"], name="identity_tokengram_unique")]


class NameKey(models.Model):
    """One word of one name a person has used (birth, current, alias), as matched by the search."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="+")
    name = models.ForeignKey("register.PersonName", on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=6)  # given / family
    token = models.CharField(max_length=80)  # leads identity_namekey_tok_person and identity_namekey_tok_dob
    alias = models.BooleanField(default=False)
    # The person's date of birth, copied (kept in step by ``indexing.index_people``, which every write calls): a
    # search with a date of birth reads the few keys of the people born on those dates from one index, without
    # visiting the keys of everyone with a name spelt like a typed word (a hundred thousand for a common surname).
    date_of_birth = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["token", "person"], name="identity_namekey_tok_person"),
            # covering on PostgreSQL (an index-only scan); a plain index on SQLite, which has no INCLUDE
            models.Index(fields=["date_of_birth"], include=["token", "person"], name="identity_namekey_dob"),
            # a name word born in a range (a year, a year and month, the year either side): one short range scan
            # per vocabulary word instead of every key of everyone born in the range (160,000 for three years at
            # a million registrants); covering on PostgreSQL
            models.Index(fields=["token", "date_of_birth"], include=["person"], name="identity_namekey_tok_dob"),
        ]


class Merge(models.Model):
    """Two records found to be one person: everything of ``merged`` moved to ``survivor``. The merged record stays
    as a pointer (its reference still resolves); ``moved`` lists every row moved, by table, so ``unmerge`` puts
    each back; ``before`` holds both records as they were."""

    survivor = models.ForeignKey("register.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("register.Person", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey("access.User", null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    merged_at = models.DateTimeField()
    merged_on = models.DateField()
    before = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["merged"], condition=models.Q(undone_at__isnull=True),
                                    name="identity_merge_one_live_per_merged"),
        ]

    def __str__(self) -> str:
        return f"merge {self.merged_id} -> {self.survivor_id}"


class PairDecision(models.Model):
    """A reviewer's answer on a likely duplicate pair: "different people" keeps the pair out of later scans."""

    a = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="+", db_index=False)
    b = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10)  # different / same
    actor = models.ForeignKey("access.User", null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["a", "b"], name="identity_pairdecision_unique")]


class MergeProposal(models.Model):
    """A merge across forces proposed by a supervisor of one record's force, waiting for a supervisor of the other
    record's force. Both records' versions are kept: if either changes before the approval, the proposal is stale
    and must be proposed again. On approval the merge is made (``merge``), recording both approvers."""

    OPEN, APPROVED, DECLINED, WITHDRAWN, STALE = "open", "approved", "declined", "withdrawn", "stale"
    stale = False  # not stored: set when listed (either record's version moved on since the proposal)

    survivor = models.ForeignKey("register.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("register.Person", on_delete=models.PROTECT, related_name="+")
    survivor_version = models.PositiveIntegerField()
    merged_version = models.PositiveIntegerField()
    proposer = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    proposer_force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+")
    other_force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    proposed_at = models.DateTimeField()
    status = models.CharField(max_length=10, default=OPEN)
    decided_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    merge = models.OneToOneField(Merge, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal")

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["survivor", "merged"], condition=models.Q(status="open"),
                                    name="identity_mergeproposal_one_open"),
        ]

    def __str__(self) -> str:
        return f"merge proposal {self.merged_id} -> {self.survivor_id} ({self.status})"
