"""The seeds' compiled loops (``detector.groups.seed_kernel``) against straightforward references:
numpy's unique for the grid's rows, scipy's sparse XᵀX − YᵀY for the strong pairs, the greedy
merge written out on Python sets."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from detector.groups import ReviewEvents, review_tensor
from detector.groups.seed_kernel import (
    by_product,
    grid_rows,
    merge_pairs,
    seed_focus,
    strong_pairs,
)
from detector.groups.seeds import _Incidence, by_reviewer
from detector.groups.tensor import ReviewTensor

DAY_MS = 86_400_000


def _random_tensor(seed: int, reviews: int = 3000) -> ReviewTensor:
    rng = np.random.default_rng(seed)
    product = rng.integers(0, 40, reviews)
    events = ReviewEvents.from_codes(
        reviewer=rng.integers(0, 300, reviews), product=product, seller=product // 7,
        rating=rng.integers(1, 6, reviews), timestamp_ms=rng.integers(0, 200 * DAY_MS, reviews),
    )  # fmt: skip
    return review_tensor(events)


def _rows_by_numpy(
    keys: np.ndarray, product: np.ndarray, low: int, high: int
) -> dict[int, list[int]]:
    """Row key -> its distinct products, for rows with ``low``..``high`` of them."""
    out: dict[int, set[int]] = {}
    for key, p in zip(keys.tolist(), product.tolist(), strict=True):
        out.setdefault(key, set()).add(p)
    return {k: sorted(v) for k, v in out.items() if low <= len(v) <= high}


@pytest.mark.parametrize(("seed", "width", "shift"), [(1, 3, 0), (2, 3, 1), (3, 12, 6)])
def test_grid_rows_are_the_reviewer_blocks_and_weeks(seed: int, width: int, shift: int) -> None:
    tensor = _random_tensor(seed)
    n_blocks = (tensor.shape[4] - 1 + shift) // width + 1
    row_ptr, row_products, reviewer, block, week_ptr, week_products, week_pairs = grid_rows(
        *by_reviewer(tensor), width, shift, n_blocks, 4
    )
    cell_block = (tensor.window + shift) // width
    expected = _rows_by_numpy(tensor.reviewer * n_blocks + cell_block, tensor.product, 2, 4)
    got = {
        int(u) * n_blocks + int(b): row_products[row_ptr[r] : row_ptr[r + 1]].tolist()
        for r, (u, b) in enumerate(zip(reviewer, block, strict=True))
    }
    assert got == expected
    assert list(got) == sorted(got)  # rows in (reviewer, block) order
    kept = np.isin(tensor.reviewer * n_blocks + cell_block, list(expected))
    week_key = tensor.reviewer[kept] * tensor.shape[4] + tensor.window[kept]
    weeks = _rows_by_numpy(week_key, tensor.product[kept], 2, 10**9)
    got_weeks = sorted(
        week_products[week_ptr[r] : week_ptr[r + 1]].tolist() for r in range(week_ptr.size - 1)
    )
    assert got_weeks == sorted(weeks.values())
    assert week_pairs == sum(len(v) * (len(v) - 1) for v in weeks.values())


def _incidence(rows: list[list[int]], n_products: int) -> _Incidence:
    ptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    flat = np.array([p for r in rows for p in r], dtype=np.int32)
    return _Incidence.of(ptr, flat, n_products)


def _sparse(rows: list[list[int]], n_products: int) -> sp.csr_matrix:
    r = [i for i, row in enumerate(rows) for _ in row]
    c = [p for row in rows for p in row]
    return sp.csr_matrix((np.ones(len(c)), (r, c)), shape=(len(rows), n_products))


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_strong_pairs_are_the_upper_triangle_of_the_sparse_product(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_products = 25
    rows = [sorted(rng.choice(n_products, rng.integers(2, 9), replace=False).tolist())
            for _ in range(400)]  # fmt: skip
    weeks = [
        sorted(rng.choice(r, rng.integers(2, len(r) + 1), replace=False).tolist())
        for r in rows
        if rng.random() < 0.3
    ]  # each a part of one row, as same-week rows are
    x, y = _incidence(rows, n_products), _incidence(weeks, n_products)
    p, q, count = strong_pairs(
        x.row_products, x.product_ptr, x.product_entry, x.product_end,
        y.row_products, y.product_ptr, y.product_entry, y.product_end, 3,
    )  # fmt: skip
    co = _sparse(rows, n_products).T @ _sparse(rows, n_products)
    co = sp.triu(co - _sparse(weeks, n_products).T @ _sparse(weeks, n_products), k=1).tocoo()
    strong = co.data >= 3
    expected = sorted(zip(co.row[strong], co.col[strong], co.data[strong].astype(int), strict=True))
    assert sorted(zip(p.tolist(), q.tolist(), count.tolist(), strict=True)) == expected
    assert len(expected) > 20 and np.all(np.diff(p) >= 0)


def _merged_by_sets(
    pairs: list[tuple[int, int, int]], seller_of: list[int], max_products: int, max_sellers: int
) -> list[int]:
    """The greedy merge as it was first written (seeds.py before the compiled loop): pairs
    (block, a, b) in order; a pair joins the earliest seed holding one of its products in its
    block that has fewer than ``max_products`` products and keeps to ``max_sellers``
    sellers, else it starts one. Returns every pair's seed."""
    products: list[set[int]] = []
    sellers: list[set[int]] = []
    blocks: list[int] = []
    seed_of = []
    for block, a, b in pairs:
        mine = {seller_of[a], seller_of[b]}
        near = [i for i in range(len(products)) if blocks[i] == block and products[i] & {a, b}]
        for index in near:
            if len(products[index]) < max_products and len(sellers[index] | mine) <= max_sellers:
                products[index] |= {a, b}
                sellers[index] |= mine
                seed_of.append(index)
                break
        else:
            seed_of.append(len(products))
            products.append({a, b})
            sellers.append(mine)
            blocks.append(block)
    return seed_of


