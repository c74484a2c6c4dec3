"""Compiled group summaries, one-way ANOVA and Tukey–Kramer statistics (numba; issue 18).

A product's ERO analysis runs the same small computations for each of its seven features: the
star groups' sizes, means and sums of squares, then F and the pairs' studentized ranges q over
at most five groups. In numpy each is a dozen calls on arrays of five numbers, and the calls'
fixed cost (about a microsecond each) was most of a 100-review product's time. These kernels do
the same arithmetic in one compiled call each, in the same order as the numpy versions in
``detector.stats.tukey`` (``summarize_codes``, ``anova_arrays``, ``tukey_statistics``), which stay
the readable reference the tests compare them with (tests/detector/stats):

* ``numeric_summary``: per star level (0–4) the number of known values; then, over the levels
  kept (at least ``min_group`` values), unit = max |x|, and per kept level n_g, the mean m_g of
  x/unit and SS_g = Σ (x/unit − m_g)², accumulated in array order exactly as ``np.bincount``
  does; SS_g at or below n_g·(64 ulp)² counts as 0;
* ``anova_tukey``: for a batch of rows (features or category indicators) over the same groups,
  F = (SS_between/(K − 1)) / (SS_within/(N − K)) with SS_between at or below N·(64 ulp·scale)²
  taken as 0, and for each pair a < b the difference m_b − m_a and
  q = |m_b − m_a| / √(MS_within/2 · (1/n_a + 1/n_b)) (∞ for a difference beyond noise when the
  standard error is 0, else 0 there). IEEE arithmetic throughout (0/0 = NaN, x/0 = ±∞).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["anova_tukey", "numeric_feature", "numeric_summary"]

STAR_LEVELS = 5


@njit(cache=True, error_model="numpy")
def numeric_summary(
    stars: np.ndarray, x: np.ndarray, min_group: int, noise: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float, float, int]:
    """(known per star, mean of x/unit per star, SS per star, unit, min, max, missing) with the
    means and SS over the kept star levels only (0 elsewhere); min/max of the kept values."""
    known = np.zeros(STAR_LEVELS, dtype=np.int64)
    missing = 0
    for i in range(x.shape[0]):
        if np.isnan(x[i]):
            missing += 1
        else:
            known[stars[i]] += 1
    kept = known >= min_group
    unit = 0.0
    low = np.inf
    high = -np.inf
    for i in range(x.shape[0]):
        value = x[i]
        if not np.isnan(value) and kept[stars[i]]:
            unit = max(unit, abs(value))
            low = min(low, value)
            high = max(high, value)
    if not unit > 0.0:
        unit = 1.0
    sums = np.zeros(STAR_LEVELS)
    for i in range(x.shape[0]):
        value = x[i]
        if not np.isnan(value) and kept[stars[i]]:
            sums[stars[i]] += value / unit
    means = np.zeros(STAR_LEVELS)
    for s in range(STAR_LEVELS):
        if kept[s]:
            means[s] = sums[s] / known[s]
    squares = np.zeros(STAR_LEVELS)
    for i in range(x.shape[0]):
        value = x[i]
        if not np.isnan(value) and kept[stars[i]]:
            deviation = value / unit - means[stars[i]]
            squares[stars[i]] += deviation * deviation
    for s in range(STAR_LEVELS):
        if squares[s] <= known[s] * noise * noise:
            squares[s] = 0.0
    return known, means, squares, unit, low, high, missing


@njit(cache=True, error_model="numpy")
def anova_tukey(
    counts: np.ndarray, means: np.ndarray, sum_squares: np.ndarray, scale: float, noise: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(F per row, m_b − m_a per row and pair, q per row and pair) for ``counts`` (K,) and
    ``means``/``sum_squares`` (rows, K); pairs a < b in ``np.triu_indices(K, 1)`` order."""
    rows, groups = means.shape
    n_total = 0.0
    for g in range(groups):
        n_total += counts[g]
    df_between = groups - 1
    df_within = np.round(n_total) - groups
    pairs = groups * (groups - 1) // 2
    f = np.empty(rows)
    mean_diff = np.empty((rows, pairs))
    q = np.empty((rows, pairs))
    between_noise = n_total * (noise * scale) ** 2
    difference_noise = noise * scale
    for r in range(rows):
        weighted = 0.0
        for g in range(groups):
            weighted += means[r, g] * counts[g]
        grand_mean = weighted / n_total
        between = 0.0
        within = 0.0
        for g in range(groups):
            between += counts[g] * (means[r, g] - grand_mean) ** 2
            within += sum_squares[r, g]
        if between <= between_noise:
            between = 0.0
        f[r] = (between / df_between) / (within / df_within)
        mean_square_within = within / (n_total - groups)
        k = 0
        for a in range(groups):
            for b in range(a + 1, groups):
                diff = means[r, b] - means[r, a]
                error = np.sqrt(mean_square_within / 2.0 * (1.0 / counts[a] + 1.0 / counts[b]))
                mean_diff[r, k] = diff
                if error > 0.0:
                    q[r, k] = abs(diff) / error
                elif abs(diff) > difference_noise:
                    q[r, k] = np.inf
                else:
                    q[r, k] = 0.0
                k += 1
    return f, mean_diff, q


@njit(cache=True, error_model="numpy")
def numeric_feature(
    stars: np.ndarray, x: np.ndarray, min_group: int, noise: float
) -> tuple[np.ndarray, tuple[int, int, float, float, float], float, np.ndarray]:
    """``numeric_summary`` and ``anova_tukey`` (scale 1) of one numeric feature over its K kept
    star levels, in one call: (known per star level, (missing, reviews kept, unit, min, max),
    F, and packed in one array - each array returned costs about a microsecond to hand over -
    the kept levels' means × unit (K), the mean differences × unit per pair (P), q per pair
    (P)). Fewer than two kept levels: F is NaN and the array is empty. The products by unit are
    the same IEEE products numpy's ``array * unit`` gives."""
    known, means, squares, unit, low, high, missing = numeric_summary(stars, x, min_group, noise)
    groups = 0
    reviews = 0
    for s in range(STAR_LEVELS):
        if known[s] >= min_group:
            groups += 1
            reviews += known[s]
    counts = np.empty(groups)
    kept_means = np.empty((1, groups))
    kept_squares = np.empty((1, groups))
    g = 0
    for s in range(STAR_LEVELS):
        if known[s] >= min_group:
            counts[g] = known[s]
            kept_means[0, g] = means[s]
            kept_squares[0, g] = squares[s]
            g += 1
    summary = (missing, reviews, unit, low, high)
    if groups < 2:
        return known, summary, np.nan, np.zeros(0)
    f, mean_diff, q = anova_tukey(counts, kept_means, kept_squares, 1.0, noise)
    pairs = mean_diff.shape[1]
    packed = np.empty(groups + 2 * pairs)
    for g in range(groups):
        packed[g] = kept_means[0, g] * unit
    for k in range(pairs):
        packed[groups + k] = mean_diff[0, k] * unit
        packed[groups + pairs + k] = q[0, k]
    return known, summary, f[0], packed
