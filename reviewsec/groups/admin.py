"""The group queue in the Django admin: the latest fit's groups, strongest first, decided per
target kind (members write paid reviews · members are compromised accounts · sellers buy paid
reviews), confirmed or dismissed. Decisions go through ``services.group_decide``: each records
who decided, becomes a label of the next fit, and a confirmation re-analyses the products.

Members are named here (moderators only); public pages show groups only in aggregate.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from reviewsec.groups.models import (
    FitStatus,
    GroupDecision,
    GroupFit,
    GroupProduct,
    ReviewerGroup,
    TargetKind,
)

MAX_LISTED = 60  # members or products listed on a group's page


@admin.register(GroupFit)
class GroupFitAdmin(admin.ModelAdmin):
    list_display = (
        "version",
        "status",
        "started_at",
        "seconds",
        "reviews",
        "reviewers",
        "products",
        "sellers",
        "labels",
        "groups_found",
    )
    list_filter = ("status",)
    readonly_fields = [field.name for field in GroupFit._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class DecisionFilter(admin.SimpleListFilter):
    title = "decision"
    parameter_name = "decision"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("undecided", "Undecided"), ("confirmed", "Confirmed"), ("dismissed", "Dismissed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "undecided":
            return queryset.filter(decisions__isnull=True)
        if self.value() == "confirmed":
            return queryset.filter(decisions__abusive=True).distinct()
        if self.value() == "dismissed":
            return queryset.filter(decisions__abusive=False).exclude(decisions__abusive=True)
        return queryset


class FitFilter(admin.SimpleListFilter):
    """The latest successful fit by default: earlier fits' groups are history."""

    title = "fit"
    parameter_name = "fit"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        fits = GroupFit.objects.filter(status=FitStatus.SUCCEEDED)[:10]
        return [("all", "All fits")] + [(str(fit.pk), fit.version) for fit in fits]

    def choices(self, changelist: Any) -> Any:
        for choice in super().choices(changelist):
            if choice["display"] == "All":
                choice["display"] = "Latest"
            yield choice

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "all":
            return queryset
        if self.value():
            return queryset.filter(fit_id=self.value())
        latest = GroupFit.objects.filter(status=FitStatus.SUCCEEDED).first()
        return queryset.filter(fit=latest)


class GroupDecisionInline(admin.TabularInline):
    model = GroupDecision
    fields = ("target", "abusive", "decided_by", "decided_at", "carried", "notes")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewerGroup)
