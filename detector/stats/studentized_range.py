"""The studentized range distribution, fast and vectorised, for Tukey's HSD.

``studentized_range_logsf`` reads the tail from a shipped table
(``detector.stats.studentized_range_table``: k ≤ 5, microseconds a call) where it can and
computes it by the quadrature below otherwise; the quadrature is also what the table is built from.

Tukey's adjusted p-value for a pair of means is the survival function of the studentized range
``Q(k, ν)`` - the range of ``k`` independent standard normals divided by an independent
``s = sqrt(χ²_ν / ν)``:

    sf(q; k, ν) = ∫₀^∞ f_s(s) · sf_R(q·s; k) ds,
    sf_R(w; k)  = P(range of k standard normals > w)
                = k ∫ φ(z) [Φ(z)^(k-1) − (Φ(z) − Φ(z − w))^(k-1)] dz.

``scipy.stats.studentized_range.sf`` computes the same double integral with adaptive quadrature,
which costs 10-20 ms per value; a product with 24 hour-of-day categories needs hundreds of values,
so we evaluate it ourselves in two cheap steps:

1. ``sf_R(w; k)`` is a function of one variable per ``k``. We tabulate the smooth remainder
   ``d(w) = log sf_R(w) − log(C(k,2)·erfc(w/2))`` (the union bound over the ``C(k,2)`` pairs,
   exact for ``k = 2``) once per ``k`` by Gauss–Legendre quadrature in log space and interpolate it
   with a quintic spline; ``d(w) < 1e-13`` for ``w > 24``, where the union bound is used alone.
2. The outer integral is taken in ``t = log s``, where the integrand
   ``h(t) = g(t)·sf_R(q·eᵗ)`` is log-concave (``g`` is the log-χ density; the survival function of
   the normal range is log-concave). We find its mode ``t*`` by bisection on ``d log h / dt``,
   its width ``σ`` from the curvature there, and integrate with the trapezoidal rule after the
   substitution ``t = t* + σ·sinh(v)``, which converges double-exponentially for such integrands.
   (The search for t* uses a linearly interpolated table of d/dw log sf_R: it only has to land
   within a fraction of σ.)

Everything is summed in log space (``logsumexp``), so tiny p-values keep their relative precision
(used on the −log10 scale by the ERO calibration). Measured accuracy: relative error < 1e-8 against
the exact ``k = 2`` case (``2·t.sf(q/√2, ν)``) for ν up to 1e6, and absolute difference < 1e-9
from ``scipy.stats.studentized_range.sf`` for 2 ≤ k ≤ 10 and ν ≤ 1e4, where scipy is itself
accurate (above ν ≈ 1e5 scipy's values are off by up to ~3e-6; ours are not).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special
from scipy.interpolate import BSpline, make_interp_spline

from detector.stats import studentized_range_kernel
from detector.stats.studentized_range_table import (
    INTEGER_DFS,
    Q_MAX,
    TABLE_KS,
    log_union_bound,
    table_logsf,
    table_logsf_dfs,
    table_remainder,
)

__all__ = [
    "studentized_range_logsf",
    "studentized_range_logsf_quadrature",
    "studentized_range_sf",
    "studentized_range_sf_of_one_k",
]

_TABLE_W_MAX = 24.0  # beyond this, d(w) < 1e-13: the union bound is exact to double precision
_TABLE_POINTS = 601  # quintic spline knots on [0, 24]: interpolation error < 1e-9 in log sf_R
_Z_NODES = 120  # Gauss–Legendre nodes for the inner z-integral
_SINH_STEP = 0.1  # trapezoid step in v, t = t* + σ·sinh(v): relative error < 1e-10
_SINH_HALF_WIDTH = 6.0  # v ∈ [−6, 6]: covers ±200σ, enough for the e^{νt} tail when ν = 1
_BISECTION_STEPS = 24  # t* to ~2e-6: the substitution only needs it to a fraction of σ
_LOG_2 = math.log(2.0)
_SQRT2 = math.sqrt(2.0)


def _log_pair_union_bound(w: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """log(C(k,2)·erfc(w/2)): P(some pair of k normals differs by more than w), union bound."""
    return math.log(k * (k - 1) / 2) + _LOG_2 + special.log_ndtr(-w / math.sqrt(2.0))


def _normal_range_logsf_direct(w: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """log sf_R(w; k) by Gauss–Legendre over z ∈ [−10, w/2 + 10] (the integrand's mass).

    The bracket Φ(z)^m − (Φ(z) − Φ(z−w))^m, m = k − 1, is evaluated as
    a^m · (−expm1(m·log1p(−b/a))) with a = Φ(z), b = Φ(z − w), so it keeps its relative
    precision when b ≪ a (large w, tiny probabilities).
    """
    nodes, weights = np.polynomial.legendre.leggauss(_Z_NODES)
    low = -10.0
    high = w / 2.0 + 10.0
    half = (high - low)[:, None] / 2.0
    z = low + half * (nodes[None, :] + 1.0)
    m = k - 1
    log_a = special.log_ndtr(z)
    ratio = np.minimum(np.exp(special.log_ndtr(z - w[:, None]) - log_a), 1.0)
    with np.errstate(divide="ignore"):
        log_bracket = m * log_a + np.log(-np.expm1(m * np.log1p(-ratio)))
    log_phi = -0.5 * z * z - 0.5 * math.log(2.0 * math.pi)
    terms = log_phi + log_bracket + np.log(weights)[None, :] + np.log(half)
    return math.log(k) + special.logsumexp(terms, axis=1)


@functools.cache
def _remainder_spline(k: int) -> tuple[BSpline, BSpline]:
    """Quintic spline of d(w) = log sf_R(w; k) − log union bound on [0, 24], and its derivative."""
    w = np.linspace(0.0, _TABLE_W_MAX, _TABLE_POINTS)
    remainder = _normal_range_logsf_direct(w, k) - _log_pair_union_bound(w, k)
    spline = make_interp_spline(w, remainder, k=5)
    return spline, spline.derivative(1)


def _normal_range_logsf(w: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """log sf_R(w; k) from the table (w ≥ 0)."""
    spline, _ = _remainder_spline(k)
    inside = w < _TABLE_W_MAX
    remainder = np.where(inside, spline(np.minimum(w, _TABLE_W_MAX)), 0.0)
    return _log_pair_union_bound(w, k) + remainder


def _normal_range_logsf_slope_exact(w: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """d/dw log sf_R(w; k) = −e^{−w²/4} / (√π·erfc(w/2)) + d'(w)."""
    _, derivative = _remainder_spline(k)
    inside = w < _TABLE_W_MAX
    remainder = np.where(inside, derivative(np.minimum(w, _TABLE_W_MAX)), 0.0)
    log_erfc = _LOG_2 + special.log_ndtr(-w / math.sqrt(2.0))
    return -np.exp(-w * w / 4.0 - 0.5 * math.log(math.pi) - log_erfc) + remainder


@functools.cache
def _slope_table(k: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    grid = np.linspace(0.0, _TABLE_W_MAX, 4 * _TABLE_POINTS)
    return grid, _normal_range_logsf_slope_exact(grid, k)


def _normal_range_logsf_slope(w: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """d/dw log sf_R(w; k), linearly interpolated (it only steers the search for the mode);
    beyond the table, the asymptote −(w/2 + 1/w) of the union bound's slope."""
    grid, slope = _slope_table(k)
    with np.errstate(divide="ignore"):
        far = -(w / 2.0 + 1.0 / w)
    return np.where(w < _TABLE_W_MAX, np.interp(w, grid, slope), far)


def _log_chi_density_offset(df: float) -> float:
    """log of the constant in log g(t) = c + ν·(t − (e^{2t} − 1)/2), g the density of log s.

    c = log 2 + (ν/2)·(log(ν/2) − 1) − lnΓ(ν/2). For large ν the two big terms cancel, so we use
    Stirling's series there: c = log 2 + ½·log(x/2π) − 1/(12x) + 1/(360x³) − 1/(1260x⁵), x = ν/2.
    """
    x = df / 2.0
    if x < 50.0:
        return _LOG_2 + x * (math.log(x) - 1.0) - math.lgamma(x)
    return (
        _LOG_2
        + 0.5 * math.log(x / (2.0 * math.pi))
        - 1.0 / (12.0 * x)
        + 1.0 / (360.0 * x**3)
        - 1.0 / (1260.0 * x**5)
    )


def _mode_of_log_integrand(q: NDArray[np.float64], k: int, df: float) -> NDArray[np.float64]:
    """t* where d/dt [ν(t − e^{2t}/2) + log sf_R(q·eᵗ)] = ν(1 − e^{2t}) + w·L'(w) = 0, w = q·eᵗ.

    The derivative is decreasing (log-concavity), ≤ 0 at t = 0 and positive at t = −log(1+q) − 10,
    where w < e^{-10} makes |w·L'(w)| < 1e-4 ≤ ν, so bisection finds the root.
    """
    low = -np.log1p(q) - 10.0
    high = np.zeros_like(q)
    for _ in range(_BISECTION_STEPS):
        middle = 0.5 * (low + high)
        w = q * np.exp(middle)
        slope = df * -np.expm1(2.0 * middle) + w * _normal_range_logsf_slope(w, k)
        rising = slope > 0.0
        low = np.where(rising, middle, low)
        high = np.where(rising, high, middle)
    return 0.5 * (low + high)


def _finite_df_logsf(q: NDArray[np.float64], k: int, df: float) -> NDArray[np.float64]:
    """log sf(q; k, ν) for finite ν and 0 < q < ∞ (see the module docstring)."""
    mode = _mode_of_log_integrand(q, k, df)
    # Width from the curvature of log h at the mode, by a central difference of its slope
    # (σ need not be exact: it only scales the substitution).
    step = 1e-4 + 1e-3 / math.sqrt(2.0 * df)
    slopes = []
    for shift in (-step, step):
        t = mode + shift
        w = q * np.exp(t)
        slopes.append(df * -np.expm1(2.0 * t) + w * _normal_range_logsf_slope(w, k))
    curvature = np.maximum((slopes[0] - slopes[1]) / (2.0 * step), 2.0 * df * np.exp(2.0 * mode))
    width = 1.0 / np.sqrt(curvature)

    v = np.arange(-_SINH_HALF_WIDTH, _SINH_HALF_WIDTH + _SINH_STEP / 2.0, _SINH_STEP)
    t = mode[:, None] + width[:, None] * np.sinh(v)[None, :]
    with np.errstate(over="ignore"):  # far right tail: e^{2t} overflows, g is 0 there anyway
        log_g = _log_chi_density_offset(df) - 0.5 * df * (np.expm1(2.0 * t) - 2.0 * t)
    log_sf_range = _normal_range_logsf(q[:, None] * np.exp(t), k)
    log_jacobian = np.log(width * _SINH_STEP)[:, None] + np.log(np.cosh(v))[None, :]
    return special.logsumexp(log_g + log_sf_range + log_jacobian, axis=1)


def studentized_range_logsf(q: ArrayLike, k: int, df: float) -> NDArray[np.float64]:
    """Natural log of P(Q > q) for the studentized range Q with k means and ν = df.

    ``q`` may be any array (values ≤ 0 give 0, +inf gives −inf, NaN stays NaN); ``df`` may be
    ``math.inf`` (the normal range itself). Vectorised over ``q``. For k = 2 (exact: 2·P(T_ν >
    q/√2)) and k = 3, 4, 5 with an integer ν or ν > 30 (what Tukey's HSD over star levels
    needs) the value comes from ``detector.stats.studentized_range_table`` (|Δ ln p| ≤ 1e-6 ·
    max(1, |ln p|), a few microseconds); otherwise, and where that table's union bound
    underflows, from the quadrature (:func:`studentized_range_logsf_quadrature`).
    """
    k, df = _checked(k, df)
    tabulated = k == 2 or (
        k in TABLE_KS and (math.isinf(df) or df > INTEGER_DFS or (df >= 1 and df == int(df)))
    )
    if not tabulated:
        return studentized_range_logsf_quadrature(q, k, df)
    return _evaluate(q, lambda values: _tabulated(values, k, df))


def _tabulated(values: NDArray[np.float64], k: int, df: float) -> NDArray[np.float64]:
    result = log_union_bound(values, k, df) if k == 2 else table_logsf(values, k, df)
    lost = ~np.isfinite(result)  # the union bound underflowed: p < ~1e-305
    if lost.any():
        result[lost] = (
            _normal_range_logsf(values[lost], k)
            if math.isinf(df)
            else _finite_df_logsf(values[lost], k, df)
        )
    return result


def studentized_range_logsf_quadrature(q: ArrayLike, k: int, df: float) -> NDArray[np.float64]:
    """log P(Q > q) by the quadrature of the module docstring (a table per ``k`` is built on
    first use, about 10 ms, and cached); the reference the fast table is built from."""
    k, df = _checked(k, df)
    if math.isinf(df):
        return _evaluate(q, lambda values: _normal_range_logsf(values, k))
    return _evaluate(q, lambda values: _finite_df_logsf(values, k, df))


def _checked(k: int, df: float) -> tuple[int, float]:
    if k < 2 or int(k) != k:
        raise ValueError(f"the studentized range needs an integer number of means k ≥ 2, got {k}")
    if not df > 0:
        raise ValueError(f"the studentized range needs df > 0, got {df}")
    return int(k), float(df)


def _evaluate(
    q: ArrayLike, regular_logsf: Callable[[NDArray[np.float64]], NDArray[np.float64]]
) -> NDArray[np.float64]:
    """The edge values (q ≤ 0, +inf, NaN) here, ``regular_logsf`` for 0 < q < ∞."""
    q_array = np.asarray(q, dtype=np.float64)
    flat = np.atleast_1d(q_array).ravel()
    regular = (flat > 0.0) & (flat < np.inf)
    if regular.all():  # the usual case: no edge values
        result = regular_logsf(flat)
    else:
        result = np.where(flat <= 0.0, 0.0, np.where(flat == np.inf, -np.inf, np.nan))
        if regular.any():
            result[regular] = regular_logsf(flat[regular])
    logsf: NDArray[np.float64] = np.minimum(result, 0.0)
    return logsf.reshape(q_array.shape) if q_array.ndim else logsf.reshape(())


def studentized_range_sf(q: ArrayLike, k: int, df: float) -> NDArray[np.float64]:
    """P(Q > q) for the studentized range; see :func:`studentized_range_logsf`."""
    sf: NDArray[np.float64] = np.exp(studentized_range_logsf(q, k, df))
    return sf


def _tabulated_df(k: int, df: float) -> bool:
    """The table (or k = 2's exact bound) serves (k, ν) with a finite ν."""
    return k == 2 or (k in TABLE_KS and (df > INTEGER_DFS or (df >= 1 and df == int(df))))


def studentized_range_sf_of_one_k(
    k: int, asked: list[tuple[NDArray[np.float64], float]]
) -> list[NDArray[np.float64]]:
    """``[studentized_range_sf(q, k, df) for q, df in asked]``, bit for bit, in one table
    evaluation when the table serves every (k, ν) (``table_logsf_dfs``: pointwise, so the
    grouping does not move a value): a product's ERO features share k (its star levels) but
    seldom ν (reviews missing or pooled), and each call's fixed cost was the cost. Anything
    else - other k, infinite or fractional small ν - one call each.

    The common case - one-dimensional q's, the table's union bound not underflowing - takes
    ``_sf_of_one_k_compiled``: the same ufuncs on the same arguments,
    the arithmetic between them compiled."""
    k, _ = _checked(k, 1.0)
    dfs_given = [_checked(k, df)[1] for _, df in asked]
    if len(asked) < 2 or not all(math.isfinite(df) and _tabulated_df(k, df) for df in dfs_given):
        return [studentized_range_sf(q, k, df) for q, df in asked]
    arrays = [np.asarray(q, dtype=np.float64) for q, _ in asked]
    if all(a.ndim == 1 for a in arrays):
        found = _sf_of_one_k_compiled(k, arrays, dfs_given)
        if found is not None:
            return found
    return _sf_of_one_k_numpy(k, arrays, dfs_given)


def _sf_of_one_k_compiled(
    k: int, arrays: list[NDArray[np.float64]], dfs_given: list[float]
) -> list[NDArray[np.float64]] | None:
    """``_sf_of_one_k_numpy`` of one-dimensional q's by ``studentized_range_kernel``; None
    when the union bound underflows (the numpy path's quadrature handles those)."""
    sizes = [a.size for a in arrays]
    flat = np.concatenate(arrays)
    index, dfs, t_argument, y_argument, u = studentized_range_kernel.table_arguments(
        flat, np.array(dfs_given), np.array(sizes, dtype=np.int64), _SQRT2, Q_MAX
    )
    with np.errstate(divide="ignore"):
        log_tail = np.log(special.stdtr(dfs, t_argument))
    exact = k == 2
    remainder = log_tail if exact or not index.size else table_remainder(k, np.log1p(y_argument), u)
    logsf, lost = studentized_range_kernel.table_log_sf(
        flat, index, math.log(k * (k - 1)), log_tail, remainder, exact
    )
    if lost:
        return None
    sf = np.exp(logsf)
    out, start = [], 0
    for size in sizes:
        out.append(sf[start : start + size])
        start += size
    return out


def _sf_of_one_k_numpy(
    k: int, arrays: list[NDArray[np.float64]], dfs_given: list[float]
) -> list[NDArray[np.float64]]:
    """``studentized_range_sf_of_one_k`` of tabulated (k, ν)'s, in numpy."""
    flat = np.concatenate([a.ravel() for a in arrays])
    dfs = np.repeat(np.array(dfs_given), [a.size for a in arrays])
    regular = (flat > 0.0) & (flat < np.inf)
    if regular.all():
        result = _tabulated_dfs(flat, k, dfs)
    else:  # the edge values as ``_evaluate`` gives them
        result = np.where(flat <= 0.0, 0.0, np.where(flat == np.inf, -np.inf, np.nan))
        if regular.any():
            result[regular] = _tabulated_dfs(flat[regular], k, dfs[regular])
    sf = np.exp(np.minimum(result, 0.0))
    out, start = [], 0
    for a in arrays:
        out.append(sf[start : start + a.size].reshape(a.shape))
        start += a.size
    return out


def _tabulated_dfs(
    values: NDArray[np.float64], k: int, dfs: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``_tabulated`` with a ν per value; the quadrature, one ν at a time, where the union
    bound underflows."""
    result = table_logsf_dfs(values, k, dfs)
    lost = ~np.isfinite(result)
    if lost.any():
        for df in np.unique(dfs[lost]).tolist():
            at = lost & (dfs == df)
            result[at] = _finite_df_logsf(values[at], k, df)
    return result
