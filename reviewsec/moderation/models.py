"""Review cases: one per product, opened by a suspicious verdict, closed by a moderator."""

from django.conf import settings
from django.db import models

from reviewsec.analyses.models import Analysis, Category
from reviewsec.catalog.models import Product


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED_MANIPULATION = "confirmed_manipulation", "Confirmed manipulation"
    CLEARED = "cleared", "Cleared"
    NEEDS_RECRAWL = "needs_recrawl", "Needs recrawl"


DECIDED_STATUSES = (CaseStatus.CONFIRMED_MANIPULATION, CaseStatus.CLEARED)


class Severity(models.IntegerChoices):
    """Integers so that "most severe first" is a plain ORDER BY."""

    SUSPICIOUS = 1, "Suspicious"
    HIGHLY_SUSPICIOUS = 2, "Highly suspicious"


SEVERITY_BY_CATEGORY = {
    Category.SUSPICIOUS: Severity.SUSPICIOUS,
    Category.HIGHLY_SUSPICIOUS: Severity.HIGHLY_SUSPICIOUS,
}


class ReviewCase(models.Model):
    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="review_case")
    analysis = models.ForeignKey(
        Analysis,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text="The latest suspicious analysis of the product.",
    )
    status = models.CharField(max_length=24, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_review_cases",
    )
    notes = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_review_cases",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(help_text="When the case last became open: its age.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-severity", "opened_at"], name="reviewcase_queue"),
        ]
        ordering = ["-severity", "opened_at"]

    def __str__(self) -> str:
        return f"case {self.pk}: {self.product.asin} ({self.get_status_display()})"


class ReviewCaseEvent(models.Model):
    """The case's history: every opening, update and decision, with who and when."""

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="events")
    analysis = models.ForeignKey(
        Analysis, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=24, choices=CaseStatus.choices)
    message = models.CharField(max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system acted (a new analysis).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.message}"
