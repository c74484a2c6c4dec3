"""Reviewer features: what a reviewer's whole history says about them.

All per reviewer (indexed by the graph's reviewer codes), from one pass over the ratings each:

- ``reviews``: history length n_u in the graph; ``one_review``: n_u = 1.
- ``deviation``: mean |r_ui − x̂_i^(−u)|, the leave-one-out item quality — the reliability-weighted
  mean of the *other* ratings of the product (with its Normal prior), so a reviewer is not judged
  against a mean they pulled themselves; stars.
- ``deviation_from_mean``: the same against the plain leave-one-out mean (NaN where u is the only
  reviewer of every product they rated).
- ``extremity``: share of 1- and 5-star ratings (ratings rounded to whole stars).
- ``burstiness``: share of u's reviews posted within ``window_ms`` (default one day) of another
  of u's reviews; 0 for one review.
- ``verified_share``: share of verified purchases (NaN when the source has no such column).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detector.reviewers.graph import ReviewGraph

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DAY_MS = 86_400_000


@dataclass(frozen=True)
class ReviewerFeatures:
    reviews: IntArray
    one_review: BoolArray
    deviation: FloatArray
    deviation_from_mean: FloatArray
    extremity: FloatArray
    burstiness: FloatArray
    verified_share: FloatArray
    review_deviation: FloatArray  # per review: r − x̂^(−u), signed, stars


def leave_one_out_quality(
    graph: ReviewGraph, weight: FloatArray, prior_mean: float, prior_precision: float
) -> FloatArray:
    """Per review: (λ0 μ + Σ_{v≠u} w_v r_vi) / (λ0 + Σ_{v≠u} w_v), with reviewer weights w."""
    per_review = weight[graph.reviewer]
    total = np.bincount(graph.product, per_review, graph.n_products)
    weighted = np.bincount(graph.product, per_review * graph.rating, graph.n_products)
    numerator = prior_precision * prior_mean + weighted[graph.product] - per_review * graph.rating
    denominator = prior_precision + total[graph.product] - per_review
    result: FloatArray = numerator / denominator
    return result


def reviewer_features(
    graph: ReviewGraph,
    *,
    weight: FloatArray,
    prior_mean: float,
    prior_precision: float = 1.0,
    window_ms: int = DAY_MS,
) -> ReviewerFeatures:
    """Features of every reviewer; ``weight`` is the per-reviewer weight of the quality estimate."""
    counts = graph.reviews_per_reviewer()
    per = np.maximum(counts, 1).astype(np.float64)
    residual = graph.rating - leave_one_out_quality(graph, weight, prior_mean, prior_precision)
    deviation = _per_reviewer_mean(graph, np.abs(residual), per)
    plain = _plain_loo_deviation(graph)
    stars = np.clip(np.rint(graph.rating), 1, 5)
    extremity = _per_reviewer_mean(graph, ((stars == 1) | (stars == 5)).astype(np.float64), per)
    verified = (
        _per_reviewer_mean(graph, graph.verified.astype(np.float64), per)
        if graph.verified is not None
        else np.full(graph.n_reviewers, np.nan)
    )
    return ReviewerFeatures(
        reviews=counts,
        one_review=counts == 1,
        deviation=deviation,
        deviation_from_mean=plain,
        extremity=extremity,
        burstiness=_burstiness(graph, window_ms, per),
        verified_share=verified,
        review_deviation=residual,
    )


def _per_reviewer_mean(graph: ReviewGraph, values: FloatArray, per: FloatArray) -> FloatArray:
    result: FloatArray = np.bincount(graph.reviewer, values, graph.n_reviewers) / per
    return result


def _plain_loo_deviation(graph: ReviewGraph) -> FloatArray:
    counts = np.bincount(graph.product, minlength=graph.n_products)[graph.product]
    sums = np.bincount(graph.product, graph.rating, graph.n_products)[graph.product]
    others = counts - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        loo_mean = (sums - graph.rating) / others
    absolute = np.abs(graph.rating - loo_mean)
    known = others > 0
    total = np.bincount(graph.reviewer[known], absolute[known], graph.n_reviewers)
    number = np.bincount(graph.reviewer[known], minlength=graph.n_reviewers)
    with np.errstate(invalid="ignore", divide="ignore"):
        result: FloatArray = total / number
    return result


def _burstiness(graph: ReviewGraph, window_ms: int, per: FloatArray) -> FloatArray:
    """Share of each reviewer's reviews with another of theirs within ``window_ms``."""
    order = np.lexsort((graph.timestamp_ms, graph.reviewer))
    reviewer = graph.reviewer[order]
    times = graph.timestamp_ms[order]
    same_prev = np.zeros(graph.n_reviews, dtype=np.bool_)
    same_prev[1:] = (reviewer[1:] == reviewer[:-1]) & (np.diff(times) <= window_ms)
    close = same_prev.copy()
    close[:-1] |= same_prev[1:]
    result: FloatArray = np.bincount(reviewer, close.astype(np.float64), graph.n_reviewers) / per
    return result
