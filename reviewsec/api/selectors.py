"""Reads for the API's hot path: which verdict body a product's verdict endpoint serves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reviewsec.analyses.models import Analysis


@dataclass(frozen=True)
class VerdictVersion:
    """What the verdict body depends on: the latest analysis and the moderator's decision.

    A new analysis or a decision changes ``cache_key``, so a cached body is never served stale.
    The analysis's creation time is part of the key because ids alone can come back (a database
    restored from a backup, test databases rolled back) while the cache remembers the old rows.
    """

    analysis_id: int
    created_at: dt.datetime
    case_status: str | None
    case_decided_at: dt.datetime | None

    @property
    def cache_key(self) -> str:
        decided = self.case_decided_at.timestamp() if self.case_decided_at else ""
        return (
            f"api:verdict:v1:{self.analysis_id}:{self.created_at.timestamp()}:"
            f"{self.case_status or ''}:{decided}"
        )


def verdict_version(*, marketplace: str, asin: str) -> VerdictVersion | None:
    """The product's latest analysis and its case, in one query; None if never analysed."""
    row = (
        Analysis.objects.filter(product__marketplace=marketplace, product__asin=asin)
        .order_by("-created_at", "-id")
        .values_list(
            "id", "created_at", "product__review_case__status", "product__review_case__decided_at"
        )
        .first()
    )
    return None if row is None else VerdictVersion(*row)
