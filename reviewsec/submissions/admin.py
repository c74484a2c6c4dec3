"""Moderators' view of submitted reviews: who sent what for which product, and the purge.

Submissions cannot be edited or deleted here: purging (which also re-analyses the products) is
the one way to remove what a submission brought, and it is logged.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from reviewsec.catalog.models import ReviewSubmission
from reviewsec.submissions.models import UploadJob
from reviewsec.submissions.services import submissions_purge


@admin.register(ReviewSubmission)
class ReviewSubmissionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "product",
        "source",
        "client_key",
        "accepted",
        "duplicates",
        "created_at",
        "purged_at",
    )
    list_filter = ("source", ("purged_at", admin.EmptyFieldListFilter), "product__marketplace")
    search_fields = ("product__asin", "client_key")
    list_select_related = ("product",)
    readonly_fields = [field.name for field in ReviewSubmission._meta.fields]
    actions = ["purge"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(
        description="Purge these submissions' reviews (and re-analyse)",
        permissions=["change"],
    )
    def purge(self, request: HttpRequest, queryset: QuerySet[ReviewSubmission]) -> None:
        ids = list(queryset.values_list("id", flat=True))
        result = submissions_purge(submission_ids=ids, actor=request.user.get_username())
        for submission in ReviewSubmission.objects.filter(id__in=ids, purged_at__isnull=False):
            self.log_change(request, submission, "Purged its reviews and re-analysed the product.")
        self.message_user(
            request,
            f"Purged {result.submissions} submissions: {result.reviews_deleted} reviews deleted, "
            f"{len(result.products)} products re-analysed.",
            messages.SUCCESS,
        )


@admin.register(UploadJob)
class UploadJobAdmin(admin.ModelAdmin):
    list_display = ("file_name", "state", "stage", "reviews_imported", "client_key", "created_at")
    list_filter = ("state",)
    exclude = ("content",)
    readonly_fields = [f.name for f in UploadJob._meta.fields if f.name != "content"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
