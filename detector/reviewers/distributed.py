"""TrueScore reliability on a Dask cluster: :func:`reliability_fit` with the rows partitioned.

Both closed-form half-steps of the block coordinate descent need only per-reviewer and per-product
sums over the ratings (S_u = Σ (r − x_i)², Σ α_u r and Σ α_u per product), and sums split over any
partition of the rows. So the ratings stay where they are, in parts on the workers (scattered once);
each sweep sends the current x (or α) to every part, each part returns its bincounts, and the
driver adds them and applies the same updates, the same convergence rule (max |Δx| < tol) and the
same final quantities as the in-memory fit. Only the order of floating-point additions differs.

Install with the ``distributed`` extra (``pip install -e .[distributed]``); the module imports
nothing from Dask, it needs only a ``client`` with ``scatter``/``map``/``gather``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from detector.reviewers.graph import ReviewGraph
from detector.reviewers.reliability import (
    ReliabilityFit,
    ReliabilityPrior,
    _squared_residuals,
    _weighted_sums,
)

FloatArray = npt.NDArray[np.float64]


def split_graph(graph: ReviewGraph, parts: int) -> list[ReviewGraph]:
    """``parts`` contiguous row blocks of ``graph``, each keeping the full label lists (codes)."""
    bounds = np.linspace(0, graph.n_reviews, parts + 1).astype(np.int64)
    out = []
    for start, stop in pairwise(bounds.tolist()):
        rows = slice(int(start), int(stop))
        out.append(
            ReviewGraph(
                reviewer=graph.reviewer[rows],
                product=graph.product[rows],
                rating=graph.rating[rows],
                timestamp_ms=graph.timestamp_ms[rows],
                reviewer_labels=graph.reviewer_labels,
                product_labels=graph.product_labels,
            )
        )
    return out


def _part_counts(part: ReviewGraph) -> tuple[FloatArray, FloatArray, int]:
    counts = np.bincount(part.reviewer, minlength=part.n_reviewers).astype(np.float64)
    return counts, np.array([float(part.rating.sum())]), part.n_reviews


def _part_squared(part: ReviewGraph, quality: FloatArray) -> FloatArray:
    result: FloatArray = _squared_residuals(
        part.reviewer, part.product, part.rating, quality, part.n_reviewers
    )
    return result


def _part_weighted(part: ReviewGraph, alpha: FloatArray) -> tuple[FloatArray, FloatArray]:
    result: tuple[FloatArray, FloatArray] = _weighted_sums(
        part.reviewer, part.product, part.rating, alpha, part.n_products
    )
    return result


def reliability_fit_distributed(
    graph_parts: Sequence[ReviewGraph],
    client: Any,
    *,
    prior: ReliabilityPrior | None = None,
    tol: float = 1e-9,
    max_sweeps: int = 1000,
) -> ReliabilityFit:
    """:func:`reliability_fit` of the union of ``graph_parts`` (same labels), on ``client``."""
    prior = prior or ReliabilityPrior()
    first = graph_parts[0]
    n_reviewers, n_products = first.n_reviewers, first.n_products
    futures = client.scatter(list(graph_parts))
    pieces = client.gather(client.map(_part_counts, futures))
    counts = np.sum([p[0] for p in pieces], axis=0)
    total = sum(float(p[1][0]) for p in pieces)
    n_reviews = sum(int(p[2]) for p in pieces)
    mu = total / n_reviews if n_reviews else 3.0
    quality = np.full(n_products, mu)
    alpha = np.full(n_reviewers, (prior.alpha_shape - 1.0) / prior.alpha_rate)
    lam = prior.quality_precision

    def squared_sums() -> FloatArray:
        parts = client.gather(client.map(_part_squared, futures, quality=quality))
        result: FloatArray = np.sum(parts, axis=0)
        return result

    def weighted_sums() -> tuple[FloatArray, FloatArray]:
        parts = client.gather(client.map(_part_weighted, futures, alpha=alpha))
        return np.sum([p[0] for p in parts], axis=0), np.sum([p[1] for p in parts], axis=0)

    sweeps, converged = max_sweeps, False
    for sweep in range(1, max_sweeps + 1):
        alpha = (prior.alpha_shape - 1.0 + 0.5 * counts) / (prior.alpha_rate + 0.5 * squared_sums())
        weighted, weights = weighted_sums()
        new_quality = (lam * mu + weighted) / (lam + weights)
        change = float(np.max(np.abs(new_quality - quality))) if n_products else 0.0
        quality = new_quality
        if change < tol:
            sweeps, converged = sweep, True
            break
    squared = squared_sums()
    alpha = (prior.alpha_shape - 1.0 + 0.5 * counts) / (prior.alpha_rate + 0.5 * squared)
    _, weights = weighted_sums()
    shape = prior.alpha_shape + 0.5 * counts
    rate = prior.alpha_rate + 0.5 * squared
    loss = (
        float(np.sum(-0.5 * counts * np.log(alpha) + 0.5 * alpha * squared))
        + float(np.sum(-(prior.alpha_shape - 1.0) * np.log(alpha) + prior.alpha_rate * alpha))
        + float(0.5 * lam * np.sum((quality - mu) ** 2))
    )
    return ReliabilityFit(
        alpha=alpha,
        reliability=shape / rate,
        confidence=0.5 * counts / shape,
        posterior_shape=shape,
        posterior_rate=rate,
        quality=quality.copy(),
        quality_se=1.0 / np.sqrt(lam + weights),
        global_mean=mu,
        prior=prior,
        loss=loss,
        sweeps=sweeps,
        converged=converged,
    )
