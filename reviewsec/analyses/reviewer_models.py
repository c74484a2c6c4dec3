"""The reviewer-graph fits (DESIGN §4): one row per database-wide fit, one score row per reviewer.

A fit is stored with the version that produced it and activated only when sane, like
``ReferenceModelVersion``; analyses record the fit they used (``Analysis.parameters``). Online
updates after a crawl, submission or upload rewrite the active fit's rows of the reviewers they
touch (``updated_online_at``) until the next full fit replaces them all.
"""

from django.db import models
from django.db.models import Q

from reviewsec.catalog.models import Review, Reviewer


class FitStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done (active or superseded)"
    REFUSED = "refused", "Refused (not sane; the active fit stays)"
    FAILED = "failed", "Failed"


class ReviewerGraphFit(models.Model):
    """One database-wide fit of ``detector.reviewers.reviewer_scores`` over every stored review."""

    version = models.CharField(max_length=64, unique=True)
    detector_version = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=FitStatus.choices, default=FitStatus.RUNNING)
    reason = models.TextField(blank=True, help_text="Why a fit was refused or failed.")
    parameters = models.JSONField(
        default=dict,
        blank=True,
        help_text="Prior, global mean μ, the suspicion mixture's tables (for online scoring).",
    )
    reviews = models.PositiveIntegerField(default=0, help_text="Ratings in the graph.")
    reviewers = models.PositiveIntegerField(default=0)
    products = models.PositiveIntegerField(default=0)
    base_suspect_share = models.FloatField(
        null=True, blank=True, help_text="Share of suspect reviews (weight < ½) over the graph."
    )
    # Watermarks: rows with a larger id arrived after the fit read the tables (online updates).
    last_review_id = models.BigIntegerField(default=0)
    last_history_id = models.BigIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True, help_text="Load + fit + store, seconds.")
    is_active = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_reviewer_fit"
            ),
        ]
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version}{' (active)' if self.is_active else ''}"


class ReviewerScore(models.Model):
    """A reviewer's scores in one fit. A review without a reviewer is its own one-review reviewer,
    stored under ``review`` instead (exactly one of ``reviewer`` and ``review`` is set)."""

    fit = models.ForeignKey(ReviewerGraphFit, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(
        Reviewer, on_delete=models.CASCADE, null=True, blank=True, related_name="scores"
    )
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="reviewer_scores"
    )
    reviews = models.PositiveIntegerField(help_text="The reviewer's ratings in the graph.")
    alpha = models.FloatField(help_text="MAP α_u: the weight of each of u's ratings (star⁻²).")
    reliability = models.FloatField(help_text="Posterior mean of α_u (star⁻²).")
    confidence = models.FloatField(help_text="Share of the posterior shape from data, [0, 1).")
    suspicion = models.FloatField(help_text="[0, 1]; never shown on public pages.")
    updated_online_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fit", "reviewer"],
                condition=Q(reviewer__isnull=False),
                name="reviewer_score_per_fit",
            ),
            models.UniqueConstraint(
                fields=["fit", "review"],
                condition=Q(review__isnull=False),
                name="unattributed_review_score_per_fit",
            ),
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True, review__isnull=False)
                | Q(reviewer__isnull=False, review__isnull=True),
                name="reviewer_score_one_subject",
            ),
        ]

    def __str__(self) -> str:
        subject = f"reviewer {self.reviewer_id}" if self.reviewer_id else f"review {self.review_id}"
        return f"{subject} in {self.fit_id}: suspicion {self.suspicion:.2f}"
