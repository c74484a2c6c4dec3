"""Size-scaled CUSUM thresholds from the exchangeable null (issue 13; DESIGN §3.2).

The largest chance excursion of a drift-corrected CUSUM grows with the number of ratings n, so a
threshold that does not grow with n alarms on most large honest products (the CvT line was fitted
on mixed sizes). Here each side of each product gets its own threshold from a law for the
largest excursion M± of g± when the product's own ratings arrive in random order (the
exchangeable null: same star mix, no structure in time):

* θ± > 0 is the Lundberg root of the product's star distribution p_r (μ0 its mean, k = ν/2):
      Σ_r p_r · exp(θ·(±(r − μ0) − k)) = 1
  (g± is a reflected random walk whose excursions have tail ≈ C·e^{−θh}).
* M± is Gumbel in θ-units:  θ·M = L(n, θ) + s(n)·Y,  Y standard Gumbel, with
      L = −3.0173 + 1.0886·log n + 0.4730·log θ + 6.8268/√n
      s = max(0.15, 0.9909 − 3.7054/√n)
  fitted (research prototype ``study_null.py``, issue 13) on 14 star mixes × n = 30 … 10,000 ×
  both sides, 250–600 permutations each; residual sd 0.28 in θ·h units, so a tail probability is
  right within a factor of about 1.3.
* **h± = h_{α/2}(n, θ±)** with P(M± ≥ h) = α/2: at α = 0.01 one honest product in a hundred shows
  a change interval by chance, at 30 reviews as at 6,000. The threshold depends only on n and the
  product's own star mix (not on reference products, so a contaminated reference cannot move it)
  and differs upward and downward (1★ reviews on a 4.5★ product are big steps, 5★ ones small).
* p_change = min(1, 2·min(P(M⁺ ≥ m⁺), P(M⁻ ≥ m⁻))): the observed largest excursions' tail
  probability, calibrated against this product's ratings in random order.

``law_threshold``/``law_p`` evaluate the law; ``lundberg`` solves for θ (Newton, any finite
support: stars or a standardised feature, as ``detector.consistency.feature_scan`` uses it).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from detector.consistency.cusum import (
    DEFAULT_NU,
    ConsistencyResult,
    as_ratings,
    change_intervals,
    check_parameters,
)
from detector.consistency.kernel import law_statistics, lundberg_roots, sorted_support
from detector.stats.moments import mean

__all__ = [
    "DEFAULT_ALPHA",
    "LAW",
    "analyze_consistency_law",
    "law_p",
    "law_threshold",
    "lundberg",
    "side_thresholds",
]

DEFAULT_ALPHA = 0.01
# (c0, c1, c2, c3, c4, c5):  L = c0 + c1·log n + c2·log θ + c3/√n,  s = max(0.15, c4 + c5/√n).
LAW = (-3.0173, 1.0886, 0.4730, 6.8268, 0.9909, -3.7054)


def _law(n: int, theta: float) -> tuple[float, float]:
    c0, c1, c2, c3, c4, c5 = LAW
    root = math.sqrt(n)
    return c0 + c1 * math.log(n) + c2 * math.log(theta) + c3 / root, max(0.15, c4 + c5 / root)


def law_threshold(n: int, theta: float, alpha_side: float) -> float:
    """h with P(max g ≥ h) ≈ ``alpha_side`` for n exchangeable ratings (inf when θ is)."""
    if not math.isfinite(theta) or n < 1:
        return math.inf
    location, scale = _law(n, theta)
    return (location + scale * -math.log(-math.log1p(-alpha_side))) / theta


def law_p(n: int, theta: float, excursion: float) -> float:
    """P(max g ≥ ``excursion``) for n exchangeable ratings, from the law (1 when θ is inf)."""
    if not math.isfinite(theta) or n < 1:
        return 1.0
    location, scale = _law(n, theta)
    y = (theta * excursion - location) / scale
    return float(-math.expm1(-math.exp(-y))) if y > -30 else 1.0


def lundberg(values: ArrayLike, mu0: float, half_nu: float) -> tuple[float, float]:
    """(θ⁺, θ⁻): the positive roots of Σ p_v e^{θ(±(v − μ0) − ν/2)} = 1 over the empirical
    distribution of ``values`` (rounded to 3 decimals); inf on a side no value can step up (g
    never grows).

    f(θ) = Σ p_v e^{θ·s_v} − 1 is convex with f(0) = 0 and f'(0) = E s < 0, so from any θ with
    f(θ) ≥ 0 (found by doubling from 1) Newton's steps fall monotonically onto the root,
    quadratically near it (``detector.consistency.kernel.lundberg_root``, compiled: a product's
    two stars sides and four scan sequences cost microseconds); a bisection is the fallback.
    θ ≥ 1e-9.
    """
    v = np.asarray(values, dtype=np.float64)
    # np.unique(np.round(v, 3), return_counts=True), its run-length pass compiled
    support, counts = sorted_support(np.sort(np.round(v, 3)))
    theta_up, theta_down = lundberg_roots(counts / counts.sum(), support, mu0, half_nu)
    return float(theta_up), float(theta_down)


def side_thresholds(
    ratings: ArrayLike, mu0: float, half_nu: float, alpha: float = DEFAULT_ALPHA
) -> tuple[float, float, float, float]:
    """(h⁺, h⁻, θ⁺, θ⁻) at a two-sided chance false-alarm rate ``alpha`` (α/2 a side)."""
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    x = np.asarray(ratings, dtype=np.float64)
    theta_up, theta_down = lundberg(x, mu0, half_nu)
    return (
        law_threshold(x.size, theta_up, alpha / 2),
        law_threshold(x.size, theta_down, alpha / 2),
        theta_up,
        theta_down,
    )


def analyze_consistency_law(
    x: ArrayLike,
    *,
    nu: float = DEFAULT_NU,
    alpha: float = DEFAULT_ALPHA,
    check_ratings: bool = True,
) -> ConsistencyResult:
    """CUSUM and change intervals at the size-scaled thresholds h± (see the module docstring),
    with p_change. μ0 is the product's mean; ``h0`` records h⁺ (no CvT search)."""
    ratings = as_ratings(x) if check_ratings else np.asarray(x, dtype=np.float64)
    mu0 = mean(ratings)
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    check_parameters(nu)
    # compiled, one call: θ± (``lundberg``), g± (``cusum``) and their maxima
    found = law_statistics(np.ascontiguousarray(ratings), float(mu0), nu / 2)
    theta_up, theta_down, g_plus, g_minus, top_up, top_down = found
    n = ratings.size
    h_up = law_threshold(n, theta_up, alpha / 2)
    h_down = law_threshold(n, theta_down, alpha / 2)
    intervals = tuple(
        change_intervals(ratings, h_up, nu=nu, mu0=mu0, h_down=h_down, check_ratings=False)
    )
    sides = min(law_p(n, theta_up, top_up), law_p(n, theta_down, top_down))
    return ConsistencyResult(
        mu0=mu0,
        nu=nu,
        h0=h_up,
        threshold=h_up,
        c_index=None,
        pci=sum(interval.length for interval in intervals) / n,
        intervals=intervals,
        ratings=ratings,
        g_plus=g_plus,
        g_minus=g_minus,
        method="law",
        threshold_down=h_down,
        alpha=alpha,
        p_change=min(1.0, 2.0 * sides),
    )
