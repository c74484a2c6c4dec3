"""Crawl jobs, the analyses they produce, and the versions of the reference model they use."""

from django.db import models
from django.db.models import Q

from reviewsec.catalog.models import Product


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ACTIVE_JOB_STATES = (JobState.QUEUED, JobState.RUNNING)


class JobTrigger(models.TextChoices):
    REQUEST = "request", "Asked for (page, API, extension)"
    SCHEDULE = "schedule", "Scheduled recrawl"


class CrawlJob(models.Model):
    """One crawl-and-analyse run for a product; at most one is active per product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="crawl_jobs")
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    trigger = models.CharField(
        max_length=16, choices=JobTrigger.choices, default=JobTrigger.REQUEST
    )
    incremental = models.BooleanField(
        default=False, help_text="Read reviews newest first and stop at the first known page."
    )
    stage = models.CharField(max_length=32, blank=True, help_text="product, reviews, reviewers…")
    pages_fetched = models.PositiveIntegerField(default=0)
    reviews_fetched = models.PositiveIntegerField(default=0)
    reviews_expected = models.PositiveIntegerField(
        null=True, blank=True, help_text="Estimated from the shop's rating count."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True, help_text="A reason a shopper can read.")
    celery_task_id = models.CharField(
        max_length=64, blank=True, help_text="The message's id; only it may claim the job."
    )
    resends = models.PositiveSmallIntegerField(
        default=0, help_text="How often housekeeping re-sent it after its message was lost."
    )
    worker = models.CharField(
        max_length=255,
        blank=True,
        help_text="The Celery node running it (its heartbeat says it lives).",
    )
    requeued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when housekeeping found the job stuck and re-queued it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Two shoppers asking at the same moment must share one job: the database, not the
            # application, guarantees there is never a second queued/running job for a product.
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(state__in=["queued", "running"]),
                name="one_active_crawl_job_per_product",
            ),
        ]
        indexes = [models.Index(fields=["state", "updated_at"], name="crawljob_state_age")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"job {self.pk} for {self.product.asin}: {self.state}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_JOB_STATES


class ReferenceModelVersion(models.Model):
    """One fitted ``detector.reference.ReferenceModel`` (the CvT threshold line and the ERO
    calibration, DESIGN §3.2), stored whole; one version is active. Rows are never edited, only
    replaced, so an analysis's verdict stays explainable by the version it used."""

    version = models.CharField(max_length=64, unique=True)
    model = models.JSONField(help_text="detector.reference.ReferenceModel.to_dict()")
    reference_products = models.PositiveIntegerField(
        help_text="How many reference products the model was fitted on."
    )
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_reference_model"
            ),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.version}{' (active)' if self.is_active else ''}"


class Category(models.TextChoices):
    NORMAL = "normal", "Normal"
    SUSPICIOUS = "suspicious", "Suspicious"
    HIGHLY_SUSPICIOUS = "highly_suspicious", "Highly suspicious"
    INSUFFICIENT_DATA = "insufficient_data", "Not enough reviews"


class Analysis(models.Model):
    """One detector run over a product's reviews; ``verdict`` is ``Verdict.to_dict()``."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="analyses")
    crawl_job = models.ForeignKey(
        CrawlJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="analyses"
    )
    reference_model = models.ForeignKey(
        ReferenceModelVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="analyses",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    detector_version = models.CharField(max_length=32)
    parameters = models.JSONField(default=dict, blank=True)
    verdict = models.JSONField()
    category = models.CharField(max_length=24, choices=Category.choices)
    reviews_analyzed = models.PositiveIntegerField(default=0)
    pci = models.FloatField(null=True, blank=True)
    ero_satisfaction = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "analyses"
        indexes = [
            # "Latest analysis of this product" is asked on every request.
            models.Index(fields=["product", "-created_at"], name="analysis_product_latest"),
            models.Index(fields=["category", "-created_at"], name="analysis_category_recent"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.product.asin} {self.category} @ {self.created_at:%Y-%m-%d %H:%M}"


# The reviewer-graph fits live in their own module; imported here so Django registers them.
from reviewsec.analyses.reviewer_models import (  # noqa: E402, F401
    FitStatus,
    ReviewerGraphFit,
    ReviewerScore,
)
