"""Reads of the group layer for pages, the API and the verdict: aggregates only, no names.

What a public page may say about a product's reviewers and groups (DESIGN §4: scores about people
only in aggregate): how many of its reviewers are members of a group of the latest fit, what
those members did elsewhere (other products, other sellers, the window, the star level), one
sentence, and whether a moderator confirmed the group. A group a moderator dismissed (members
not paid, nothing confirmed) is not shown.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from reviewsec.catalog.models import Product
from reviewsec.groups.models import FitStatus, GroupDecision, GroupFit, GroupProduct, TargetKind

PUBLIC_FIELDS = (
    "groups",
    "reviewers_in_groups",
    "group_reviews",
    "other_products",
    "other_sellers",
    "star_level",
    "window_weeks",
    "sentence",
)


def latest_fit() -> GroupFit | None:
    return GroupFit.objects.filter(status=FitStatus.SUCCEEDED).first()


def _shown(rows: QuerySet[GroupProduct]) -> QuerySet[GroupProduct]:
    decisions = GroupDecision.objects.filter(group=OuterRef("group"))
    confirmed = decisions.filter(abusive=True)
    dismissed = decisions.filter(target=TargetKind.MEMBERS_PAID, abusive=False)
    return rows.annotate(confirmed=Exists(confirmed), dismissed=Exists(dismissed)).exclude(
        dismissed=True, confirmed=False
    )


def product_groups_public(*, product: Product) -> dict[str, Any] | None:
    """The product's group facts in the latest fit, for any visitor; None when it has none."""
    fit = latest_fit()
    if fit is None:
        return None
    rows = _shown(
        GroupProduct.objects.filter(group__fit=fit, product=product).exclude(evidence={})
    ).order_by("-group__score")
    row = rows.first()
    if row is None:
        return None
    public = {key: row.evidence.get(key) for key in PUBLIC_FIELDS}
    public["confirmed"] = any(other.confirmed for other in rows)
    public["fit"] = fit.version
    public["fitted_at"] = fit.finished_at.isoformat() if fit.finished_at else None
    return public


def product_group_review_ids(*, product: Product) -> set[int]:
    """Primary keys of the product's reviews inside a shown group of the latest fit."""
    fit = latest_fit()
    if fit is None:
        return set()
    groups = _shown(GroupProduct.objects.filter(group__fit=fit, product=product)).values("group_id")
    return set(product.reviews.filter(collusion_groups__in=groups).values_list("pk", flat=True))


def product_groups_for_analysis(*, product: Product) -> tuple[dict[str, Any] | None, set[int]]:
    """The ``reviewsec.analyses.hooks.on_product_groups`` answer: facts and reviews inside."""
    facts = product_groups_public(product=product)
    if facts is None:
        return None, set()
    return facts, product_group_review_ids(product=product)
