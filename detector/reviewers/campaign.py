"""Per-review suspicion with a product's own campaign share: is this review part of a campaign?

The mixture of :mod:`detector.reviewers.mixture` gives each reviewer u a likelihood ratio
Λ_u = ℓ_S(u)/ℓ_H(u) and one graph-wide prior π̄ of the suspect class. A campaign, though, is a
property of one product and one direction: a boost puts its reviews above the product's
consensus, bad-mouthing below it, and on an attacked product a fifth of the reviews on that side
may be fakes where the graph-wide share is a few percent. So each review r of product i gets the
prior of its product and side σ = [r above x̂_i^(−u)] (the leave-one-out consensus):

    π_{i,σ} ~ Beta(k π̄, k (1 − π̄))                       (k pseudo-reviews at the graph's share)
    s_r = P(suspect | r) = π_{i,σ} Λ_u / (π_{i,σ} Λ_u + 1 − π_{i,σ})
    π_{i,σ} ← (k π̄ + Σ_{r ∈ (i,σ)} s_r) / (k + n_{i,σ})            (EM, to a fixed point)

With no campaign the side's responsibilities average about π̄ and the prior stays near it; a side
whose reviews carry evidence well beyond the graph's (short histories, unverified purchases,
large residuals, together) raises its own prior and with it every such review's posterior,
while a review with Λ ≤ 1 (an established, verified reviewer) stays low however high the prior.
Reviewer-level suspicion is unchanged (the mixture posterior at π̄): this is the *review's*
suspicion, which the adjusted rating weighs.

``k`` = ``CAMPAIGN_PSEUDO_REVIEWS`` (20): a side needs a few dozen reviews before its own share
dominates, so a small product's handful of critics cannot open a campaign by themselves. Measured
(benchmarks/eval_reviewers_generated.py, benchmarks/eval_reviewers_adjusted.py): the module
docstring of :mod:`detector.reviewers.adjusted`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

from detector.reviewers.mixture import RESIDUAL_EDGES, MixtureFit, residual_bins

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CAMPAIGN_PSEUDO_REVIEWS = 20.0
CENTRE_BIN = int(np.searchsorted(RESIDUAL_EDGES, 0.0))


def campaign_cells(
    product: IntArray, residual: FloatArray, bins: npt.NDArray[np.integer[Any]] | None = None
) -> IntArray:
    """Per review: 3·product + its side σ of the consensus (0 below, 1 within, 2 above), by the
    mixture's residual bins (within: the centre bin, |e| ≤ 0.25); ``bins``: the residuals'
    :func:`~detector.reviewers.mixture.residual_bins` if already known."""
    if bins is None:
        bins = residual_bins(residual)
    result: IntArray = _cells(product, bins)
    return result


@njit(cache=True, inline="always")
def _side(b: int) -> int:
    """σ of a residual bin: 0 below the centre bin, 1 in it, 2 above."""
    return 0 if b < CENTRE_BIN else (2 if b > CENTRE_BIN else 1)


@njit(cache=True)
def _cells(product: IntArray, bins: npt.NDArray[np.integer[Any]]) -> IntArray:
    out = np.empty(product.shape[0], dtype=np.int64)
    for k in range(product.shape[0]):
        out[k] = 3 * product[k] + _side(bins[k])
    return out


def side_log_ratio(mixture: MixtureFit) -> FloatArray:
    """(3,): log φ_S(σ)/φ_H(σ), the suspect class's share of residuals on each side against the
    honest class's (suspect classes pooled by their priors)."""
    table = mixture.residual_table
    suspect = mixture.class_prior[1:] @ table[1:] / mixture.class_prior[1:].sum()
    sides = [slice(0, CENTRE_BIN), slice(CENTRE_BIN, CENTRE_BIN + 1), slice(CENTRE_BIN + 1, None)]
    result: FloatArray = np.array(
        [np.log(suspect[side].sum()) - np.log(table[0][side].sum()) for side in sides]
    )
    return result


def campaign_posterior(
    log_ratio: FloatArray,
    cell: IntArray,
    n_cells: int,
    prior_share: float,
    *,
    pseudo_reviews: float = CAMPAIGN_PSEUDO_REVIEWS,
    tol: float = 1e-8,
    max_steps: int = 100,
) -> tuple[FloatArray, FloatArray]:
    """(s_r per review, π per cell): the fixed point of the EM of the module docstring.

    ``log_ratio``: log Λ of each review's reviewer; ``cell``: :func:`campaign_cells`. Each cell's
    fixed point g(θ) = (k π̄ + Σ σ(log Λ_r + θ))/(k + n) − σ(θ) = 0 (θ = logit π) is found by
    Newton's method from the EM start θ = logit π̄, falling back to the EM step itself where
    Newton's would not descend (g' ≥ 0) or would jump more than 2 in θ; all cells step
    together until max |g| < ``tol``.

    Cost: the reviews are put in cell order once (a stable counting sort, so each cell's sums
    add its reviews in row order, as a pass in row order would), and a step re-sums only the
    cells whose θ moved: a converged cell's Newton step rounds to no change of θ, so its sums
    and posteriors are already those at its θ.
    """
    order, start, ordered = _by_cell(log_ratio, cell, n_cells)
    return _solve_cells(ordered, order, start, prior_share, pseudo_reviews, tol, max_steps)


