"""The reviewer evidence's compiled star tables against numpy's boolean counts per star level."""

from __future__ import annotations

import numpy as np
import pytest

from detector.reviewers.evidence import _star_tables


@pytest.mark.parametrize("seed", range(5))
def test_star_tables_are_numpys_counts_per_star(seed):
    rng = np.random.default_rng(seed)
    for n in (0, 1, 17, 400):
        ratings = rng.integers(0 if seed == 3 else 1, 7 if seed == 3 else 6, n).astype(np.int64)
        history = rng.integers(0, 5, n).astype(np.float64)
        history[rng.random(n) < 0.3] = np.nan
        if seed == 4:
            history[:] = np.nan
        verified = rng.random(n) < 0.7
        suspicion = rng.random(n)
        suspicion[rng.random(n) < 0.1] = np.nan
        tables = _star_tables(ratings, history, verified, seed != 2, suspicion, seed != 1)
        level = np.where((ratings >= 1) & (ratings <= 5), ratings, 0)
        for row, selected in enumerate(
            (np.ones(n, bool), history <= 1, verified if seed != 2 else np.zeros(n, bool))
        ):
            np.testing.assert_array_equal(
                tables[row], [np.count_nonzero(selected & (level == s)) for s in range(6)]
            )
        np.testing.assert_array_equal(
            tables[3], [np.count_nonzero((history >= 2) & (level == s)) for s in range(6)]
        )
        assert tables[4, 0] == np.count_nonzero(~np.isnan(history))
        assert not tables[4, 1:].any()
        established = (history >= 2) & (suspicion < 0.70)  # NaN compares False
        expected = [np.count_nonzero(established & (level == s)) for s in range(6)]
        np.testing.assert_array_equal(tables[5], expected if seed != 1 else [0] * 6)