@pytest.mark.parametrize("seed", [7, 8, 9, 10])
def test_merge_pairs_is_the_greedy_merge(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_products, k = 30, 600
    seller_of = rng.integers(0, 8, n_products).tolist()
    a = rng.integers(0, n_products, k)
    b = (a + 1 + rng.integers(0, n_products - 1, k)) % n_products
    block = rng.integers(0, 3, k)
    keys, ids = np.unique(np.concatenate([block * n_products + a, block * n_products + b]),
                          return_inverse=True)  # fmt: skip
    seller = np.array(seller_of, dtype=np.int64)
    seed_of, products, n_held = merge_pairs(
        ids[:k], ids[k:], a, b, seller[a], seller[b], keys.size, 6, 3
    )
    expected = _merged_by_sets(
        list(zip(block.tolist(), a.tolist(), b.tolist(), strict=True)), seller_of, 6, 3
    )
    assert seed_of.tolist() == expected
    for s in range(n_held.size):
        held = {int(v) for i in np.flatnonzero(seed_of == s) for v in (a[i], b[i])}
        assert set(products[s, : n_held[s]].tolist()) == held
        assert len({seller_of[p] for p in held}) <= 3
    assert n_held.size < k / 2 and n_held.max() >= 6  # merges happened, and seeds filled up


def test_by_product_is_the_entries_in_stable_product_order() -> None:
    rng = np.random.default_rng(11)
    rows = [sorted(rng.choice(20, rng.integers(1, 7), replace=False).tolist()) for _ in range(300)]
    ptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    flat = np.array([p for r in rows for p in r], dtype=np.int32)
    product_ptr, entry, row, end = by_product(ptr, flat, 20)
    order = np.argsort(flat, kind="stable")
    row_of = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    assert np.array_equal(entry, order)
    assert np.array_equal(row, row_of[order])
    assert np.array_equal(end, ptr[row_of[order] + 1])
    assert np.array_equal(product_ptr, np.searchsorted(flat[order], np.arange(21)))


def test_seed_focus_is_the_seed_products_share_of_its_rows() -> None:
    rng = np.random.default_rng(13)
    n_products = 30
    rows = [sorted(rng.choice(n_products, rng.integers(2, 12), replace=False).tolist())
            for _ in range(200)]  # fmt: skip
    x = _incidence(rows, n_products)
    seed_rows = [sorted(rng.choice(200, rng.integers(1, 15), replace=False).tolist())
                 for _ in range(40)]  # fmt: skip
    seed_products = [set(rng.choice(n_products, rng.integers(2, 8), replace=False).tolist())
                     for _ in range(40)]  # fmt: skip
    table = np.full((40, 8), -1, dtype=np.int64)
    for i, chosen in enumerate(seed_products):
        table[i, : len(chosen)] = sorted(chosen)
    ptr = np.concatenate([[0], np.cumsum([len(r) for r in seed_rows])]).astype(np.int64)
    flat = np.array([r for part in seed_rows for r in part], dtype=np.int64)
    n_seed = np.array([len(c) for c in seed_products], dtype=np.int64)
    on, total = seed_focus(ptr, flat, table, n_seed, x.row_ptr, x.row_products, n_products)
    assert total.tolist() == [sum(len(rows[r]) for r in part) for part in seed_rows]
    assert on.tolist() == [
        sum(len(set(rows[r]) & chosen) for r in part)
        for part, chosen in zip(seed_rows, seed_products, strict=True)
    ]
