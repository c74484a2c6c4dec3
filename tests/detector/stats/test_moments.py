"""``detector.stats.moments``: numpy's mean and std to the last bit, faster on small arrays."""

from __future__ import annotations

import numpy as np
import pytest

from detector.stats.moments import mean, std


@pytest.mark.parametrize("seed", range(10))
def test_mean_and_std_are_numpys_to_the_last_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for size in [1, 2, 3, 7, 8, 9, 15, 16, 17, 50, 127, 128, 129, 300, 1000, 5000]:
        kind = seed % 3
        if kind == 0:
            x = rng.normal(3.0, 2.0, size)
        elif kind == 1:
            x = np.log1p(rng.integers(0, 500, size).astype(np.float64))
        else:
            x = (rng.random(size) < 0.2).astype(np.float64) * 1e-3 + rng.normal(size=size) * 1e8
        assert mean(x) == float(x.mean())
        assert std(x) == float(x.std())
        assert std(np.full(size, 0.1)) == float(np.full(size, 0.1).std())


def test_other_arrays_go_to_numpy() -> None:
    x = np.arange(20.0)
    strided = x[::2]
    assert mean(strided) == float(strided.mean()) and std(strided) == float(strided.std())
    ints = np.arange(9)
    assert mean(ints) == float(ints.mean()) and std(ints) == float(ints.std())
    empty = np.array([], dtype=np.float64)
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        assert np.isnan(mean(empty))
