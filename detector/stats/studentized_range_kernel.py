"""Compiled arithmetic around the tabulated studentized-range tail (numba; issue 18).

``studentized_range.studentized_range_sf_of_one_k`` reads all of a product's Tukey q's from the
table in one go: log sf(q; k, ν) = log C(k,2)·2 + log stdtr(ν, −q/√2) + D(log(1 + q), 1/ν),
D the tabulated remainder (``studentized_range_table``). The transcendental steps stay numpy's
and scipy's ufuncs (``stdtr``, ``log``, ``log1p``, the spline, ``exp`` - numpy's vectorised
log and exp need not round as libm's do); what lies between them - the ν of each value, −q/√2,
min(q, q_max), min(1/ν, 1), the sums and the bounds at 0 - was a dozen numpy calls on ~100
numbers. Here it is two calls of the same IEEE operations (division, addition, comparisons; no
fused multiply-add; ``np.minimum``'s NaN and tie rules written out), so every p-value is the
one the numpy path gives (tests/detector/stats/test_studentized_range_batch.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["table_arguments", "table_log_sf"]


@njit(cache=True)
def _npminimum(a: float, b: float) -> float:
    """``np.minimum(a, b)``: NaN if either is NaN, else a if a < b, else b."""
    if np.isnan(a) or np.isnan(b):
        return np.nan
    return a if a < b else b


@njit(cache=True)
def table_arguments(
    q: np.ndarray, dfs: np.ndarray, sizes: np.ndarray, sqrt2: float, q_max: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(positions of the regular q's, 0 < q < ∞, and there ν, −q/√2, min(q, q_max),
    min(1/ν, 1)) for the concatenated ``q`` whose consecutive runs of ``sizes`` share ν
    ``dfs``."""
    n = q.shape[0]
    regular = 0
    for j in range(n):
        regular += q[j] > 0.0 and q[j] < np.inf
    index = np.empty(regular, dtype=np.int64)
    every = np.empty(regular)
    t_argument = np.empty(regular)
    y_argument = np.empty(regular)
    u = np.empty(regular)
    start = 0
    i = 0
    for run in range(sizes.shape[0]):
        for j in range(start, start + sizes[run]):
            value = q[j]
            if value > 0.0 and value < np.inf:
                index[i] = j
                every[i] = dfs[run]
                t_argument[i] = -value / sqrt2
                y_argument[i] = _npminimum(value, q_max)
                u[i] = _npminimum(1.0 / dfs[run], 1.0)
                i += 1
        start += sizes[run]
    return index, every, t_argument, y_argument, u


@njit(cache=True)
def table_log_sf(
    q: np.ndarray,
    index: np.ndarray,
    log_pairs: float,
    log_tail: np.ndarray,
    remainder: np.ndarray,
    exact: bool,
) -> tuple[np.ndarray, bool]:
    """(min(log sf, 0) of every q, any regular value not finite): at the regular q's (``index``)
    log sf = (log_pairs + log_tail) + remainder bounded by 0 (``table_logsf_dfs``), or without
    the remainder and its bound for k = 2 (``exact``: the union bound is the tail); 0 for
    q ≤ 0, −∞ for q = ∞, NaN for NaN (``studentized_range._evaluate``)."""
    n = q.shape[0]
    out = np.empty(n)
    for j in range(n):
        value = q[j]
        if np.isnan(value):
            out[j] = np.nan
        elif value <= 0.0:
            out[j] = 0.0
        else:
            out[j] = -np.inf  # q = ∞ (the regular ones are written below)
    lost = False
    for i in range(index.shape[0]):
        bound = log_pairs + log_tail[i]
        value = bound if exact else _npminimum(bound + remainder[i], 0.0)
        lost = lost or not np.isfinite(value)
        out[index[i]] = _npminimum(value, 0.0)
    return out, lost
