"""The review graph of one review file, for ``python -m detector`` (issue 15's CLI contract).

Pass 1 of the CLI hands every product's arrays to ``GraphColumns.add`` (products in verdict order,
each product's reviews in file order); ``fit`` builds ONE reviewers × products graph over the whole
file (``detector.reviewers.review_graph``: a review without a user id is its own one-review
reviewer), fits the reviewer scores once (``reviewer_scores``) and returns a ``FileGraph`` whose
rows are laid out product after product (product k's reviews: rows ``offsets[k]:offsets[k + 1]``).
Pass 2 takes ``product_scores(k)`` into ``detector.analyze`` and writes the JSON Lines of
``--reviewers-out`` and ``--reviews-out``.

Where some products of a file say whether purchases were verified and others do not, the others
count as unverified in the graph (the reviewer features need one column); helpful votes and text
lengths stay unknown (NaN) where missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from detector.io import ProductReviews
from detector.reviewers import ReviewerScores, review_graph, reviewer_scores, suspicion_weight
from detector.reviewers.evidence import ProductReviewerScores
from detector.verdict import Verdict

__all__ = ["FileGraph", "GraphColumns"]

_DUMPS = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


@dataclass
class GraphColumns:
    """The per-review columns of the graph, collected product by product."""

    user_id: list[Any] = field(default_factory=list)
    rating: list[npt.NDArray[np.int64]] = field(default_factory=list)
    timestamp_ms: list[npt.NDArray[np.int64]] = field(default_factory=list)
    verified: list[npt.NDArray[np.float64]] = field(default_factory=list)
    helpful_votes: list[npt.NDArray[np.float64]] = field(default_factory=list)
    text_length: list[npt.NDArray[np.float64]] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    has: set[str] = field(default_factory=set)

    def add(self, reviews: Mapping[str, npt.NDArray[Any]]) -> None:
        n = int(reviews["rating"].size)
        self.sizes.append(n)
        self.rating.append(np.asarray(reviews["rating"], dtype=np.int64))
        moments = np.asarray(reviews["posted_at"]).astype("datetime64[ms]")
        self.timestamp_ms.append(moments.astype(np.int64))
        users = reviews.get("user_id")
        self.user_id.extend([None] * n if users is None else users.tolist())
        for name in ("verified", "helpful_votes", "text_length"):
            values = reviews.get(name)
            if values is not None:
                self.has.add(name)
                numbers = np.array([np.nan if v is None else float(v) for v in values.tolist()])
            else:
                numbers = np.full(n, np.nan)
            getattr(self, name).append(numbers)

    def fit(self) -> FileGraph:
        def joined(name: str) -> npt.NDArray[Any]:
            parts = getattr(self, name)
            return np.concatenate(parts) if parts else np.zeros(0)

        product = np.repeat(np.arange(len(self.sizes)), self.sizes)
        verified = joined("verified")
        graph = review_graph(
            user_id=self.user_id,
            product_id=[str(code) for code in product],
            rating=joined("rating"),
            timestamp_ms=joined("timestamp_ms").astype(np.int64),
            verified=np.nan_to_num(verified, nan=0.0) > 0.5 if "verified" in self.has else None,
            helpful_votes=joined("helpful_votes") if "helpful_votes" in self.has else None,
            text_length=joined("text_length") if "text_length" in self.has else None,
        )
        scores = reviewer_scores(graph)
        offsets = np.concatenate([[0], np.cumsum(self.sizes, dtype=np.int64)])
        return FileGraph(graph.reviewer_labels, graph.reviewer, scores, offsets)


@dataclass(frozen=True)
class FileGraph:
    """A fitted file graph: reviewer labels and codes per row, the scores, product offsets."""

    reviewer_labels: list[str | None]
    reviewer: npt.NDArray[np.int64]
    scores: ReviewerScores
    offsets: npt.NDArray[np.int64]
    base_suspect_share: float = field(init=False)
    reviewer_reviews: npt.NDArray[np.int64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        suspect = suspicion_weight(self.scores.review_suspicion) < 0.5
        base = float(suspect.mean()) if suspect.size else 0.0
        counts = np.bincount(self.reviewer, minlength=len(self.reviewer_labels))
        object.__setattr__(self, "base_suspect_share", base)
        object.__setattr__(self, "reviewer_reviews", counts[self.reviewer].astype(np.int64))

    def rows(self, index: int) -> slice:
        return slice(int(self.offsets[index]), int(self.offsets[index + 1]))

    def product_scores(self, index: int) -> ProductReviewerScores:
        """Product ``index``'s reviews' scores, in its file order (as ``analyze`` takes them)."""
        rows = self.rows(index)
        return ProductReviewerScores(
            review_suspicion=self.scores.review_suspicion[rows],
            reviewer_reviews=self.reviewer_reviews[rows],
            base_suspect_share=self.base_suspect_share,
        )

    def reviewer_lines(self) -> Iterator[str]:
        """``--reviewers-out``: {"user_id", "reviews", "reliability", "suspicion"} per reviewer."""
        counts = self.scores.features.reviews.tolist()
        reliability = self.scores.reliability.reliability.tolist()
        suspicion = self.scores.reviewer_suspicion.tolist()
        for code, label in enumerate(self.reviewer_labels):
            record = {
                "user_id": label,
                "reviews": counts[code],
                "reliability": round(reliability[code], 6),
                "suspicion": round(suspicion[code], 6),
            }
            yield _DUMPS(record) + "\n"

    def review_lines(self, index: int, product: ProductReviews, verdict: Verdict) -> list[str]:
        """``--reviews-out``: {"user_id", "parent_asin", "timestamp", "suspicion", "weight"} per
        review of product ``index``, in file order."""
        rows = self.rows(index)
        users = [self.reviewer_labels[code] for code in self.reviewer[rows].tolist()]
        moments = product.reviews["posted_at"].astype("datetime64[ms]").astype(np.int64).tolist()
        suspicion = self.scores.review_suspicion[rows].tolist()
        evidence = verdict.reviewers
        weights = evidence.weights if evidence is not None else None
        weight_list = [None] * len(users) if weights is None else weights.tolist()
        parent = product.parent_asin or product.asin
        return [
            _DUMPS(
                {
                    "user_id": user,
                    "parent_asin": parent,
                    "timestamp": moment,
                    "suspicion": round(score, 6),
                    "weight": None if weight is None or weight != weight else round(weight, 6),
                }
            )
            + "\n"
            for user, moment, score, weight in zip(
                users, moments, suspicion, weight_list, strict=True
            )
        ]
