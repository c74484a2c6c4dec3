"""Absolute-scale suspicion: a two-class (honest / suspect) mixture fitted across the whole graph.

Percentile ranks (:func:`detector.reviewers.suspicion.calibrated_rank`) put some reviewers of every
graph at the top, so on an honest product its honest critics always look most suspect. Here every
reviewer u instead gets a *posterior probability* of belonging to the suspect class of a latent
two-class model fitted by EM on the graph itself (naive Bayes with categorical likelihoods):

    P(u suspect | data) = π ℓ_S(u) / (π ℓ_S(u) + (1 − π) ℓ_H(u)),
    ℓ_c(u) = Π_f θ_c,f[bin_f(u)] · Π_{r ∈ u} φ_c[bin(e_r)]

- ``e_r = r − x̂^(−u)``: each of u's ratings against the reinforced leave-one-out quality of its
  product, in signed bins (:data:`RESIDUAL_EDGES`). Every review is one factor, so the evidence
  grows with the history: a reviewer who agreed with the crowd on twenty products is not undone by
  one disagreement, while an account with one extreme rating carries only that one rating's ratio.
  The honest residual distribution is learnt, not assumed Gaussian: on real Amazon data honest
  critics of a 5-star product are common, and a categorical table learns that heavy tail.
- ``θ`` per reviewer feature: history length (1, 2, 3–4, 5–9, ≥ 10 reviews), burstiness (0,
  ≤ ½, > ½) where the graph has dates, share of verified purchases (0, between, 1) where it has
  them. Constant features drop out.

EM starts from the rank-based suspicion (its top decile as the suspect class), keeps Dirichlet(1)
pseudo-counts on every table and π in [0.001, 0.5], and labels as "suspect" the class with the
larger mean |e| (a guard against label switching). The posterior is a probability: where the model
sees no reason for suspicion it says so (most honest reviewers sit near 0, not at 0.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RESIDUAL_EDGES = np.array([-2.5, -1.5, -0.75, -0.25, 0.25, 0.75, 1.5, 2.5])
HISTORY_EDGES = np.array([2, 3, 5, 10])


@dataclass(frozen=True)
class MixtureFit:
    """The fitted two-class model: class prior, likelihood tables (row 0 honest, row 1 suspect)."""

    prior_suspect: float
    residual_table: FloatArray  # (2, len(RESIDUAL_EDGES) + 1)
    feature_tables: dict[str, FloatArray] = field(default_factory=dict)  # name -> (2, bins)
    iterations: int = 0
    log_likelihood_ratio: FloatArray = field(
        default_factory=lambda: np.zeros(0), repr=False
    )  # per reviewer: log ℓ_S − log ℓ_H


def residual_bins(residual: FloatArray) -> IntArray:
    result: IntArray = np.digitize(residual, RESIDUAL_EDGES).astype(np.int64)
    return result


def feature_bins(
    reviews: IntArray, burstiness: FloatArray, verified_share: FloatArray, has_dates: bool
) -> dict[str, tuple[IntArray, int]]:
    """Per-reviewer categorical codes and bin counts of the features that carry information."""
    out: dict[str, tuple[IntArray, int]] = {
        "history": (np.digitize(reviews, HISTORY_EDGES).astype(np.int64), HISTORY_EDGES.size + 1)
    }
    if has_dates:
        burst = np.where(burstiness <= 0, 0, np.where(burstiness <= 0.5, 1, 2)).astype(np.int64)
        out["burstiness"] = (burst, 3)
    if not np.isnan(verified_share).all():
        share = np.nan_to_num(verified_share, nan=0.5)
        out["verified"] = (
            np.where(share >= 1, 2, np.where(share <= 0, 0, 1)).astype(np.int64),
            3,
        )
    return {name: (codes, n) for name, (codes, n) in out.items() if np.unique(codes).size > 1}


#: The direction in which each feature's bins make a reviewer more suspect (+1: later bins more
#: suspect, −1: earlier bins more suspect). The likelihood ratio is held monotone in that direction.
DIRECTION = {"history": -1, "burstiness": 1, "verified": -1}


def isotonic(values: FloatArray, weight: FloatArray) -> FloatArray:
    """Pool-adjacent-violators: the weighted least-squares nondecreasing fit."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for v, w in zip(values.tolist(), weight.tolist(), strict=True):
        blocks.append([v, w, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            total = w1 + w2
            mean = (m1 * w1 + m2 * w2) / total if total > 0 else (m1 + m2) / 2
            blocks.append([mean, total, c1 + c2])
    out = np.concatenate([np.full(int(c), m) for m, _, c in blocks])
    return out


def monotone_tables(honest: FloatArray, suspect: FloatArray, order: IntArray) -> FloatArray:
    """Tables (2, bins) whose suspect share per bin is nondecreasing along ``order``."""
    total = honest + suspect
    share = suspect / total
    fitted = share.copy()
    fitted[order] = isotonic(share[order], total[order])
    return np.vstack([(1.0 - fitted) * total, fitted * total])


def _monotone_residual(honest: FloatArray, suspect: FloatArray) -> FloatArray:
    centre = int(np.searchsorted(RESIDUAL_EDGES, 0.0))
    size = RESIDUAL_EDGES.size + 1
    left = np.arange(centre, -1, -1, dtype=np.int64)
    right = np.arange(centre, size, dtype=np.int64)
    a = monotone_tables(honest, suspect, left)
    b = monotone_tables(honest, suspect, right)
    table = np.where(np.arange(size) < centre, a, b)
    share_centre = min(a[1, centre], b[1, centre]) / (honest[centre] + suspect[centre])
    table[:, centre] = [(1 - share_centre), share_centre]
    table[:, centre] *= honest[centre] + suspect[centre]
    return table


def fit_mixture(
    reviewer: IntArray,
    residual: FloatArray,
    features: dict[str, tuple[IntArray, int]],
    start: FloatArray,
    *,
    iterations: int = 100,
    tol: float = 1e-6,
) -> tuple[FloatArray, MixtureFit]:
    """EM from the initial suspect responsibilities ``start`` (per reviewer); posterior and fit."""
    n = start.shape[0]
    bins = residual_bins(residual)
    n_bins = RESIDUAL_EDGES.size + 1
    resp = np.clip(start, 1e-3, 1 - 1e-3)
    llr = np.zeros(n)
    pi = 0.1
    residual_table = np.full((2, n_bins), 1.0 / n_bins)
    tables: dict[str, FloatArray] = {}
    done = 0
    for step in range(1, iterations + 1):
        done = step
        # M step
        per_review = resp[reviewer]
        residual_table = _monotone_residual(
            np.bincount(bins, 1.0 - per_review, n_bins).astype(np.float64) + 1.0,
            np.bincount(bins, per_review, n_bins).astype(np.float64) + 1.0,
        )
        residual_table /= residual_table.sum(axis=1, keepdims=True)
        tables = {}
        for name, (codes, size) in features.items():
            order = np.arange(size, dtype=np.int64)
            table = monotone_tables(
                np.bincount(codes, 1.0 - resp, size).astype(np.float64) + 1.0,
                np.bincount(codes, resp, size).astype(np.float64) + 1.0,
                order if DIRECTION.get(name, 1) > 0 else order[::-1].copy(),
            )
            tables[name] = table / table.sum(axis=1, keepdims=True)
        pi = float(np.clip(resp.mean(), 1e-3, 0.5))
        # E step
        log_ratio = np.log(residual_table[1]) - np.log(residual_table[0])
        llr = np.bincount(reviewer, log_ratio[bins], n).astype(np.float64)
        for name, (codes, _) in features.items():
            table = tables[name]
            llr += (np.log(table[1]) - np.log(table[0]))[codes]
        new = _sigmoid(llr + np.log(pi / (1 - pi)))
        change = float(np.max(np.abs(new - resp))) if n else 0.0
        resp = new
        if change < tol:
            break
    centre = (RESIDUAL_EDGES[1:] + RESIDUAL_EDGES[:-1]) / 2
    magnitude = np.abs(
        np.concatenate([[RESIDUAL_EDGES[0] - 0.5], centre, [RESIDUAL_EDGES[-1] + 0.5]])
    )
    if residual_table[1] @ magnitude < residual_table[0] @ magnitude:  # label switch
        resp = 1.0 - resp
        llr = -llr
        pi = 1.0 - pi
        residual_table = residual_table[::-1].copy()
        tables = {name: t[::-1].copy() for name, t in tables.items()}
    fit = MixtureFit(
        prior_suspect=pi,
        residual_table=residual_table,
        feature_tables=tables,
        iterations=done,
        log_likelihood_ratio=llr,
    )
    return resp, fit


def mixture_without_review(fit: MixtureFit, reviewer: IntArray, residual: FloatArray) -> FloatArray:
    """Per review: P(reviewer suspect) from everything but that review's own residual."""
    log_ratio = np.log(fit.residual_table[1]) - np.log(fit.residual_table[0])
    llr = fit.log_likelihood_ratio[reviewer] - log_ratio[residual_bins(residual)]
    pi = fit.prior_suspect
    return _sigmoid(llr + np.log(pi / (1.0 - pi)))


def _sigmoid(x: FloatArray) -> FloatArray:
    result: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * x))
    return result
