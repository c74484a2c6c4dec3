"""Reads for the reviewer layer: stored reviews as a review graph, and the active fit's scores.

Every rating we hold becomes one row of ``detector.reviewers.ReviewGraph``: crawled, submitted and
uploaded reviews (``catalog.Review``), and the other reviews reviewers' profiles list
(``catalog.ReviewerHistory``) unless the same reviewer's review of that product is already a
``Review``. Rows are read with ``values_list`` in chunks of ``CHUNK_SIZE`` straight into
preallocated numpy arrays, so memory is linear in the ratings (about 40 bytes a rating, plus a
dict entry per product and reviewer) and no model instance is built.

Products are keyed by (marketplace, ASIN) — history rows name products we may never have crawled.
A review without a reviewer is its own one-review reviewer (DESIGN §4, the CLI's rule). A history
row has no verified-purchase flag (it counts as verified: a long history must not read as
unverified buying) and may have no date (it is then placed far from every other row, so it never
makes a burst).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import Max, QuerySet

from detector.reviewers import ReviewGraph, review_graph_from_codes
from reviewsec.analyses.reviewer_models import ReviewerGraphFit, ReviewerScore
from reviewsec.catalog.models import Review, Reviewer, ReviewerHistory

IntArray = npt.NDArray[np.int64]

CHUNK_SIZE = 20_000
DAY_MS = 86_400_000
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
UNDATED_START_MS = -(10**15)  # ~31,000 years before 1970: before any real date

REVIEW_ROW = (
    "id",
    "reviewer_id",
    "product__marketplace",
    "product__asin",
    "rating",
    "posted_date",
    "posted_at",
    "verified_purchase",
    "helpful_votes",
)
HISTORY_ROW = (
    "id",
    "reviewer_id",
    "reviewer__marketplace",
    "product_asin",
    "rating",
    "posted_date",
)


@dataclass(frozen=True)
class StoredGraph:
    """The graph and what its codes mean in the database.

    Per reviewer code: ``reviewer_pk`` (``catalog.Reviewer``) or, for an unattributed review,
    ``review_pk`` (-1 where not applicable). Per row: ``row_review_pk`` or ``row_history_pk``.
    ``last_review_id`` / ``last_history_id``: the largest ids read (rows above arrived later).
    """

    graph: ReviewGraph
    reviewer_pk: IntArray
    review_pk: IntArray
    row_review_pk: IntArray
    row_history_pk: IntArray
    product_keys: list[tuple[str, str]]
    last_review_id: int
    last_history_id: int


class _Coder:
    """Codes 0..n-1 in order of first appearance."""

    def __init__(self) -> None:
        self.codes: dict[object, int] = {}

    def code(self, key: object) -> int:
        return self.codes.setdefault(key, len(self.codes))


def stored_review_graph(
    *,
    reviews: QuerySet[Review] | None = None,
    history: QuerySet[ReviewerHistory] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> StoredGraph:
    """The review graph of ``reviews`` and ``history`` (default: everything stored)."""
    reviews = Review.objects.all() if reviews is None else reviews
    history = ReviewerHistory.objects.all() if history is None else history
    last_review_id = reviews.aggregate(top=Max("id"))["top"] or 0
    last_history_id = history.aggregate(top=Max("id"))["top"] or 0
    reviews = reviews.filter(id__lte=last_review_id)  # rows arriving while we read wait
    history = history.filter(id__lte=last_history_id)
    size = reviews.count() + history.count()
    rows = _Rows(size)
    reviewers, products = _Coder(), _Coder()
    review_rows = reviews.order_by("id").values_list(*REVIEW_ROW)
    for (
        pk,
        reviewer_id,
        market,
        asin,
        rating,
        day,
        moment,
        verified,
        helpful,
    ) in review_rows.iterator(chunk_size=chunk_size):
        subject = ("reviewer", reviewer_id) if reviewer_id is not None else ("review", pk)
        rows.add(
            reviewers.code(subject),
            products.code((market, asin)),
            rating,
            _milliseconds(day, moment),
            verified,
            helpful,
            review_pk=pk,
        )
    reviewed = rows.pair_keys()  # (reviewer, product) pairs a Review already holds
    undated = 0
    history_rows = history.order_by("id").values_list(*HISTORY_ROW)
    for pk, reviewer_id, market, asin, rating, day in history_rows.iterator(chunk_size=chunk_size):
        reviewer = reviewers.code(("reviewer", reviewer_id))
        product = products.code((market, asin))
        if _holds(reviewed, reviewer, product):
            continue
        if day is None:
            undated += 1
            when = UNDATED_START_MS - 2 * DAY_MS * undated
        else:
            when = (day.toordinal() - EPOCH_ORDINAL) * DAY_MS
        rows.add(reviewer, product, rating, when, True, np.nan, history_pk=pk)
    return rows.stored(reviewers, products, last_review_id, last_history_id)


class _Rows:
    """Preallocated per-row arrays, filled one row at a time, trimmed at the end."""

    def __init__(self, size: int) -> None:
        self.n = 0
        self.reviewer = np.empty(size, dtype=np.int64)
        self.product = np.empty(size, dtype=np.int64)
        self.rating = np.empty(size, dtype=np.float64)
        self.timestamp_ms = np.empty(size, dtype=np.int64)
        self.verified = np.empty(size, dtype=np.bool_)
        self.helpful = np.empty(size, dtype=np.float64)
        self.review_pk = np.full(size, -1, dtype=np.int64)
        self.history_pk = np.full(size, -1, dtype=np.int64)

    def add(
        self,
        reviewer: int,
        product: int,
        rating: int,
        when: int,
        verified: bool,
        helpful: float,
        *,
        review_pk: int = -1,
        history_pk: int = -1,
    ) -> None:
        k = self.n
        if k == self.reviewer.shape[0]:  # rows deleted and others added while we read: rare
            return
        self.reviewer[k], self.product[k], self.rating[k] = reviewer, product, rating
        self.timestamp_ms[k], self.verified[k], self.helpful[k] = when, verified, helpful
        self.review_pk[k], self.history_pk[k] = review_pk, history_pk
        self.n = k + 1

    def pair_keys(self) -> IntArray:
        keys: IntArray = np.sort(self.reviewer[: self.n] * (1 << 31) + self.product[: self.n])
        return keys

    def stored(
        self, reviewers: _Coder, products: _Coder, last_review_id: int, last_history_id: int
    ) -> StoredGraph:
        n = self.n
        graph = review_graph_from_codes(
            reviewer=self.reviewer[:n],
            product=self.product[:n],
            rating=self.rating[:n],
            timestamp_ms=self.timestamp_ms[:n],
            verified=self.verified[:n],
            helpful_votes=self.helpful[:n],
        )
        reviewer_pk = np.full(len(reviewers.codes), -1, dtype=np.int64)
        review_pk = np.full(len(reviewers.codes), -1, dtype=np.int64)
        for (kind, pk), code in reviewers.codes.items():  # type: ignore[misc]
            (reviewer_pk if kind == "reviewer" else review_pk)[code] = pk
        # Every code has a row (a history row is skipped only where its reviewer and product
        # already have a review), so the graph's code ranges are the coders' ranges.
        return StoredGraph(
            graph=graph,
            reviewer_pk=reviewer_pk,
            review_pk=review_pk,
            row_review_pk=self.review_pk[:n].copy(),
            row_history_pk=self.history_pk[:n].copy(),
            product_keys=list(products.codes),  # type: ignore[arg-type]
            last_review_id=last_review_id,
            last_history_id=last_history_id,
        )


def _holds(sorted_keys: IntArray, reviewer: int, product: int) -> bool:
    key = reviewer * (1 << 31) + product
    at = int(np.searchsorted(sorted_keys, key))
    return at < sorted_keys.shape[0] and int(sorted_keys[at]) == key


def _milliseconds(day: dt.date, moment: dt.datetime | None) -> int:
    if moment is not None:
        return int(moment.timestamp() * 1000)
    return (day.toordinal() - EPOCH_ORDINAL) * DAY_MS


MAX_PROFILE_PRODUCTS = 200


def reviewer_profile(*, marketplace: str, profile_id: str) -> dict[str, Any] | None:
    """A reviewer's scores in the active fit and the products behind them (newest first, up to
    ``MAX_PROFILE_PRODUCTS``), or None when we hold no such reviewer. For API keys and
    moderators only: these are scores about a person (DESIGN §4)."""
    reviewer = Reviewer.objects.filter(marketplace=marketplace, profile_id=profile_id).first()
    if reviewer is None:
        return None
    fit = ReviewerGraphFit.objects.filter(is_active=True).first()
    score = (
        None if fit is None else ReviewerScore.objects.filter(fit=fit, reviewer=reviewer).first()
    )
    products = [
        {"marketplace": market, "asin": asin, "rating": rating, "date": day, "source": "review"}
        for market, asin, rating, day in reviewer.reviews.order_by(
            "-posted_date", "-id"
        ).values_list("product__marketplace", "product__asin", "rating", "posted_date")
    ]
    reviewed = {(row["marketplace"], row["asin"]) for row in products}
    products += [
        {
            "marketplace": reviewer.marketplace,
            "asin": asin,
            "rating": rating,
            "date": day,
            "source": "profile",
        }
        for asin, rating, day in reviewer.history.order_by("-posted_date", "-id").values_list(
            "product_asin", "rating", "posted_date"
        )
        if (reviewer.marketplace, asin) not in reviewed
    ]
    return {
        "marketplace": reviewer.marketplace,
        "profile_id": reviewer.profile_id,
        "fit": None
        if score is None
        else {
            "version": fit.version,
            "finished_at": fit.finished_at,
            "updated_online_at": score.updated_online_at,
        },
        "reviews": None if score is None else score.reviews,
        "reliability": None if score is None else score.reliability,
        "confidence": None if score is None else score.confidence,
        "suspicion": None if score is None else score.suspicion,
        "products_total": len(products),
        "products": products[:MAX_PROFILE_PRODUCTS],
    }
