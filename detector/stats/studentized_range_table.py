"""A precomputed table of the studentized range tail, for Tukey's HSD in microseconds.

``detector.stats.studentized_range`` integrates the tail (about 1–3 ms a call, mostly a bisection
and a 121-point quadrature per value). The ERO analysis needs it for every feature of every product,
always with k ≤ 5 means (the star levels) and an integer ν = N − k, so the CLI spent a third of its
time there. This module tabulates, for k = 3, 4, 5, the smooth remainder

    D(q, ν) = log sf(q; k, ν) − log U(q; k, ν),    U = C(k,2) · 2·P(T_ν > q/√2),

where U is the union bound over the C(k,2) pairs: each pair's studentized difference is √2·|T_ν|,
so U is exact for k = 2 and tight in the far tail, and ``scipy.special.stdtr`` gives it directly.
D is bounded (−log C(k,2) at q = 0, a constant c(k, ν) as q → ∞ for finite ν, 0 for ν = ∞), so a
quintic spline (both directions) over y = log(1 + q) ∈ [0, log(1 + 10⁶)] and u = 1/ν ∈ [0, 1]
carries it: ν = 1, 2, …, 30 are grid columns (the integer dfs of small products fall on knots),
40 more columns are spaced geometrically up to ν = 10⁷, and u = 0 is the normal range itself.

**Accuracy** (``tests/detector/stats``; measured over q ∈ [10⁻³, 10⁵], ν from 1 to 3·10⁷, k = 3…5,
against the quadrature of ``detector.stats.studentized_range``, which agrees with
``scipy.stats.studentized_range`` to 1e-9 where scipy is accurate):
|Δ ln p| ≤ 1e-8 · max(1, |ln p|) measured (6e-9 at worst; the tests hold it to 1e-6): a
relative error of p below 2e-9 for p > 1e-3, and below 5e-6 down to 1e-300. Beyond q = 10⁶ the
remainder is held at its last value (it has converged to c(k, ν) there). Where U underflows
(p below ~1e-305) the caller falls back to the quadrature, which keeps such p-values' logarithms.

The table is built by ``build_tables`` (about 5 s) and shipped as ``studentized_range_table.npz``;
``python -m detector.stats.studentized_range_table`` rewrites it.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import special
from scipy.interpolate import RectBivariateSpline

__all__ = [
    "INTEGER_DFS",
    "Q_MAX",
    "TABLE_KS",
    "build_tables",
    "log_union_bound",
    "table_logsf",
    "table_logsf_dfs",
    "table_remainder",
]

TABLE_KS = (3, 4, 5)
_Q_MAX = 1e6
Q_MAX = _Q_MAX  # beyond this q the remainder is held at its last value
_Y_POINTS = 500
INTEGER_DFS = 30
_GEOMETRIC_DFS = 40
_DF_MAX = 1e7
_PATH = Path(__file__).with_name("studentized_range_table.npz")
_SQRT2 = math.sqrt(2.0)


def grid() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(y knots, u knots ascending, u = 0 first)."""
    y = np.linspace(0.0, math.log1p(_Q_MAX), _Y_POINTS)
    dfs = [float(n) for n in range(1, INTEGER_DFS + 1)]
    dfs += np.geomspace(INTEGER_DFS + 1, _DF_MAX, _GEOMETRIC_DFS).tolist()
    u = np.array([0.0] + [1.0 / df for df in reversed(dfs)])
    return y, u


def log_union_bound(q: NDArray[np.float64], k: int, df: float) -> NDArray[np.float64]:
    """log(C(k,2) · 2·P(T_ν > q/√2)) (the normal tail for ν = ∞); −inf where it underflows."""
    with np.errstate(divide="ignore"):
        tail = special.ndtr(-q / _SQRT2) if math.isinf(df) else special.stdtr(df, -q / _SQRT2)
        result: NDArray[np.float64] = math.log(k * (k - 1)) + np.log(tail)
    return result


def _remainder_column(y: NDArray[np.float64], k: int, df: float) -> NDArray[np.float64]:
    """D on the y knots for one ν, by the quadrature; held constant where U underflows."""
    from detector.stats.studentized_range import studentized_range_logsf_quadrature

    q = np.expm1(y[1:])
    remainder = studentized_range_logsf_quadrature(q, k, df) - log_union_bound(q, k, df)
    bad = ~np.isfinite(remainder)
    if bad.any():
        first = int(np.argmax(bad))
        remainder[first:] = remainder[first - 1]
    return np.concatenate([[-math.log(k * (k - 1) / 2.0)], remainder])


def build_tables() -> dict[str, NDArray[np.float64]]:
    """The remainder tables D[k] (y × u), computed by quadrature."""
    y, u = grid()
    tables = {"y": y, "u": u}
    for k in TABLE_KS:
        columns = [_remainder_column(y, k, math.inf if x == 0.0 else 1.0 / x) for x in u]
        tables[f"k{k}"] = np.stack(columns, axis=1)
    return tables


@functools.cache
def _spline(k: int) -> RectBivariateSpline:
    with np.load(_PATH) as data:
        return RectBivariateSpline(data["y"], data["u"], data[f"k{k}"], kx=5, ky=5, s=0)


def table_logsf(q: NDArray[np.float64], k: int, df: float) -> NDArray[np.float64]:
    """log sf(q; k, ν) for 0 < q < ∞ from the table (k in ``TABLE_KS``); −inf where the union
    bound underflows (the caller recomputes those by quadrature)."""
    y = np.log1p(np.minimum(q, _Q_MAX))
    u = np.full(q.shape, 0.0 if math.isinf(df) else min(1.0 / df, 1.0))
    remainder = _spline(k).ev(y, u)
    logsf: NDArray[np.float64] = np.minimum(log_union_bound(q, k, df) + remainder, 0.0)
    return logsf


def table_logsf_dfs(
    q: NDArray[np.float64], k: int, dfs: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``table_logsf`` for values each with its own finite ν (``dfs``, the shape of ``q``): one
    spline and one ``stdtr`` evaluation for several tests of the same k (issue 18). Both are
    pointwise, so each value is bit for bit what ``table_logsf(q_i, k, ν_i)`` gives. k = 2: the
    exact ``log_union_bound``."""
    with np.errstate(divide="ignore"):
        bound: NDArray[np.float64] = math.log(k * (k - 1)) + np.log(special.stdtr(dfs, -q / _SQRT2))
    if k == 2:
        return bound
    y = np.log1p(np.minimum(q, _Q_MAX))
    u = np.minimum(1.0 / dfs, 1.0)
    logsf: NDArray[np.float64] = np.minimum(bound + table_remainder(k, y, u), 0.0)
    return logsf


def table_remainder(k: int, y: NDArray[np.float64], u: NDArray[np.float64]) -> NDArray[np.float64]:
    """D at (y, u) = (log(1 + min(q, q_max)), min(1/ν, 1)), by the tabulated spline."""
    remainder: NDArray[np.float64] = _spline(k).ev(y, u)
    return remainder


def main() -> None:
    """Rewrite the shipped table."""
    np.savez_compressed(_PATH, allow_pickle=False, **build_tables())
    print(f"wrote {_PATH} ({_PATH.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
