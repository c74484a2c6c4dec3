"""Reviewer features: what a reviewer's whole history says about them.

All per reviewer (indexed by the graph's reviewer codes), from one pass over the ratings each:

- ``reviews``: n_u, u's reviews in the graph; ``history``: the account's history length,
  max(n_u, the history the source reports for u — ``ReviewGraph.reported_reviews``); ``one_review``:
  history 1 (or less).
- ``deviation``: mean |ẽ_r| of u's reviews, ẽ_r = (r_ui − x̂_i^(−u))·√(β̂_i^(−u)/β̄): the
  residual against the leave-one-out item quality — the reliability-weighted mean of the *other*
  ratings of the product (with its Normal prior), so a reviewer is not judged against a mean they
  pulled themselves — standardised by how tightly those others agree
  (:mod:`detector.reviewers.spread`); stars of a product of typical spread. Per review:
  ``review_deviation`` = ẽ_r (signed), ``review_residual`` = r − x̂^(−u) (plain stars).
- ``deviation_from_mean``: the same against the plain leave-one-out mean (NaN where u is the only
  reviewer of every product they rated).
- ``extremity``: share of 1- and 5-star ratings (ratings rounded to whole stars).
- ``burstiness``: share of u's reviews posted within ``window_ms`` (default one day) of another
  of u's reviews; 0 for one review.
- ``verified_share``: share of verified purchases (NaN when the source has no such column).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from numba import njit

from detector.reviewers.graph import ReviewGraph
from detector.reviewers.mixture import residual_bin
from detector.reviewers.spread import precision_factor, product_sums, spread_prior

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DAY_MS = 86_400_000


@dataclass(frozen=True)
class ReviewerFeatures:
    reviews: IntArray
    history: IntArray
    one_review: BoolArray
    deviation: FloatArray
    deviation_from_mean: FloatArray
    extremity: FloatArray
    burstiness: FloatArray
    verified_share: FloatArray
    review_deviation: FloatArray  # per review: (r − x̂^(−u))·√(β̂^(−u)/β̄), signed (docstring)
    review_residual: FloatArray  # per review: r − x̂^(−u), signed, stars (not standardised)
    # per review: the mixture's residual bin of review_deviation (mixture.residual_bins), kept
    # so the mixture and the campaign prior do not bin 10⁷ residuals again
    review_bins: npt.NDArray[np.int8] | None = field(default=None, repr=False)


@njit(cache=True)
def _round_residuals(
    reviewer: IntArray,
    product: IntArray,
    rating: FloatArray,
    weight: FloatArray,
    mass: FloatArray,
    sums: FloatArray,
    prior_mean: float,
    prior_precision: float,
    pooled: float,
    shape: float,
    standardise: bool,
    n_reviewers: int,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int8], FloatArray]:
    """One pass over the reviews for one round: per review r − x̂^(−u), with the leave-one-out
    quality x̂^(−u) = (λ0 μ + Σ_{v≠u} w_v r_vi) / (λ0 + Σ_{v≠u} w_v) taken from the product
    sums (:func:`detector.reviewers.spread.product_sums`) less the review's own terms; ẽ_r
    (``standardise``: times :func:`detector.reviewers.spread.precision_factor`, else a 0-length
    array) and its residual bin; per reviewer Σ |ẽ_r|, summed in row order."""
    n = rating.shape[0]
    residual = np.empty(n)
    scaled = np.empty(n if standardise else 0)
    bins = np.empty(n, dtype=np.int8)
    absolute = np.zeros(n_reviewers)
    for k in range(n):
        u = reviewer[k]
        i = product[k]
        w = weight[u]
        r = rating[k]
        x = (prior_precision * prior_mean + sums[i, 1] - w * r) / (prior_precision + sums[i, 0] - w)
        e = r - x
        residual[k] = e
        if standardise:
            e = e * precision_factor(sums, i, w, mass[u], r, x, pooled, shape)
            scaled[k] = e
        absolute[u] += abs(e)
        bins[k] = residual_bin(e)
    return residual, scaled, bins, absolute


def reviewer_features(
    graph: ReviewGraph,
    *,
    weight: FloatArray,
    prior_mean: float,
    prior_precision: float = 1.0,
    window_ms: int = DAY_MS,
    previous: ReviewerFeatures | None = None,
    mass: FloatArray | None = None,
    standardise: bool = True,
    spread_shape: float | None = None,
) -> ReviewerFeatures:
    """Features of every reviewer; ``weight`` is the per-reviewer weight of the quality estimate.

    Only the deviations depend on ``weight``; pass the ``previous`` features of the same graph
    (and window) to reuse the rest (the reinforcement rounds of ``reviewer_scores`` do).
    ``mass`` (per reviewer, default 1) is m_v = (1 − s_v)² of the spread estimate, where
    ``weight`` = α_v m_v; ``spread_shape`` fixes its prior shape c0 (None: fitted);
    ``standardise=False`` keeps plain residuals.
    """
    counts = graph.reviews_per_reviewer() if previous is None else previous.reviews
    per = np.maximum(counts, 1).astype(np.float64)
    w = np.asarray(weight, dtype=np.float64)
    m = np.ones(graph.n_reviewers) if mass is None else np.asarray(mass, dtype=np.float64)
    sums = product_sums(graph.reviewer, graph.product, graph.rating, w, m, graph.n_products)
    pooled, shape = spread_prior(sums, spread_shape) if standardise else (1.0, 1.0)
    residual, scaled, bins, absolute = _round_residuals(
        graph.reviewer,
        graph.product,
        graph.rating,
        w,
        m,
        sums,
        prior_mean,
        prior_precision,
        pooled,
        shape,
        standardise,
        graph.n_reviewers,
    )
    if not standardise:
        scaled = residual
    deviation = absolute / per
    if previous is not None:
        return replace(
            previous,
            deviation=deviation,
            review_deviation=scaled,
            review_residual=residual,
            review_bins=bins,
        )
    plain = _plain_loo_deviation(graph)
    history = graph.history_per_reviewer()
    stars = np.clip(np.rint(graph.rating), 1, 5)
    extremity = _per_reviewer_mean(graph, ((stars == 1) | (stars == 5)).astype(np.float64), per)
    verified = (
        _per_reviewer_mean(graph, graph.verified.astype(np.float64), per)
        if graph.verified is not None
        else np.full(graph.n_reviewers, np.nan)
    )
    return ReviewerFeatures(
        reviews=counts,
        history=history,
        one_review=history <= 1,
        deviation=deviation,
        deviation_from_mean=plain,
        extremity=extremity,
        burstiness=_burstiness(graph, window_ms, per),
        verified_share=verified,
        review_deviation=scaled,
        review_residual=residual,
        review_bins=bins,
    )


def _per_reviewer_mean(graph: ReviewGraph, values: FloatArray, per: FloatArray) -> FloatArray:
    result: FloatArray = np.bincount(graph.reviewer, values, graph.n_reviewers) / per
    return result


def _plain_loo_deviation(graph: ReviewGraph) -> FloatArray:
    """Per reviewer: mean |r − plain leave-one-out mean of the product| (NaN without others)."""
    counts = np.bincount(graph.product, minlength=graph.n_products).astype(np.float64)
    sums = np.bincount(graph.product, graph.rating, graph.n_products).astype(np.float64)
    return _loo_deviation_pass(
        graph.reviewer, graph.product, graph.rating, counts, sums, graph.n_reviewers
    )


@njit(cache=True)
def _loo_deviation_pass(
    reviewer: IntArray,
    product: IntArray,
    rating: FloatArray,
    counts: FloatArray,
    sums: FloatArray,
    n_reviewers: int,
) -> FloatArray:
    total = np.zeros(n_reviewers)
    number = np.zeros(n_reviewers)
    for k in range(rating.shape[0]):
        others = counts[product[k]] - 1.0
        if others > 0:
            total[reviewer[k]] += abs(rating[k] - (sums[product[k]] - rating[k]) / others)
            number[reviewer[k]] += 1.0
    out = np.full(n_reviewers, np.nan)
    for u in range(n_reviewers):
        if number[u] > 0:
            out[u] = total[u] / number[u]
    return out


def _burstiness(graph: ReviewGraph, window_ms: int, per: FloatArray) -> FloatArray:
    """Share of each reviewer's reviews with another of theirs within ``window_ms``.

    Rows are bucketed by reviewer (a counting sort, O(n)) and each reviewer's few times sorted
    on their own: linear in the ratings up to the log of the longest history.
    """
    counts = graph.reviews_per_reviewer()
    close = _close_counts(graph.reviewer, graph.timestamp_ms, counts, window_ms)
    result: FloatArray = close / per
    return result


@njit(cache=True)
def _close_counts(
    reviewer: IntArray, times: IntArray, counts: IntArray, window_ms: int
) -> FloatArray:
    n_reviewers = counts.shape[0]
    start = np.zeros(n_reviewers + 1, dtype=np.int64)
    for u in range(n_reviewers):
        start[u + 1] = start[u] + counts[u]
    fill = start[:-1].copy()
    bucket = np.empty(times.shape[0], dtype=np.int64)
    for k in range(times.shape[0]):
        u = reviewer[k]
        bucket[fill[u]] = times[k]
        fill[u] += 1
    out = np.zeros(n_reviewers)
    for u in range(n_reviewers):
        m = start[u + 1] - start[u]
        if m < 2:
            continue
        own = bucket[start[u] : start[u + 1]]
        _insertion_sort(own)
        close = 0
        for j in range(m):
            before = j > 0 and own[j] - own[j - 1] <= window_ms
            after = j + 1 < m and own[j + 1] - own[j] <= window_ms
            if before or after:
                close += 1
        out[u] = close
    return out


@njit(cache=True)
def _insertion_sort(values: IntArray) -> None:
    """Sort a reviewer's few times in place (a np.sort per reviewer allocates a copy each: a
    million allocations at 10⁷ ratings); long histories fall back to np.sort."""
    m = values.shape[0]
    if m > 32:
        values[:] = np.sort(values)
        return
    for j in range(1, m):
        value = values[j]
        i = j - 1
        while i >= 0 and values[i] > value:
            values[i + 1] = values[i]
            i -= 1
        values[i + 1] = value
