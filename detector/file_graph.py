"""The review graph of one review file, for ``python -m detector`` (issue 15's CLI contract).

``fit_file_graph(table)`` builds ONE reviewers × products graph over every review of the file from
its compact columns (``detector.columns.ProductTable``: rows product after product, each product's
reviews in file order; product k's rows ``offsets[k]:offsets[k + 1]``), fits the reviewer scores
once (``detector.reviewers.reviewer_scores``) and returns a ``FileGraph``. Reviewer codes are
given in order of first appearance in that layout, and a review without a user id is its own
one-review reviewer (as ``detector.reviewers.review_graph`` codes them). The verdicts take
``product_scores(k)`` into ``detector.analyze``, and ``--reviewers-out`` / ``--reviews-out`` are
written from here.

The graph's columns are the reviews' as the verdicts see them: a product whose reviews do not
all give a time of day has its moments at whole days. A review that does not say whether the
purchase was verified counts as unverified (the reviewer features need one column); helpful
votes and text lengths stay unknown (NaN) where missing. A file where no review says one of
these has no such column. The reviews' ``reviewer_review_count`` (the account's whole history as
the source reports it) is the graph's ``reported_reviews``, as the database graph counts a
reviewer's stored history rows: an account with one review in the file but forty on its profile
is not a one-review account (its history feature is max(reviews here, reported)). The verdicts'
per-review ``reviewer_reviews`` stay the reviews in the graph, as
benchmarks/eval_reviewers_generated.py measured the file-graph figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from detector.columns import ProductTable
from detector.io import ProductReviews
from detector.reviewers import ReviewerScores, ReviewGraph, reviewer_scores, suspicion_weight
from detector.reviewers.evidence import ProductReviewerScores
from detector.reviewers.order import reordered, restore, reviewer_order
from detector.verdict import Verdict

__all__ = ["FileGraph", "fit_file_graph"]

_DUMPS = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def fit_file_graph(table: ProductTable) -> FileGraph:
    """The file's review graph, fitted (module docstring).

    The fit runs on the rows grouped by reviewer (``detector.reviewers.order``), as
    ``reviewer_scores`` would group them itself; here the graph is grouped at once and the
    graph in row order never exists beside it, and of the per-review results only the review
    suspicion is put back in row order (``reviewer_scores`` restores every per-review feature
    array, which the CLI drops). The fit sees the same arrays in the same order, so the scores
    are bit for bit those of ``reviewer_scores(file_review_graph(table))``. At a million
    reviews this keeps ~70 bytes a review (the row-order graph's four new columns, the four
    restored feature arrays) out of the parent's peak.
    """
    graph = file_review_graph(table)
    reviewer = graph.reviewer.astype(np.int32)  # row order, for the FileGraph
    order = reviewer_order(graph)
    if order is not None:
        graph = reordered(graph, order)  # the row-order graph's own arrays freed here
    scores = reviewer_scores(graph)  # already grouped: no second grouping inside
    suspicion = (
        scores.review_suspicion if order is None else restore(scores.review_suspicion, order)
    )
    del order
    return FileGraph.keep(
        graph.reviewer_labels, reviewer, replace(scores, review_suspicion=suspicion), table
    )


def file_review_graph(table: ProductTable) -> ReviewGraph:
    c = table.columns
    used, first = np.unique(c.user, return_index=True)
    by_first = used[np.argsort(first, kind="stable")]  # old codes in order of first appearance
    recode = np.empty(len(c.user_labels), dtype=np.int64)
    recode[by_first] = np.arange(by_first.size)
    sizes = table.sizes()
    starts = table.offsets[:-1]
    timed = np.logical_and.reduceat(c.has_time, starts) if c.n_reviews else np.zeros(0, bool)
    moments = c.timestamp_ms
    days = ~np.repeat(timed, sizes)
    if days.any():  # a copy only when some product's moments go to whole days
        moments = moments.copy()
        moments[days] = (
            moments[days].astype("datetime64[ms]").astype("datetime64[D]").astype("datetime64[ms]")
        ).astype(np.int64)
    del days
    product = np.repeat(np.arange(table.n_products, dtype=np.int64), sizes)
    return ReviewGraph(
        reviewer=recode[c.user],
        product=product,
        rating=c.rating.astype(np.float64),
        timestamp_ms=moments,
        reviewer_labels=[c.user_labels[code] for code in by_first.tolist()],
        product_labels=[str(code) for code in range(table.n_products)],
        verified=c.verified == 1 if (c.verified >= 0).any() else None,
        helpful_votes=_wide(c.helpful_votes),
        text_length=_wide(c.text_length),
        reported_reviews=_wide(c.reviewer_review_count),
    )


def _wide(values: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float64] | None:
    """A table's optional float column (float32 where that is exact, ``columns._compact``) as
    the float64 the fit computes with — the same values — or None where no review says it."""
    if np.isnan(values).all():
        return None
    return np.asarray(values, dtype=np.float64)


@dataclass(frozen=True)
class FileGraph:
    """A fitted file graph: what the verdicts and the two output files read of it.

    Only these arrays are kept of the fit (``keep``): per review its reviewer code, suspicion
    and its reviewer's review count; per reviewer its reviews, reliability and suspicion. The
    rest of ``ReviewerScores`` (the features' per-review arrays, the mixture, the reliability
    fit's other columns: ~140 MB at a million reviews) is dropped before the workers are
    forked, so it is neither held by the parent nor counted in every worker's memory.

    The two per-review counts are kept as int32 (16 bytes a review with the suspicion, not 24;
    a file has fewer than 2³¹ reviewers and reviews): ``product_scores`` gives a product's
    counts back as int64, so ``analyze`` sees the same values and dtype as before.
    """

    reviewer_labels: list[str | None]
    reviewer: npt.NDArray[np.int32]  # per review (rows product after product)
    review_suspicion: npt.NDArray[np.float64]  # per review
    reviewer_reviews: npt.NDArray[np.int32]  # per review: its reviewer's reviews in the graph
    reviews: npt.NDArray[np.int64]  # per reviewer: reviews in the graph
    reliability: npt.NDArray[np.float64]  # per reviewer: TrueScore's posterior mean α_u
    reviewer_suspicion: npt.NDArray[np.float64]  # per reviewer
    offsets: npt.NDArray[np.int64]
    base_suspect_share: float  # share of the file's reviews weighed below ½ (suspect)

    @classmethod
    def keep(
        cls,
        labels: list[str | None],
        reviewer: npt.NDArray[np.int32],
        scores: ReviewerScores,
        table: ProductTable,
    ) -> FileGraph:
        suspect = suspicion_weight(scores.review_suspicion) < 0.5
        counts = np.bincount(reviewer, minlength=len(labels)).astype(np.int32)
        return cls(
            reviewer_labels=labels,
            reviewer=reviewer,
            review_suspicion=scores.review_suspicion,
            reviewer_reviews=counts[reviewer],
            reviews=scores.features.reviews,
            reliability=scores.reliability.reliability,
            reviewer_suspicion=scores.reviewer_suspicion,
            offsets=table.offsets,
            base_suspect_share=float(suspect.mean()) if suspect.size else 0.0,
        )

    def rows(self, index: int) -> slice:
        return slice(int(self.offsets[index]), int(self.offsets[index + 1]))

    def product_scores(self, index: int) -> ProductReviewerScores:
        """Product ``index``'s reviews' scores, in its file order (as ``analyze`` takes them)."""
        rows = self.rows(index)
        return ProductReviewerScores(
            review_suspicion=self.review_suspicion[rows],
            reviewer_reviews=self.reviewer_reviews[rows].astype(np.int64),
            base_suspect_share=self.base_suspect_share,
        )

    def reviewer_lines(self) -> Iterator[str]:
        """``--reviewers-out``: {"user_id", "reviews", "reliability", "suspicion"} per reviewer."""
        counts = self.reviews.tolist()
        reliability = self.reliability.tolist()
        suspicion = self.reviewer_suspicion.tolist()
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
        suspicion = self.review_suspicion[rows].tolist()
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
