"""detector.reviewers.evidence.fisher_greater is scipy.stats.fisher_exact's one-sided p-value,
without the per-call overhead: equal (==) on every table of a grid, edge cases included."""

import itertools

import numpy as np
import pytest
from scipy.stats import fisher_exact

from detector.reviewers.evidence import fisher_greater


def scipys(a: int, n_group: int, b: int, n_rest: int) -> float:
    return float(fisher_exact(np.array([[a, n_group - a], [b, n_rest - b]]), "greater")[1])


def test_every_small_table_gives_scipys_p_value():
    for n_group, n_rest in itertools.product(range(1, 9), range(1, 9)):
        for a, b in itertools.product(range(n_group + 1), range(n_rest + 1)):
            assert fisher_greater(a, n_group, b, n_rest) == scipys(a, n_group, b, n_rest)


@pytest.mark.parametrize("seed", range(5))
def test_product_sized_tables_give_scipys_p_value(seed):
    rng = np.random.default_rng(seed)
    for _ in range(300):
        n_group, n_rest = (int(v) for v in rng.integers(1, 3000, 2))
        a, b = int(rng.integers(0, n_group + 1)), int(rng.integers(0, n_rest + 1))
        assert fisher_greater(a, n_group, b, n_rest) == scipys(a, n_group, b, n_rest)
