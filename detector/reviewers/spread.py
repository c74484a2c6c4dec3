"""How tightly a product's other reviewers agree: the item precision β_i of TrueScore's model.

A rating two stars from the consensus means little on a product its honest reviewers split over
(a polarising product: some rate 1–2, others 4–5) and much on one they all rate alike. TrueScore's
r_ui ~ N(x_i, 1/α_u) gives every product the same spread; here each product also has a precision,

    r_ui ~ N(x_i, 1/(α_u β_i)),    β_i ~ Gamma(c0, rate c0/β̄)     (prior mean β̄)

and a review's residual is judged against the precision of the product's *other* reviews:

    β̂_i^(−u) = (c0 + ½ Σ_{v≠u} m_v) / (c0/β̄ + ½ Σ_{v≠u} w_v (r_vi − x̂_i^(−u))²)

the conditional posterior mean given α and the leave-one-out quality x̂^(−u), with each review
down-weighted by its reviewer's current suspicion s_v: m_v = (1 − s_v)², w_v = α_v m_v (so a
crowd of suspects neither tightens nor widens the consensus it is compared with). The
standardised residual

    ẽ_r = (r − x̂_i^(−u)) · √(β̂_i^(−u) / β̄)

is in stars of a product of typical spread: equal to the plain residual on a typical product,
larger on a tight one, smaller on a split one.

The prior mean β̄ = Σ m / Σ w (r − x̂_i)² is the graph's pooled precision. The prior shape c0 —
how different products' spreads really are — is fitted by marginal likelihood (empirical Bayes:
each product's Gamma–Gamma evidence, Γ(c0 + N_i)/Γ(c0) · (c0/β̄)^c0 / (c0/β̄ + S_i)^(c0 + N_i)
with N_i = ½ (Σ m − 1), S_i = ½ Σ w e², maximised over log c0), and held at least
``MIN_SHAPE`` = 2: below it a product with two or three closely agreeing reviews gets a precision
several times the pooled one and its critics look far off by chance (the prior on the variance
1/β has a finite mean only from c0 > 1 and a finite variance from c0 > 2). A graph whose products
share one spread (the fitted c0 is large) is thereby left nearly unstandardised.

Measured (benchmarks/eval_reviewers_rgmining.py, whose honest reviewers split on about a sixth of
the products): P@57 0.649 → 0.754, AUC 0.937 → 0.966 (the fitted c0 is 0.8 there, so c0 = 2; fixed
c0 = 3, 5, 10, 30 give P@57 0.754, 0.719, 0.737, 0.649 — c0 = 1 gives 0.544, the instability
above).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit
from scipy.optimize import minimize_scalar
from scipy.special import gammaln

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MIN_SHAPE = 2.0
MAX_SHAPE = 1e4


def standardised_residual(
    reviewer: IntArray,
    product: IntArray,
    rating: FloatArray,
    quality: FloatArray,
    weight: FloatArray,
    mass: FloatArray,
    n_products: int,
    shape: float | None = None,
) -> FloatArray:
    """Per review: ẽ_r of the module docstring. ``quality`` is x̂^(−u) per review; ``weight``
    (w_v) and ``mass`` (m_v) are per reviewer; ``shape`` c0, fitted when None."""
    w = weight[reviewer]
    m = mass[reviewer]
    w0 = _sums(product, w, n_products)
    w1 = _sums(product, w * rating, n_products)
    w2 = _sums(product, w * rating * rating, n_products)
    m0 = _sums(product, m, n_products)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(w0 > 0, w1 / np.where(w0 > 0, w0, 1.0), 0.0)
    squares = np.maximum(w2 - 2 * centre * w1 + centre * centre * w0, 0.0)
    pooled = float(m0.sum() / max(float(squares.sum()), 1e-12))
    if shape is None:
        shape = prior_shape(0.5 * np.maximum(m0 - 1.0, 0.0), 0.5 * squares, pooled)
    factor = _loo_factor(product, rating, w, m, quality, w0, w1, w2, m0, pooled, shape)
    result: FloatArray = (rating - quality) * factor
    return result


def _sums(product: IntArray, values: FloatArray, n_products: int) -> FloatArray:
    return np.bincount(product, values, n_products).astype(np.float64)


def prior_shape(half_mass: FloatArray, half_squares: FloatArray, pooled: float) -> float:
    """c0 by marginal likelihood over products with evidence, at least ``MIN_SHAPE``."""
    keep = half_mass > 0
    n, s = half_mass[keep], half_squares[keep]
    if n.size < 2:
        return MIN_SHAPE

    def negative_evidence(log_shape: float) -> float:
        c = float(np.exp(log_shape))
        rate = c / pooled
        return -float(
            np.sum(gammaln(c + n) - gammaln(c) + c * np.log(rate) - (c + n) * np.log(rate + s))
        )

    found = minimize_scalar(
        negative_evidence, bounds=(np.log(0.01), np.log(MAX_SHAPE)), method="bounded"
    )
    return float(np.clip(np.exp(found.x), MIN_SHAPE, MAX_SHAPE))


@njit(cache=True)
def _loo_factor(
    product: IntArray,
    rating: FloatArray,
    weight: FloatArray,
    mass: FloatArray,
    quality: FloatArray,
    w0: FloatArray,
    w1: FloatArray,
    w2: FloatArray,
    m0: FloatArray,
    pooled: float,
    shape: float,
) -> FloatArray:
    """√(β̂^(−u)/β̄) per review, the sums of the review's product less its own terms."""
    out = np.empty(rating.shape[0])
    for k in range(rating.shape[0]):
        i = product[k]
        w, r, x = weight[k], rating[k], quality[k]
        s0 = w0[i] - w
        s1 = w1[i] - w * r
        s2 = w2[i] - w * r * r
        squares = max(s2 - 2.0 * x * s1 + x * x * s0, 0.0)
        others = max(m0[i] - mass[k], 0.0)
        beta = (shape + 0.5 * others) / (shape / pooled + 0.5 * squares)
        out[k] = np.sqrt(beta / pooled)
    return out
