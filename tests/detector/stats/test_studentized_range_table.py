"""The tabulated studentized-range tail against independent references.

scipy.stats.studentized_range (adaptive quadrature) where it is accurate (p ≥ 1e-9: further out it
returns 0 or values off by many orders), the exact two-means case 2·P(T_ν > q/√2) everywhere, and
in the far tail the module's own quadrature (a different algorithm from the spline table), at the
stated accuracy |Δ ln p| ≤ 1e-6 · max(1, |ln p|).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from detector.stats.studentized_range import (
    studentized_range_logsf,
    studentized_range_logsf_quadrature,
    studentized_range_sf,
)
from detector.stats.studentized_range_table import build_tables, grid

TOLERANCE = 1e-6


def _log_error(approx: np.ndarray, exact: np.ndarray) -> float:
    return float(np.max(np.abs(approx - exact) / np.maximum(1.0, np.abs(exact))))


@pytest.mark.parametrize("k", [3, 4, 5])
@pytest.mark.parametrize("df", [1, 2, 4, 9, 20, 47, 180, 2_000, 9_995])
def test_table_matches_scipy_where_scipy_is_accurate(k: int, df: int) -> None:
    q = np.array([0.02, 0.4, 1.0, 2.0, 3.0, 3.7, 4.5, 5.5, 7.0, 9.0, 12.0])
    expected = stats.studentized_range.sf(q, k, df)
    kept = expected >= 1e-9
    got = studentized_range_sf(q, k, df)
    np.testing.assert_allclose(got[kept], expected[kept], rtol=2e-6, atol=1e-10)


@pytest.mark.parametrize("df", [1, 3, 30, 31, 500, 12_345, 1e6, np.inf])
def test_two_means_are_exact_in_the_far_tail(df: float) -> None:
    q = np.geomspace(0.01, 300.0, 60)
    exact = np.log(2.0) + stats.t.logsf(q / np.sqrt(2.0), df)
    finite = exact > -700
    got = studentized_range_logsf(q, 2, df)
    assert _log_error(got[finite], exact[finite]) < 1e-9


@pytest.mark.parametrize("k", [3, 4, 5])
@pytest.mark.parametrize("df", [1, 2, 7, 29, 30, 31, 45, 77, 150, 999, 4_321, 99_999, 3e7, np.inf])
def test_table_matches_the_quadrature_into_the_far_tail(k: int, df: float) -> None:
    rng = np.random.default_rng(int(k * 1000 + min(df, 1e6)))
    q = np.concatenate([np.geomspace(1e-3, 1e5, 300), rng.uniform(0.0, 60.0, 200)])
    exact = studentized_range_logsf_quadrature(q, k, df)
    got = studentized_range_logsf(q, k, df)
    assert _log_error(got, exact) < TOLERANCE
    assert np.all(np.diff(got[:300]) <= 1e-8)  # the tail falls with q (to 1e-8 in ln p)


def test_tiny_p_values_keep_their_logarithm() -> None:
    # Beyond the union bound's underflow the quadrature takes over: ln p, not −inf.
    got = studentized_range_logsf(np.array([80.0, 200.0]), 5, 5_000)
    exact = studentized_range_logsf_quadrature(np.array([80.0, 200.0]), 5, 5_000)
    assert np.all(np.isfinite(got)) and _log_error(got, exact) < TOLERANCE


def test_shipped_table_is_what_the_quadrature_gives() -> None:
    # Rebuilding one k's columns reproduces the shipped file (no hand-edited numbers).
    y, u = grid()
    with np.load("detector/stats/studentized_range_table.npz") as shipped:
        np.testing.assert_array_equal(shipped["y"], y)
        np.testing.assert_array_equal(shipped["u"], u)
        table = shipped["k3"]
    from detector.stats import studentized_range_table as module

    for column in (0, 5, 40, u.size - 1):
        df = np.inf if u[column] == 0.0 else 1.0 / u[column]
        rebuilt = module._remainder_column(y, 3, df)
        np.testing.assert_allclose(rebuilt, table[:, column], rtol=0, atol=1e-12)
    assert callable(build_tables)


def test_fractional_small_df_uses_the_quadrature() -> None:
    q = np.array([0.5, 3.0, 9.0])
    got = studentized_range_logsf(q, 4, 2.5)
    np.testing.assert_array_equal(got, studentized_range_logsf_quadrature(q, 4, 2.5))
