"""Reads for the analysis flow: latest verdict, running job, a product's reviews as arrays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils import timezone

from reviewsec.analyses.models import (
    ACTIVE_JOB_STATES,
    Analysis,
    CrawlJob,
    ReferenceModelVersion,
)
from reviewsec.catalog.models import Product, Review


@dataclass(frozen=True)
class VerdictVersion:
    """What a rendered verdict (the API's body, the HTML page) depends on: the product's latest
    analysis and the moderator's decision, as one query reads them.

    A new analysis or a decision changes ``cache_key``, so a cached rendering is never served
    stale. The analysis's creation time is part of the key because ids alone can come back (a
    database restored from a backup, test databases rolled back) while the cache remembers the
    old rows.
    """

    analysis_id: int
    created_at: dt.datetime
    case_status: str | None
    case_decided_at: dt.datetime | None

    def cache_key(self, prefix: str) -> str:
        """The key of one rendering (``prefix`` names which, with its format version)."""
        decided = self.case_decided_at.timestamp() if self.case_decided_at else ""
        return (
            f"{prefix}:{self.analysis_id}:{self.created_at.timestamp()}:"
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


def analysis_latest(*, product: Product) -> Analysis | None:
    return product.analyses.order_by("-created_at", "-id").first()


def analysis_is_fresh(*, analysis: Analysis, now: dt.datetime | None = None) -> bool:
    """Fresh: younger than ``ANALYSIS_MAX_AGE_SECONDS`` and nothing was crawled after it."""
    now = now or timezone.now()
    max_age = dt.timedelta(seconds=settings.ANALYSIS_MAX_AGE_SECONDS)
    if now - analysis.created_at >= max_age:
        return False
    crawled = analysis.product.last_crawled_at
    return crawled is None or crawled <= analysis.created_at


def crawl_job_active(*, product: Product) -> CrawlJob | None:
    return product.crawl_jobs.filter(state__in=ACTIVE_JOB_STATES).first()


def reference_model_version_active() -> ReferenceModelVersion | None:
    return ReferenceModelVersion.objects.filter(is_active=True).first()


REVIEW_COLUMNS = (
    "rating",
    "posted_date",
    "posted_at",
    "body",
    "country",
    "verified_purchase",
    "helpful_votes",
    "reviewer__total_reviews",
)


def product_reviews_for_analysis(*, product: Product) -> dict[str, np.ndarray]:
    """The product's reviews in arrival order as the equal-length arrays ``detector.analyze`` takes.

    Arrival order is the posted date (time when known), ties kept in crawl order (``id``), as
    DESIGN §3.1 asks. One ``values_list`` query; no model instances are built.
    """
    rows = list(
        Review.objects.filter(product=product)
        .order_by("posted_date", "posted_at", "id")
        .values_list(*REVIEW_COLUMNS)
    )
    n = len(rows)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(REVIEW_COLUMNS)
    rating, posted_date, posted_at, body, country, verified, helpful, reviewer_total = columns
    has_time = n > 0 and all(value is not None for value in posted_at)
    if has_time:
        moments = [value.astimezone(dt.UTC).replace(tzinfo=None) for value in posted_at]
        posted = np.array(moments, dtype="datetime64[s]")
    else:
        # Day precision tells the detector that no time of day is known (no hour-of-day test).
        posted = np.array(posted_date, dtype="datetime64[D]")
    arrays: dict[str, np.ndarray] = {
        "rating": np.array(rating, dtype=np.int64),
        "posted_at": posted.reshape(n),
        "text_length": np.array([len(text or "") for text in body], dtype=np.float64),
        "verified": np.array(verified, dtype=bool).reshape(n),
        "helpful_votes": np.array(helpful, dtype=np.float64).reshape(n),
    }
    if any(country):
        arrays["country"] = np.array([c or "unknown" for c in country], dtype=object)
    if any(total is not None for total in reviewer_total):
        arrays["reviewer_review_count"] = np.array(
            [np.nan if total is None else total for total in reviewer_total], dtype=np.float64
        )
    return arrays