def review_campaign_posterior(
    reviewer: IntArray,
    product: IntArray,
    bins: npt.NDArray[np.integer[Any]],
    reviewer_log_ratio: FloatArray,
    side_ratio: FloatArray,
    n_products: int,
    prior_share: float,
    *,
    pseudo_reviews: float = CAMPAIGN_PSEUDO_REVIEWS,
    tol: float = 1e-8,
    max_steps: int = 100,
) -> tuple[FloatArray, FloatArray]:
    """:func:`campaign_posterior` of a graph's reviews, with log Λ_r = log Λ_u of the review's
    reviewer less log φ_S(σ)/φ_H(σ) of its own side (``side_ratio``, :func:`side_log_ratio`)
    and the cells of :func:`campaign_cells` from the residual ``bins`` — built while the
    reviews are put in cell order, so neither exists as a per-review array."""
    order, start, ordered = _reviews_by_cell(
        reviewer, product, bins, reviewer_log_ratio, side_ratio, 3 * n_products
    )
    return _solve_cells(ordered, order, start, prior_share, pseudo_reviews, tol, max_steps)


def _solve_cells(
    ordered: FloatArray,
    order: IntArray,
    start: IntArray,
    prior_share: float,
    pseudo_reviews: float,
    tol: float,
    max_steps: int,
) -> tuple[FloatArray, FloatArray]:
    """The fixed point of :func:`campaign_posterior` on log ratios in cell order."""
    n_cells = start.shape[0] - 1
    pi_bar = float(np.clip(prior_share, 1e-6, 1 - 1e-6))
    counts = np.diff(start).astype(np.float64)
    theta = np.full(n_cells, np.log(pi_bar) - np.log1p(-pi_bar))
    sums, slopes = np.zeros(n_cells), np.zeros(n_cells)
    posterior = np.empty(ordered.shape[0])
    moved = np.ones(n_cells, dtype=np.bool_)
    for _ in range(max_steps):
        _responsibility_sums(ordered, start, theta, moved, sums, slopes, posterior)
        mapped = (pseudo_reviews * pi_bar + sums) / (pseudo_reviews + counts)  # the EM step
        share = 1.0 / (1.0 + np.exp(-theta))
        gap = mapped - share
        if n_cells == 0 or float(np.max(np.abs(gap))) < tol:
            break
        slope = slopes / (pseudo_reviews + counts) - share * (1.0 - share)
        newton = theta - gap / np.where(slope < 0, slope, -1.0)
        em = np.log(mapped) - np.log1p(-mapped)
        stepped = np.where((slope < 0) & (np.abs(newton - theta) <= 2.0), newton, em)
        moved = stepped != theta
        theta = stepped
    else:  # out of steps: the posteriors at the last θ
        _responsibility_sums(ordered, start, theta, moved, sums, slopes, posterior)
    out = np.empty(posterior.shape[0])
    out[order] = posterior
    return out, 1.0 / (1.0 + np.exp(-theta))


@njit(cache=True)
def _reviews_by_cell(
    reviewer: IntArray,
    product: IntArray,
    bins: npt.NDArray[np.integer[Any]],
    reviewer_log_ratio: FloatArray,
    side_ratio: FloatArray,
    n_cells: int,
) -> tuple[IntArray, IntArray, FloatArray]:
    """:func:`_by_cell` of the reviews' log Λ_r, cells and ratios computed on the fly."""
    start = np.zeros(n_cells + 1, dtype=np.int64)
    for k in range(product.shape[0]):
        start[3 * product[k] + _side(bins[k]) + 1] += 1
    for c in range(n_cells):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    order = np.empty(product.shape[0], dtype=np.int64)
    ordered = np.empty(product.shape[0])
    for k in range(product.shape[0]):
        side = _side(bins[k])
        c = 3 * product[k] + side
        at = fill[c]
        order[at] = k
        ordered[at] = reviewer_log_ratio[reviewer[k]] - side_ratio[side]
        fill[c] = at + 1
    return order, start, ordered


@njit(cache=True)
def _by_cell(
    values: FloatArray, cell: IntArray, n_cells: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """A stable counting sort by cell: (order, start, values[order]); cell c holds positions
    start[c]..start[c + 1] − 1."""
    start = np.zeros(n_cells + 1, dtype=np.int64)
    for k in range(cell.shape[0]):
        start[cell[k] + 1] += 1
    for c in range(n_cells):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    order = np.empty(cell.shape[0], dtype=np.int64)
    ordered = np.empty(cell.shape[0])
    for k in range(cell.shape[0]):
        at = fill[cell[k]]
        order[at] = k
        ordered[at] = values[k]
        fill[cell[k]] = at + 1
    return order, start, ordered


@njit(cache=True)
def _responsibility_sums(
    log_ratio: FloatArray,
    start: IntArray,
    theta: FloatArray,
    moved: npt.NDArray[np.bool_],
    sums: FloatArray,
    slopes: FloatArray,
    posterior: FloatArray,
) -> None:
    """For each cell whose θ ``moved``: Σ σ(log Λ_r + θ) and its derivative in θ, Σ σ(1 − σ),
    over its reviews (``log_ratio`` in cell order), and each review's σ into ``posterior``;
    σ(x) = 1/(1 + e^−x), one exponential (a third of tanh's cost at 5·10⁷ calls a fit)."""
    for c in range(theta.shape[0]):
        if not moved[c]:
            continue
        total = 0.0
        slope = 0.0
        for j in range(start[c], start[c + 1]):
            s = 1.0 / (1.0 + np.exp(-(log_ratio[j] + theta[c])))
            posterior[j] = s
            total += s
            slope += s * (1.0 - s)
        sums[c] = total
        slopes[c] = slope
