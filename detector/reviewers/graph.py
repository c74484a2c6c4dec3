"""The review graph: reviewers × products, integer-coded, from plain arrays.

One row per review. Reviewers and products are coded 0..n-1 in order of first appearance, so the
codes are stable under appending (the online updates rely on that). A review without a reviewer
(``user_id`` None or "") is its own one-review reviewer, whose label stays None.

Everything is kept as rating-level arrays (memory linear in the number of ratings); the sparse
reviewer × product matrices are built on demand and never densified. A reviewer who rated one
product twice keeps both rows here; the sparse matrices sum such duplicates, so the fits work on
the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from detector.columns import code_users

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Scalar = TypeVar("Scalar", bound=np.generic)
Labels = Sequence[str | None] | npt.NDArray[np.object_] | npt.NDArray[np.str_]


class GraphInputError(ValueError):
    """The arrays given for a review graph do not fit together."""


@dataclass(frozen=True)
class ReviewGraph:
    """Reviews as coded arrays, one entry per review.

    ``reviewer`` and ``product`` are codes into ``reviewer_labels`` / ``product_labels``;
    ``timestamp_ms`` is milliseconds since the epoch. ``verified``, ``helpful_votes``,
    ``text_length`` and ``reported_reviews`` are None when the source has no such column.
    ``reported_reviews`` is what the source says of the account's whole history (a profile's
    review count, the files' ``reviewer_review_count``), NaN where unknown: a graph built from one
    file sees only the reviews in it.
    """

    reviewer: IntArray
    product: IntArray
    rating: FloatArray
    timestamp_ms: IntArray
    reviewer_labels: list[str | None]
    product_labels: list[str]
    verified: BoolArray | None = None
    helpful_votes: FloatArray | None = None
    text_length: FloatArray | None = None
    reported_reviews: FloatArray | None = None

    @property
    def n_reviews(self) -> int:
        return int(self.rating.shape[0])

    @property
    def n_reviewers(self) -> int:
        return len(self.reviewer_labels)

    @property
    def n_products(self) -> int:
        return len(self.product_labels)

    def reviews_per_reviewer(self) -> IntArray:
        return np.bincount(self.reviewer, minlength=self.n_reviewers).astype(np.int64)

    def history_per_reviewer(self) -> IntArray:
        """max(reviews in the graph, the largest reported history of the reviewer's rows)."""
        counts = self.reviews_per_reviewer()
        if self.reported_reviews is None:
            return counts
        reported = np.zeros(self.n_reviewers)
        known = np.isfinite(self.reported_reviews)
        np.maximum.at(reported, self.reviewer[known], self.reported_reviews[known])
        result: IntArray = np.maximum(counts, np.floor(reported).astype(np.int64))
        return result

    def reviews_per_product(self) -> IntArray:
        return np.bincount(self.product, minlength=self.n_products).astype(np.int64)

    def incidence(self) -> sp.csr_matrix:
        """Reviewers × products, entry = number of reviews (usually 1)."""
        ones = np.ones(self.n_reviews)
        return _csr(ones, self.reviewer, self.product, (self.n_reviewers, self.n_products))

    def rating_matrix(self) -> sp.csr_matrix:
        """Reviewers × products, entry = the rating (summed where one reviewer rated twice)."""
        return _csr(self.rating, self.reviewer, self.product, (self.n_reviewers, self.n_products))


def _csr(
    values: FloatArray, rows: IntArray, cols: IntArray, shape: tuple[int, int]
) -> sp.csr_matrix:
    return sp.coo_matrix((values, (rows, cols)), shape=shape).tocsr()


def review_graph(
    *,
    user_id: Labels,
    product_id: Labels,
    rating: npt.ArrayLike,
    timestamp_ms: npt.ArrayLike,
    verified: npt.ArrayLike | None = None,
    helpful_votes: npt.ArrayLike | None = None,
    text_length: npt.ArrayLike | None = None,
    reported_reviews: npt.ArrayLike | None = None,
) -> ReviewGraph:
    """Build the graph from equal-length arrays (ratings 1–5, timestamps in ms)."""
    ratings = np.asarray(rating, dtype=np.float64)
    n = ratings.shape[0]
    times = np.asarray(timestamp_ms, dtype=np.int64)
    _check_lengths(n, user_id=len(user_id), product_id=len(product_id), timestamp_ms=len(times))
    if n and (np.isnan(ratings).any() or ratings.min() < 1 or ratings.max() > 5):
        raise GraphInputError("ratings must lie between 1 and 5 stars")
    reviewer_codes, reviewer_labels = _code_reviewers(user_id)
    product_codes, product_labels = _code_labels([str(p) for p in product_id])
    return ReviewGraph(
        reviewer=reviewer_codes,
        product=product_codes,
        rating=ratings,
        timestamp_ms=times,
        reviewer_labels=reviewer_labels,
        product_labels=[p for p in product_labels if p is not None],
        verified=_optional_bool(verified, n),
        helpful_votes=_optional_float(helpful_votes, n, "helpful_votes"),
        text_length=_optional_float(text_length, n, "text_length"),
        reported_reviews=_optional_float(reported_reviews, n, "reported_reviews"),
    )


def review_graph_from_codes(
    *,
    reviewer: npt.ArrayLike,
    product: npt.ArrayLike,
    rating: npt.ArrayLike,
    timestamp_ms: npt.ArrayLike,
    verified: npt.ArrayLike | None = None,
    helpful_votes: npt.ArrayLike | None = None,
    text_length: npt.ArrayLike | None = None,
    reported_reviews: npt.ArrayLike | None = None,
) -> ReviewGraph:
    """The fast path for callers that already hold integer codes 0..n-1 (labels are the codes)."""
    reviewer_codes = np.asarray(reviewer, dtype=np.int64)
    product_codes = np.asarray(product, dtype=np.int64)
    ratings = np.asarray(rating, dtype=np.float64)
    n = ratings.shape[0]
    times = np.asarray(timestamp_ms, dtype=np.int64)
    _check_lengths(
        n, reviewer=len(reviewer_codes), product=len(product_codes), timestamp_ms=len(times)
    )
    if n and (reviewer_codes.min() < 0 or product_codes.min() < 0):
        raise GraphInputError("codes must be non-negative")
    n_reviewers = int(reviewer_codes.max()) + 1 if n else 0
    n_products = int(product_codes.max()) + 1 if n else 0
    return ReviewGraph(
        reviewer=reviewer_codes,
        product=product_codes,
        rating=ratings,
        timestamp_ms=times,
        reviewer_labels=[str(code) for code in range(n_reviewers)],
        product_labels=[str(code) for code in range(n_products)],
        verified=_optional_bool(verified, n),
        helpful_votes=_optional_float(helpful_votes, n, "helpful_votes"),
        text_length=_optional_float(text_length, n, "text_length"),
        reported_reviews=_optional_float(reported_reviews, n, "reported_reviews"),
    )


def graph_append(
    graph: ReviewGraph,
    *,
    user_id: Labels,
    product_id: Labels,
    rating: npt.ArrayLike,
    timestamp_ms: npt.ArrayLike,
    verified: npt.ArrayLike | None = None,
    helpful_votes: npt.ArrayLike | None = None,
    text_length: npt.ArrayLike | None = None,
    reported_reviews: npt.ArrayLike | None = None,
) -> ReviewGraph:
    """A new graph with more reviews; old codes keep their meaning, new labels get new codes."""
    extra = review_graph(
        user_id=user_id,
        product_id=product_id,
        rating=rating,
        timestamp_ms=timestamp_ms,
        verified=verified,
        helpful_votes=helpful_votes,
        text_length=text_length,
        reported_reviews=reported_reviews,
    )
    reviewer_map = {label: code for code, label in enumerate(graph.reviewer_labels) if label}
    reviewer_labels = list(graph.reviewer_labels)
    new_reviewer = np.empty(extra.n_reviewers, dtype=np.int64)
    for code, label in enumerate(extra.reviewer_labels):
        known = reviewer_map.get(label) if label else None
        if known is None:
            known = len(reviewer_labels)
            reviewer_labels.append(label)
        new_reviewer[code] = known
    product_map = {label: code for code, label in enumerate(graph.product_labels)}
    product_labels = list(graph.product_labels)
    new_product = np.empty(extra.n_products, dtype=np.int64)
    for code, label in enumerate(extra.product_labels):
        if label not in product_map:
            product_map[label] = len(product_labels)
            product_labels.append(label)
        new_product[code] = product_map[label]
    return ReviewGraph(
        reviewer=np.concatenate([graph.reviewer, new_reviewer[extra.reviewer]]),
        product=np.concatenate([graph.product, new_product[extra.product]]),
        rating=np.concatenate([graph.rating, extra.rating]),
        timestamp_ms=np.concatenate([graph.timestamp_ms, extra.timestamp_ms]),
        reviewer_labels=reviewer_labels,
        product_labels=product_labels,
        verified=_joined(graph.verified, extra.verified, graph.n_reviews, extra.n_reviews, False),
        helpful_votes=_joined(
            graph.helpful_votes, extra.helpful_votes, graph.n_reviews, extra.n_reviews, np.nan
        ),
        text_length=_joined(
            graph.text_length, extra.text_length, graph.n_reviews, extra.n_reviews, np.nan
        ),
        reported_reviews=_joined(
            graph.reported_reviews,
            extra.reported_reviews,
            graph.n_reviews,
            extra.n_reviews,
            np.nan,
        ),
    )


def _joined(
    old: npt.NDArray[Scalar] | None,
    new: npt.NDArray[Scalar] | None,
    n_old: int,
    n_new: int,
    fill: float | bool,
) -> npt.NDArray[Scalar] | None:
    if old is None:
        if new is None:
            return None
        return np.concatenate([np.full(n_old, fill, dtype=new.dtype), new])
    right = new if new is not None else np.full(n_new, fill, dtype=old.dtype)
    return np.concatenate([old, right])


def _check_lengths(n: int, **lengths: int) -> None:
    wrong = {name: length for name, length in lengths.items() if length != n}
    if wrong:
        raise GraphInputError(f"expected {n} entries like `rating`, got {wrong}")


def _optional_float(values: npt.ArrayLike | None, n: int, name: str) -> FloatArray | None:
    if values is None:
        return None
    array = np.asarray(values, dtype=np.float64)
    _check_lengths(n, **{name: array.shape[0]})
    return array


def _optional_bool(values: npt.ArrayLike | None, n: int) -> BoolArray | None:
    if values is None:
        return None
    array = np.asarray(values, dtype=np.bool_)
    _check_lengths(n, verified=array.shape[0])
    return array


def _code_reviewers(user_id: Labels) -> tuple[IntArray, list[str | None]]:
    """Codes in order of first appearance; every missing id (None or "") gets a code of its own."""
    return code_users([None if raw is None or raw == "" else str(raw) for raw in user_id])


def _code_labels(values: list[str]) -> tuple[IntArray, list[str | None]]:
    seen: dict[str, int] = {}
    codes = np.fromiter(
        (seen.setdefault(value, len(seen)) for value in values), dtype=np.int64, count=len(values)
    )
    labels: list[str | None] = list(seen)
    return codes, labels
