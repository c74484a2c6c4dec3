"""The compiled per-star summary of a numeric feature equals numpy's own per-star statistics."""

from __future__ import annotations

import numpy as np
import pytest

from detector.ero.distributions import star_statistics


@pytest.mark.parametrize("seed", range(5))
def test_star_statistics_match_numpy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    ratings = rng.integers(1, 6, n)
    values = np.round(rng.lognormal(5, 1, n))  # ties, as review lengths have
    values[rng.random(n) < 0.15] = np.nan
    if seed == 0:
        ratings[ratings == 2] = 3  # a star level with no review
    groups, counts, (means, medians, q1, q3) = star_statistics(ratings, values)
    known = ~np.isnan(values)
    expected_groups = np.unique(ratings[known])
    np.testing.assert_array_equal(groups, expected_groups)
    for index, star in enumerate(expected_groups):
        x = values[known & (ratings == star)]
        assert counts[index] == x.size
        assert means[index] == pytest.approx(x.mean(), rel=1e-13)
        expected = np.quantile(x, [0.5, 0.25, 0.75])
        found = [medians[index], q1[index], q3[index]]
        np.testing.assert_allclose(found, expected, rtol=1e-14)
