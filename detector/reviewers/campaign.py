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

import numpy as np
import numpy.typing as npt
from numba import njit

from detector.reviewers.mixture import RESIDUAL_EDGES, MixtureFit, residual_bins

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CAMPAIGN_PSEUDO_REVIEWS = 20.0
CENTRE_BIN = int(np.searchsorted(RESIDUAL_EDGES, 0.0))


def campaign_cells(product: IntArray, residual: FloatArray) -> IntArray:
    """Per review: 3·product + its side σ of the consensus (0 below, 1 within, 2 above), by the
    mixture's residual bins (within: the centre bin, |e| ≤ 0.25)."""
    bins = residual_bins(residual)
    side = np.where(bins < CENTRE_BIN, 0, np.where(bins > CENTRE_BIN, 2, 1))
    result: IntArray = 3 * product + side.astype(np.int64)
    return result


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
    Newton's would not descend (g' ≥ 0) or would jump more than 2 in θ; one pass over the
    reviews per step for all cells at once, until max |g| < ``tol``.
    """
    pi_bar = float(np.clip(prior_share, 1e-6, 1 - 1e-6))
    counts = np.bincount(cell, minlength=n_cells).astype(np.float64)
    theta = np.full(n_cells, np.log(pi_bar) - np.log1p(-pi_bar))
    for _ in range(max_steps):
        sums, slopes = _responsibility_sums(log_ratio, cell, theta, n_cells)
        mapped = (pseudo_reviews * pi_bar + sums) / (pseudo_reviews + counts)  # the EM step
        share = 1.0 / (1.0 + np.exp(-theta))
        gap = mapped - share
        if n_cells == 0 or float(np.max(np.abs(gap))) < tol:
            break
        slope = slopes / (pseudo_reviews + counts) - share * (1.0 - share)
        newton = theta - gap / np.where(slope < 0, slope, -1.0)
        em = np.log(mapped) - np.log1p(-mapped)
        theta = np.where((slope < 0) & (np.abs(newton - theta) <= 2.0), newton, em)
    return _posterior(log_ratio, cell, theta), 1.0 / (1.0 + np.exp(-theta))


@njit(cache=True)
def _responsibility_sums(
    log_ratio: FloatArray, cell: IntArray, theta: FloatArray, n_cells: int
) -> tuple[FloatArray, FloatArray]:
    """Per cell: Σ σ(log Λ_r + θ) and its derivative in θ, Σ σ(1 − σ)."""
    sums = np.zeros(n_cells)
    slopes = np.zeros(n_cells)
    for k in range(log_ratio.shape[0]):
        c = cell[k]
        s = 0.5 * (1.0 + np.tanh(0.5 * (log_ratio[k] + theta[c])))
        sums[c] += s
        slopes[c] += s * (1.0 - s)
    return sums, slopes


@njit(cache=True)
def _posterior(log_ratio: FloatArray, cell: IntArray, theta: FloatArray) -> FloatArray:
    out = np.empty(log_ratio.shape[0])
    for k in range(log_ratio.shape[0]):
        out[k] = 0.5 * (1.0 + np.tanh(0.5 * (log_ratio[k] + theta[cell[k]])))
    return out
