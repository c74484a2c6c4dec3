"""The review queue in the Django admin: most severe and oldest cases first, decided in bulk.

Decisions go through ``services`` (never a plain ``save()``), so each one records who made it
and when, and "needs recrawl" really starts a new analysis.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from reviewsec.moderation.models import CaseStatus, ReviewCase, ReviewCaseEvent
from reviewsec.moderation.services import (
    MODERATORS_GROUP,
    case_assign,
    case_decide,
    case_notes_update,
)


class ReviewCaseEventInline(admin.TabularInline):
    model = ReviewCaseEvent
    fields = ("created_at", "status", "message", "actor", "analysis")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: ReviewCase | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReviewCase | None = None) -> bool:
        return False


@admin.register(ReviewCase)
class ReviewCaseAdmin(admin.ModelAdmin):
    list_display = (
        "product_short",
        "severity",
        "status",
        "category",
        "age",
        "assignee",
        "decided_by",
        "decided_at",
        "verdict_page",
    )
    list_filter = (
        "status",
        "severity",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        "product__marketplace",
        "opened_at",
    )
    search_fields = ("product__asin", "product__title", "product__brand", "notes")
    ordering = ("-severity", "opened_at")
    list_select_related = ("product", "analysis", "assignee", "decided_by")
    fields = (
        "product",
        "verdict_page",
        "severity",
        "verdict_summary",
        "status",
        "assignee",
        "notes",
        "opened_at",
        "decided_by",
        "decided_at",
    )
    readonly_fields = (
        "product",
        "verdict_page",
        "severity",
        "verdict_summary",
        "opened_at",
        "decided_by",
        "decided_at",
    )
    inlines = (ReviewCaseEventInline,)
    actions = ("confirm", "clear", "recrawl", "assign_to_me")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        # The queue needs the room: with the site's nav sidebar and the filters beside it, a
        # 1280 px screen showed only the product column (the table scrolled sideways).
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra_context)

    # --- Columns ---------------------------------------------------------------------------

    @admin.display(description="product", ordering="product__asin")
    def product_short(self, case: ReviewCase) -> str:
        product = case.product
        title = product.title if len(product.title) <= 40 else product.title[:39] + "…"
        return f"{product.asin} {title}".strip()

    @admin.display(description="verdict", ordering="analysis__category")
    def category(self, case: ReviewCase) -> str:
        return case.analysis.get_category_display() if case.analysis else "—"

    @admin.display(description="open for", ordering="opened_at")
    def age(self, case: ReviewCase) -> str:
        return timesince(case.opened_at)

    @admin.display(description="verdict page")
    def verdict_page(self, case: ReviewCase) -> str:
        product = case.product
        url = reverse("web:product-verdict", args=[product.marketplace, product.asin])
        return format_html('<a href="{}" target="_blank">charts and reasons ↗</a>', url)

    @admin.display(description="verdict summary")
    def verdict_summary(self, case: ReviewCase) -> str:
        if case.analysis is None:
            return "—"
        analysis = case.analysis
        reasons = (analysis.verdict.get("verdict") or {}).get("reasons") or []
        return format_html(
            "<p><strong>{}</strong> · {} reviews · PCI {} · ERO satisfaction {} · {}</p>"
            "<ul>{}</ul>",
            analysis.get_category_display(),
            analysis.reviews_analyzed,
            _number(analysis.pci),
            _number(analysis.ero_satisfaction),
            analysis.created_at.strftime("%Y-%m-%d %H:%M"),
            format_html_join("", "<li>{}</li>", ((reason,) for reason in reasons)),
        )

    # --- Permissions: cases are opened by the system and kept as the audit trail ------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReviewCase | None = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "assignee":
            from django.contrib.auth import get_user_model
            from django.db.models import Q

            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(
                    Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP), is_active=True
                )
                .distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: ReviewCase, form: ModelForm, change: bool
    ) -> None:
        changed, data = set(form.changed_data), form.cleaned_data
        if "notes" in changed:
            case_notes_update(case=obj, notes=data["notes"])
        if "assignee" in changed:
            case_assign(case=obj, assignee=data["assignee"], actor=request.user)
        if "status" in changed:
            case_decide(case=obj, status=data["status"], actor=request.user)

    # --- Bulk actions ------------------------------------------------------------------------

    @admin.action(description="Confirm manipulation", permissions=["change"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[ReviewCase]) -> None:
        self._decide(request, queryset, CaseStatus.CONFIRMED_MANIPULATION)

    @admin.action(description="Clear (no manipulation)", permissions=["change"])
    def clear(self, request: HttpRequest, queryset: QuerySet[ReviewCase]) -> None:
        self._decide(request, queryset, CaseStatus.CLEARED)

    @admin.action(description="Needs recrawl: analyse again now", permissions=["change"])
    def recrawl(self, request: HttpRequest, queryset: QuerySet[ReviewCase]) -> None:
        self._decide(request, queryset, CaseStatus.NEEDS_RECRAWL)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[ReviewCase]) -> None:
        for case in queryset:
            case_assign(case=case, assignee=request.user, actor=request.user)
        self.message_user(request, f"Assigned {len(queryset)} case(s) to you.", messages.SUCCESS)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[ReviewCase], status: CaseStatus
    ) -> None:
        cases = list(queryset.select_related("product"))
        for case in cases:
            case_decide(case=case, status=status, actor=request.user)
        self.message_user(request, f"{status.label}: {len(cases)} case(s).", messages.SUCCESS)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"
