"""Group fits and the collusion groups they found, with the moderators' decisions on them.

A ``GroupFit`` is one run of ``detector.groups.find_groups`` over every stored rating (crawled,
submitted, uploaded, reviewers' histories). Its ``ReviewerGroup`` rows are dense blocks: members
(``catalog.Reviewer``), products, sellers, a window, the mean rating, a score and the evidence.
A moderator decides per entity kind and abuse kind (``GroupDecision``): "the members write paid
reviews", "the sellers buy them", "the members are compromised accounts", or dismisses it. Every
decision becomes a label of the next fit (one logistic target per abuse kind, SENTINEL §3), so the
queue teaches the fit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reviewsec.catalog.models import Product, Review, Reviewer, Seller


class FitStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class GroupFit(models.Model):
    version = models.CharField(max_length=40, unique=True, help_text="groups-<UTC time>.")
    detector_version = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True, help_text="GroupParams used.")
    status = models.CharField(max_length=12, choices=FitStatus.choices, default=FitStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0, help_text="Ratings read (with histories).")
    reviewers = models.PositiveIntegerField(default=0)
    products = models.PositiveIntegerField(default=0)
    sellers = models.PositiveIntegerField(default=0)
    labels = models.PositiveIntegerField(default=0, help_text="Moderators' decisions used.")
    groups_found = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.version


class TargetKind(models.TextChoices):
    """What a decision is about: who, and which kind of abuse (one target each in the fit)."""

    MEMBERS_PAID = "reviewer:paid_reviews", "Members write paid reviews"
    MEMBERS_COMPROMISED = "reviewer:compromised", "Members are compromised accounts"
    SELLERS_PAID = "seller:paid_reviews", "Sellers buy paid reviews"


class ReviewerGroup(models.Model):
    fit = models.ForeignKey(GroupFit, on_delete=models.CASCADE, related_name="groups")
    rank = models.PositiveIntegerField(help_text="1 = the fit's strongest group.")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField(help_text="Exclusive.")
    rating = models.FloatField(help_text="Mean stars of the group's reviews.")
    score = models.FloatField(help_text="−log10 of the block's tail probability.")
    evidence = models.JSONField(default=dict, blank=True)
    member_count = models.PositiveIntegerField()
    product_count = models.PositiveIntegerField()
    seller_count = models.PositiveIntegerField()
    review_count = models.PositiveIntegerField()
    members = models.ManyToManyField(Reviewer, related_name="collusion_groups", blank=True)
    sellers = models.ManyToManyField(Seller, related_name="collusion_groups", blank=True)
    reviews = models.ManyToManyField(
        Review,
        related_name="collusion_groups",
        blank=True,
        help_text="Stored reviews inside the block (histories are counted, not linked).",
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The earlier group, with decisions, that this one mostly repeats.",
    )

    class Meta:
        ordering = ["fit", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["fit", "rank"], name="group_rank_per_fit"),
        ]

    def __str__(self) -> str:
        return (
            f"Group {self.rank} of {self.fit.version}: {self.member_count} reviewers, "
            f"{self.product_count} products"
        )


class GroupProduct(models.Model):
    """A product a group's members reviewed inside the window, and what its page may say."""

    group = models.ForeignKey(ReviewerGroup, on_delete=models.CASCADE, related_name="products")
    marketplace = models.CharField(max_length=32)
    asin = models.CharField("ASIN", max_length=10)
    product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collusion_groups",
        help_text="Empty for products known only from reviewers' histories.",
    )
    evidence = models.JSONField(
        default=dict, blank=True, help_text="Aggregate facts and the sentence; no names."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "marketplace", "asin"], name="group_product_once"
            ),
        ]
        ordering = ["group", "marketplace", "asin"]

    def __str__(self) -> str:
        return f"{self.asin} ({self.marketplace})"


class GroupDecision(models.Model):
    group = models.ForeignKey(ReviewerGroup, on_delete=models.CASCADE, related_name="decisions")
    target = models.CharField(max_length=32, choices=TargetKind.choices)
    abusive = models.BooleanField(help_text="Confirmed abusive; false: dismissed.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_decisions",
    )
    decided_at = models.DateTimeField(auto_now=True)
    carried = models.BooleanField(
        default=False, help_text="Copied from the earlier group this one repeats."
    )
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "target"], name="group_decision_per_target"),
        ]
        ordering = ["group", "target"]

    def __str__(self) -> str:
        verdict = "confirmed" if self.abusive else "dismissed"
        return f"{self.get_target_display()}: {verdict}"

    @property
    def entity_kind(self) -> str:
        return self.target.split(":", 1)[0]

    @property
    def abuse_kind(self) -> str:
        return self.target.split(":", 1)[1]