class ReviewerGroupAdmin(admin.ModelAdmin):
    list_display = (
        "rank",
        "member_count",
        "products_short",
        "sellers_short",
        "window",
        "stars",
        "score_short",
        "decision_summary",
    )
    list_display_links = ("rank",)
    list_filter = (FitFilter, DecisionFilter)
    ordering = ("-fit__started_at", "rank")
    search_fields = ("products__asin", "sellers__name", "members__profile_id")
    fields = (
        "fit",
        "rank",
        "window",
        "stars",
        "score",
        "evidence_table",
        "products_list",
        "sellers_list",
        "members_list",
        "carried_from",
    )
    readonly_fields = fields
    inlines = (GroupDecisionInline,)
    actions = (
        "confirm_members_paid",
        "confirm_members_compromised",
        "confirm_sellers_paid",
        "dismiss_members",
        "dismiss_sellers",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewerGroup]:
        return (
            super()
            .get_queryset(request)
            .select_related("fit")
            .prefetch_related("products", "sellers", "decisions")
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        # As the review queue: the table needs the room at 1280 px.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra_context)

    # --- Columns ---------------------------------------------------------------------------

    @admin.display(description="products")
    def products_short(self, group: ReviewerGroup) -> str:
        asins = [product.asin for product in group.products.all()]
        return ", ".join(asins[:4]) + (f" +{len(asins) - 4}" if len(asins) > 4 else "")

    @admin.display(description="sellers")
    def sellers_short(self, group: ReviewerGroup) -> str:
        names = [str(seller) for seller in group.sellers.all()]
        return ", ".join(names) or "unknown"

    @admin.display(description="window")
    def window(self, group: ReviewerGroup) -> str:
        days = (group.window_end - group.window_start).days
        return f"{group.window_start:%Y-%m-%d} – {group.window_end:%Y-%m-%d} ({days} days)"

    @admin.display(description="rating", ordering="rating")
    def stars(self, group: ReviewerGroup) -> str:
        return f"{group.rating:.2f}★ over {group.review_count} reviews"

    @admin.display(description="score", ordering="score")
    def score_short(self, group: ReviewerGroup) -> str:
        return f"{group.score:.1f}"

    @admin.display(description="decisions")
    def decision_summary(self, group: ReviewerGroup) -> str:
        decisions = list(group.decisions.all())
        if not decisions:
            return "undecided"
        return "; ".join(str(decision) for decision in decisions)

    @admin.display(description="what makes it dense")
    def evidence_table(self, group: ReviewerGroup) -> str:
        rows = ((key, value) for key, value in sorted(group.evidence.items()))
        return format_html(
            '<table class="group-evidence">{}</table>',
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description="products")
    def products_list(self, group: ReviewerGroup) -> str:
        items = []
        for product in group.products.all()[:MAX_LISTED]:
            if product.product_id is None:
                label = format_html("{} ({})", product.asin, product.marketplace)
                items.append((label, "known from reviewers' histories only"))
                continue
            url = reverse("web:product-verdict", args=[product.marketplace, product.asin])
            label = format_html('<a href="{}">{}</a> ({})', url, product.asin, product.marketplace)
            items.append((label, product.evidence.get("sentence", "")))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} — {}</li>", items))

    @admin.display(description="sellers")
    def sellers_list(self, group: ReviewerGroup) -> str:
        sellers = ((seller.name, seller.seller_id) for seller in group.sellers.all())
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} ({})</li>", sellers))

    @admin.display(description="members")
    def members_list(self, group: ReviewerGroup) -> str:
        members = group.members.all()[:MAX_LISTED]
        links = (
            (reverse("admin:catalog_reviewer_change", args=[m.pk]), m.display_name or "—",
             m.profile_id)
            for m in members
        )  # fmt: skip
        more = group.member_count - len(members)
        return format_html(
            "<ul>{}</ul>{}",
            format_html_join("", '<li><a href="{}">{}</a> {}</li>', links),
            f"and {more} more" if more > 0 else "",
        )

    # --- Permissions: groups come from fits and are kept as the labels' audit trail ---------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # --- Decisions ---------------------------------------------------------------------------

    @admin.action(description="Confirm: members write paid reviews", permissions=["change"])
    def confirm_members_paid(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, TargetKind.MEMBERS_PAID, abusive=True)

    @admin.action(description="Confirm: members are compromised accounts", permissions=["change"])
    def confirm_members_compromised(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, TargetKind.MEMBERS_COMPROMISED, abusive=True)

    @admin.action(description="Confirm: sellers buy paid reviews", permissions=["change"])
    def confirm_sellers_paid(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, TargetKind.SELLERS_PAID, abusive=True)

    @admin.action(description="Dismiss: members are not paid reviewers", permissions=["change"])
    def dismiss_members(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, TargetKind.MEMBERS_PAID, abusive=False)

    @admin.action(description="Dismiss: sellers did not buy reviews", permissions=["change"])
    def dismiss_sellers(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, TargetKind.SELLERS_PAID, abusive=False)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Any], target: TargetKind, *, abusive: bool
    ) -> None:
        # services imports detector.groups (scipy, numba): at the first decision, not at the
        # admin's autodiscovery in every process's django.setup().
        from reviewsec.groups.services import group_decide

        groups = list(queryset)
        for group in groups:
            group_decide(group=group, target=target, abusive=abusive, moderator=request.user)
        verdict = "confirmed" if abusive else "dismissed"
        extra = " Their products are being re-analysed." if abusive else ""
        self.message_user(
            request,
            f"{target.label}: {verdict} for {len(groups)} group(s).{extra}",
            messages.SUCCESS,
        )


# GroupProduct rows are shown on their group's page; no admin of their own.
__all__ = ["GroupFitAdmin", "GroupProduct", "ReviewerGroupAdmin"]
