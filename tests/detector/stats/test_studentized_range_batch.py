"""``studentized_range_sf_of_one_k``: several (q, ν) of one k in one table evaluation, bit for bit
the values of one ``studentized_range_sf`` call each (the ERO's features share k, not ν)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from detector.stats.studentized_range import (
    studentized_range_sf,
    studentized_range_sf_of_one_k,
)


@pytest.mark.parametrize("k", [2, 3, 4, 5, 6])
def test_one_evaluation_per_k_equals_one_call_per_df(k: int) -> None:
    rng = np.random.default_rng(k)
    asked = []
    for df in [1.0, 2.0, 7.0, 30.0, 31.0, 45.5, 74.0, 1e4]:
        q = rng.gamma(2.0, 1.5, size=int(rng.integers(1, 12)))
        if df == 7.0:  # the edge values and a far tail the union bound loses
            q = np.concatenate([q, [0.0, -1.0, np.inf, np.nan, 1e5]])
        asked.append((q, df))
    found = studentized_range_sf_of_one_k(k, asked)
    for (q, df), p in zip(asked, found, strict=True):
        expected = studentized_range_sf(q, k, df)
        np.testing.assert_array_equal(p, expected)  # bit for bit, NaN where NaN


def test_the_batched_values_are_scipys() -> None:
    q = np.array([1.0, 2.5, 4.0])
    found = studentized_range_sf_of_one_k(5, [(q, 20.0), (q[:2], 60.0)])
    np.testing.assert_allclose(found[0], stats.studentized_range.sf(q, 5, 20), atol=1e-8)
    np.testing.assert_allclose(found[1], stats.studentized_range.sf(q[:2], 5, 60), atol=1e-8)


@pytest.mark.parametrize("k", [2, 3, 4, 5])
@pytest.mark.parametrize("far", [False, True])
def test_the_compiled_path_equals_one_call_per_df(k: int, far: bool) -> None:
    """Only regular q's (0 < q < ∞): the compiled path; with ``far`` one q whose union bound
    underflows, which sends the batch back to the numpy path."""
    rng = np.random.default_rng(10 + k)
    for _ in range(20):
        asked = []
        for df in rng.choice([1.0, 3.0, 17.0, 30.0, 31.0, 95.0, 4321.0, 2e6], 7).tolist():
            q = rng.gamma(2.0, 1.5, size=int(rng.integers(1, 18))) + 1e-12
            asked.append((q, df))
        if far:
            asked[0] = (np.append(asked[0][0], 1e8), 60.0)
        found = studentized_range_sf_of_one_k(k, asked)
        for (q, df), p in zip(asked, found, strict=True):
            np.testing.assert_array_equal(p, studentized_range_sf(q, k, df))
