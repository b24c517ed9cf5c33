"""Partner sources, their extracts (rows deleted when retention ends), linkage runs, saved models and leads."""

from __future__ import annotations

from django.db import models


class AgencyKind(models.TextChoices):
    DWP = "dwp", "Department for Work and Pensions"
    HOUSING = "housing", "Local authority housing"
    PROBATION = "probation", "Probation Service"
    COURTS = "courts", "Courts"
    HEALTH = "health", "Health"
    DVLA = "dvla", "DVLA"
    OTHER = "other", "Other"


class Scope(models.TextChoices):
    MISSING = "missing", "Open missing and wanted cases"
    REGISTER = "register", "Everyone on the register (un-notified addresses)"


class LeadState(models.TextChoices):
    OPEN = "open", "To decide"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    NEEDS_MORE = "needs_more", "Needs more from the agency"


class PartnerSource(models.Model):
    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=12, choices=AgencyKind.choices)
    lawful_basis = models.TextField()
    dsa_reference = models.CharField(max_length=80, blank=True, help_text="Data-sharing agreement reference.")
    retention_days = models.PositiveIntegerField()
    forces = models.ManyToManyField("access.Force", related_name="partner_sources")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Extract(models.Model):
    source = models.ForeignKey(PartnerSource, on_delete=models.PROTECT, related_name="extracts")
    filename = models.CharField(max_length=200)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file as received.")
    row_count = models.PositiveIntegerField()
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    loaded_label = models.CharField(max_length=200)
    expires_on = models.DateField(help_text="The first day it is past retention: its rows are deleted then.")
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        indexes = [models.Index(fields=["purged_at", "expires_on"])]


class ExtractRecord(models.Model):
    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="records", db_index=False)
    record_id = models.CharField(max_length=80)
    given_names = models.CharField(max_length=120, blank=True)
    family_name = models.CharField(max_length=80)
    date_of_birth = models.DateField(null=True, blank=True)
    ni_number = models.CharField(max_length=9, blank=True)
    address_line_1 = models.CharField(max_length=120, blank=True)
    address_line_2 = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    from_date = models.DateField(null=True, blank=True)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the partner's values: changes when they do.")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["extract", "record_id"], name="extract_record_once")]


class LinkageModel(models.Model):
    """A trained model for one source, versioned: a run may reuse it instead of training again."""

    source = models.ForeignKey(PartnerSource, on_delete=models.CASCADE, related_name="models", db_index=False)
    version = models.PositiveIntegerField()
    settings = models.JSONField()
    trained = models.JSONField(default=list)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["source_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["source", "version"], name="linkage_model_version_once")]


class LinkageRun(models.Model):
    source = models.ForeignKey(PartnerSource, on_delete=models.PROTECT, related_name="runs")
    extract = models.ForeignKey(Extract, null=True, on_delete=models.SET_NULL, related_name="runs")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    threshold = models.FloatField()
    actor = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200)
    forces = models.JSONField(default=list, help_text="The force codes whose registrants were linked.")
    model = models.ForeignKey(LinkageModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    trained = models.JSONField(default=list)
    register_rows = models.PositiveIntegerField(default=0)
    extract_rows = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveIntegerField(default=0)
    leads_created = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    started_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]


class Lead(models.Model):
    """A partner record that may be a registrant, ranked and explained. Never changes the register: an officer
    decides. After the extract's retention ends the lead keeps only the partner's address and from-date."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="leads")
    source = models.ForeignKey(PartnerSource, on_delete=models.PROTECT, related_name="leads")
    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="tracing_leads",
                               db_index=False)
    case = models.ForeignKey("casework.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+", db_index=False)
    extract_record = models.ForeignKey(ExtractRecord, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    partner_record_id = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    probability = models.FloatField()
    match_weight = models.FloatField()
    explanation = models.JSONField(default=list)
    partner = models.JSONField(default=dict, help_text="What the partner holds, as the officer needs it.")
    suggestion = models.TextField()
    last_notified_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=LeadState.choices, default=LeadState.OPEN)
    reason = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True, help_text="Needs more: when the agency should answer.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case_action_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-probability", "id"]
        indexes = [models.Index(fields=["force", "state", "probability"]),
                   models.Index(fields=["person", "fingerprint"])]


class LeadDecisionQuerySet(models.QuerySet["LeadDecision"]):
    def update(self, **kwargs: object) -> int:
        raise RuntimeError("Lead decisions are append-only.")


class LeadDecision(models.Model):
    """Each decision on a lead, in order (append-only): a lead asked about ("needs more") and later accepted has
    two. The statistics read these, so a figure "as at" a past date counts the decisions made by then."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=12, choices=LeadState.choices)
    reason = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(help_text="The UK date of the decision.")
    at = models.DateTimeField()
    actor = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200)

    objects = LeadDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["lead_id", "at", "id"]
        indexes = [models.Index(fields=["decided_on"])]


class DuplicateScan(models.Model):
    """A Splink deduplication over the register (one force's records against everyone, or every force): the model's
    settings and trained parameters as used, and the pairs it found (person ids, probability, how each field
    compared), so a run can be reviewed and repeated."""

    actor = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200)
    force_code = models.CharField(max_length=8, help_text="The force scanned, or ALL.")
    threshold = models.FloatField()
    settings = models.JSONField(help_text="Splink settings with the trained m and u probabilities.")
    trained = models.JSONField(default=list)
    people = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0, help_text="Linkage rows: every name by every address held.")
    pairs = models.JSONField(default=list)
    seconds = models.FloatField(default=0)
    started_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]


class JobKind(models.TextChoices):
    DUPLICATE_SCAN = "duplicate_scan", "Duplicate scan"


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """Work too long for a request, asked for on a page, through the API or the command line and run by a worker
    (``tether jobs work``, or the thread ``tether serve`` starts). One queued job of a kind per scope: asking again
    while one waits returns it. A worker claims the oldest queued job (skipping rows another worker holds), runs
    it, and stores what it made (``scan``) or why it failed."""

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    scope = models.CharField(max_length=8, help_text="What the job covers: a force code, or ALL.")
    state = models.CharField(max_length=8, choices=JobState.choices, default=JobState.QUEUED)
    requested_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_label = models.CharField(max_length=200)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=120, blank=True, help_text="The worker that claimed it (host:pid).")
    scan = models.ForeignKey(DuplicateScan, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "requested_at"])]
        constraints = [models.UniqueConstraint(fields=["kind", "scope"], condition=models.Q(state="queued"),
                                               name="job_one_queued_per_scope")]
