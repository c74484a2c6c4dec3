"""Reads of the review queue for the public side: what a moderator decided about a product."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reviewsec.catalog.models import Product
from reviewsec.moderation.models import DECIDED_STATUSES, CaseStatus, ReviewCase

PUBLIC_LABELS = {
    CaseStatus.CONFIRMED_MANIPULATION: "reviewed by a moderator: confirmed manipulation",
    CaseStatus.CLEARED: "reviewed by a moderator: no manipulation found",
}


@dataclass(frozen=True)
class ModeratorReview:
    """A decision shoppers may see; open cases and recrawl requests are internal."""

    status: str
    label: str
    decided_at: dt.datetime | None


def moderator_review_for_product(*, product: Product) -> ModeratorReview | None:
    case = (
        ReviewCase.objects.filter(product=product, status__in=DECIDED_STATUSES)
        .only("status", "decided_at")
        .first()
    )
    if case is None:
        return None
    return ModeratorReview(
        status=case.status, label=PUBLIC_LABELS[CaseStatus(case.status)], decided_at=case.decided_at
    )


def product_in_review_queue(*, product: Product) -> bool:
    """Whether a moderator is waiting for fresh evidence (an open case, or a recrawl asked for)."""
    return ReviewCase.objects.filter(
        product=product, status__in=[CaseStatus.OPEN, CaseStatus.NEEDS_RECRAWL]
    ).exists()
