"""The seeds' all-pairs reviewer lookup (``seed_kernel.pair_members``) against a per-pair
intersection."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from detector.groups.seed_kernel import pair_members
from detector.groups.seeds import MAX_PAIRS, PAIRS_PER_PRODUCT, _pair_budget


def _per_pair(
    matrix: sp.csr_matrix, a: int, b: int, block_of_row: np.ndarray
) -> tuple[set[int], int]:
    csc = matrix.tocsc()
    rows_a = csc.indices[csc.indptr[a] : csc.indptr[a + 1]]
    rows_b = csc.indices[csc.indptr[b] : csc.indptr[b + 1]]
    both = np.intersect1d(rows_a, rows_b)
    if both.size == 0:
        return set(), -1
    blocks = block_of_row[both]
    main = int(np.bincount(blocks).argmax())
    return set(both[blocks == main].tolist()), main


def test_pair_members_match_a_per_pair_intersection() -> None:
    rng = np.random.default_rng(3)
    n_rows, n_products = 400, 30
    dense_rows = rng.integers(0, n_rows, 2500)
    dense_cols = np.minimum(rng.zipf(1.5, 2500), n_products) - 1  # hubs: the galloping side
    keys = np.unique(dense_rows * n_products + dense_cols)
    rows, cols = keys // n_products, keys % n_products
    matrix = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_rows, n_products))
    block_of_row = rng.integers(0, 4, n_rows).astype(np.int64)
    a = rng.integers(0, n_products, 60).astype(np.int64)
    b = (a + 1 + rng.integers(0, n_products - 1, 60)) % n_products
    csc = matrix.tocsc()
    ptr, members, main = pair_members(
        csc.indptr.astype(np.int64), csc.indices.astype(np.int64), block_of_row, a, b, 4
    )
    for k in range(a.size):
        expected, block = _per_pair(matrix, int(a[k]), int(b[k]), block_of_row)
        mine = members[ptr[k] : ptr[k + 1]]
        assert np.all(np.diff(mine) > 0)
        assert set(mine.tolist()) == expected
        if expected:
            assert main[k] == block


def test_pair_budget_grows_with_the_products() -> None:
    assert _pair_budget(10) == MAX_PAIRS
    big = 4 * MAX_PAIRS * int(1 / PAIRS_PER_PRODUCT)
    assert _pair_budget(big) == int(PAIRS_PER_PRODUCT * big) > MAX_PAIRS
