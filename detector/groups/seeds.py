"""Where to start the Logistic CP's components: product pairs co-reviewed far beyond chance.

A random start spends every component on the broad structure of a marketplace (sale weeks,
brand fans) long before it reaches blocks of a few hundred cells; a collusion block is small.
So each component starts on a seed: within blocks of ``SEED_WEEKS`` weeks (two grids, offset by
half a block, so a campaign across a border is seen whole), X is the binary (reviewer, block) ×
product incidence (rows with more than ``MAX_ROW_PRODUCTS`` products — a deal hunter's sale —
are left out of seeding, not of the fit), C = XᵀX counts co-reviews of product pairs, and under
independence a pair expects E_pq = S₂ d_p d_q / D² (d_p: rows with p, D = Σ d, S₂ = Σ n(n−1)
over rows). Pairs are taken by Poisson surprise −log P(Poisson(E_pq) ≥ C_pq), at least
``MIN_CO_REVIEWS`` co-reviews, the first K of a grid (``_pair_budget``: K grows with the
products), each pair's reviewers found for all pairs at once by one sparse product; a pair
sharing a product and grid block with a seed joins it, adding its surprise
(a block of many products outranks one odd pair). A seed is (products, reviewers who
co-reviewed them in the block, the block's windows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy import stats

from detector.groups.tensor import ReviewTensor, distinct

IntArray = npt.NDArray[np.int64]
SEED_WEEKS = 12
MAX_ROW_PRODUCTS = 30
MIN_CO_REVIEWS = 3
MAX_SEED_SELLERS = 3  # a collusion block is a core of reviewers and a few sellers
MAX_SEED_PRODUCTS = 20  # a seed stops growing here (sale weeks chain products)
MAX_PAIRS = 5000  # most surprising pairs per grid considered, at least (``_pair_budget``)
PAIRS_PER_PRODUCT = 0.25

MAX_LABEL_SEEDS = 64  # components started on labelled accounts, beyond ``limit``

__all__ = ["Seed", "label_seeds", "seeds"]


@dataclass
class Seed:
    products: set[int]
    reviewers: set[int]
    first_window: int
    last_window: int
    surprise: float


def seeds(tensor: ReviewTensor, limit: int) -> list[Seed]:
    """Up to ``limit`` seeds, most surprising first (see the module docstring)."""
    weeks_per_window = max(1, round(tensor.window_ms / (7 * 86_400_000)))
    width = max(1, SEED_WEEKS // weeks_per_window)
    found: list[Seed] = []
    for shift in (0, width // 2):
        found.extend(_grid_seeds(tensor, width, shift))
    found.sort(key=lambda s: -s.surprise)
    out: list[Seed] = []
    for seed in found:
        if any(_overlaps(seed, kept) for kept in out):
            continue
        out.append(seed)
        if len(out) == limit:
            break
    return out


def _overlaps(a: Seed, b: Seed) -> bool:
    shared = len(a.reviewers & b.reviewers) > 0.5 * min(len(a.reviewers), len(b.reviewers))
    return bool(a.products & b.products) and shared


def _grid_seeds(tensor: ReviewTensor, width: int, shift: int) -> list[Seed]:
    block = (tensor.window + shift) // width
    n_products = tensor.shape[2]
    row_key = tensor.reviewer * np.int64(int(block.max()) + 1) + block
    # every cell's matrix row at once (a lookup of 8.7·10⁶ cells in the sorted keys took 2.5 s)
    row_keys, cell_rows = np.unique(row_key, return_inverse=True)
    pairs = distinct(cell_rows.astype(np.int64) * n_products + tensor.product)
    rows, products = pairs // n_products, pairs % n_products
    sizes = np.bincount(rows)
    keep = (sizes[rows] >= 2) & (sizes[rows] <= MAX_ROW_PRODUCTS)
    rows, products = rows[keep], products[keep]
    if rows.size == 0:
        return []
    matrix = sp.csr_matrix(
        (np.ones(rows.size), (rows, products)), shape=(int(rows.max()) + 1, n_products)
    )
    kept_rows = np.zeros(row_keys.size, dtype=np.bool_)
    kept_rows[rows] = True
    same_week, same_week_pairs = _same_week(tensor, kept_rows[cell_rows], n_products)
    co = sp.triu(matrix.T @ matrix - same_week, k=1).tocoo()
    strong = co.data >= MIN_CO_REVIEWS
    p, q, count = co.row[strong], co.col[strong], co.data[strong]
    degree = np.asarray(matrix.sum(axis=0)).ravel()
    n_row = np.asarray(matrix.sum(axis=1)).ravel()
    total = degree.sum()
    pairs_total = float((n_row * (n_row - 1)).sum()) - same_week_pairs
    expected = pairs_total * degree[p] * degree[q] / total**2
    surprise = -stats.poisson.logsf(count - 1, expected)
    order = np.argsort(-surprise, kind="stable")[: _pair_budget(n_products)]
    reviewer_of_row, block_of_row = _row_labels(block, row_keys)
    pair, members, main = _pair_members(matrix, p[order], q[order], block_of_row)
    bounds = np.searchsorted(pair, np.arange(order.size + 1))
    out = []
    for k, index in enumerate(order.tolist()):
        first = max(0, int(main[k]) * width - shift)
        out.append(
            Seed(
                products={int(p[index]), int(q[index])},
                reviewers=set(reviewer_of_row[members[bounds[k] : bounds[k + 1]]].tolist()),
                first_window=first,
                last_window=first + width - 1,
                surprise=float(surprise[index]),
            )
        )
    return _merged(out, tensor.product_seller)


def _pair_budget(n_products: int) -> int:
    """Pairs per grid taken as seed candidates: K = max(``MAX_PAIRS``, ⌊``PAIRS_PER_PRODUCT`` · n⌋),
    n the tensor's products. A marketplace holds about as many honest look-alike pairs (fans,
    orders, sales) per product at any size, so a fixed K reaches a smaller share of its
    surprising pairs as it grows: at 10⁷ reviews, 12 of 40 planted campaigns had no pair in the
    first 5000 of a grid."""
    return max(MAX_PAIRS, int(PAIRS_PER_PRODUCT * n_products))


def _pair_members(
    matrix: sp.csr_matrix, a: IntArray, b: IntArray, block_of_row: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """For every pair k = (a_k, b_k): the rows of ``matrix`` holding both products in the
    grid block most of them fall in (the smallest such block on a tie), and that block.

    One sparse product for all pairs, never a loop: with B the products × pairs indicator
    (B[a_k, k] = B[b_k, k] = 1), (X B)[r, k] = 2 exactly when row r holds both. Returns the
    pair of each kept row (sorted), the rows, and each pair's block."""
    k = a.size
    pick = sp.csr_matrix(
        (np.ones(2 * k), (np.concatenate([a, b]), np.tile(np.arange(k), 2))),
        shape=(matrix.shape[1], k),
    )
    hits = (matrix @ pick).tocoo()
    both = hits.data > 1.5
    row, pair = hits.row[both].astype(np.int64), hits.col[both].astype(np.int64)
    blocks = block_of_row[row]
    keys, counts = np.unique(
        pair * np.int64(int(block_of_row.max()) + 1) + blocks, return_counts=True
    )
    n_blocks = np.int64(int(block_of_row.max()) + 1)
    key_pair, key_block = keys // n_blocks, keys % n_blocks
    best = np.lexsort((key_block, -counts, key_pair))  # per pair: most rows, then first block
    first = np.ones(best.size, dtype=np.bool_)
    first[1:] = key_pair[best][1:] != key_pair[best][:-1]
    main = np.zeros(k, dtype=np.int64)
    main[key_pair[best][first]] = key_block[best][first]
    keep = blocks == main[pair]
    pair, row = pair[keep], row[keep]
    order = np.argsort(pair, kind="stable")
    return pair[order], row[order], main


def _same_week(
    tensor: ReviewTensor, cells: npt.NDArray[np.bool_], n_products: int
) -> tuple[sp.csr_matrix, float]:
    """Co-reviews of product pairs by one reviewer within one tensor window (YᵀY, Y the
    (reviewer, window) × product incidence of the ``cells`` kept for seeding) and Σ m(m−1)
    over Y's rows. Seeds count co-reviews in *different* weeks only: a multi-item order or a
    sale is reviewed within a week (one shopping trip, however many products), a paid account
    rates a campaign's products on different days of 3–12 weeks. At 10⁷ reviews the same-week
    pairs of orders and sales filled every seed slot (3 of 40 planted campaigns had a seed)."""
    week = tensor.reviewer[cells] * np.int64(tensor.shape[4]) + tensor.window[cells]
    pairs = distinct(week * n_products + tensor.product[cells])
    _, rows = np.unique(pairs // n_products, return_inverse=True)
    sizes = np.bincount(rows)
    keep = sizes[rows] >= 2
    rows, products = rows[keep], pairs[keep] % n_products
    if rows.size == 0:
        return sp.csr_matrix((n_products, n_products)), 0.0
    matrix = sp.csr_matrix(
        (np.ones(rows.size), (rows, products)), shape=(int(rows.max()) + 1, n_products)
    )
    n_row = sizes[sizes >= 2].astype(np.float64)
    return (matrix.T @ matrix).tocsr(), float((n_row * (n_row - 1)).sum())


def _row_labels(block: IntArray, keys: IntArray) -> tuple[IntArray, IntArray]:
    """Reviewer and grid block of every matrix row (rows are the sorted unique row keys)."""
    n_blocks = int(block.max()) + 1
    return (keys // n_blocks).astype(np.int64), (keys % n_blocks).astype(np.int64)


def _merged(found: list[Seed], product_seller: IntArray) -> list[Seed]:
    """Pairs sharing a product and a block with an earlier (more surprising) seed join it,
    while the seed keeps to ``MAX_SEED_SELLERS`` sellers and ``MAX_SEED_PRODUCTS`` products."""
    out: list[Seed] = []
    # (first window, product) -> indices into ``out`` of the seeds holding it: the seeds a pair
    # can join, looked up instead of a scan of every kept seed per pair (the same first match:
    # candidates are tried in the order they were kept)
    holding: dict[tuple[int, int], list[int]] = {}
    seller_of = product_seller.tolist()
    seller_sets: list[set[int]] = []  # the sellers of each kept seed, kept with it

    for seed in found:
        mine = {seller_of[p] for p in seed.products}
        near = sorted({i for p in seed.products for i in holding.get((seed.first_window, p), ())})
        for index in near:
            kept = out[index]
            if (
                len(kept.products) < MAX_SEED_PRODUCTS
                and len(seller_sets[index] | mine) <= MAX_SEED_SELLERS
            ):
                for p in seed.products - kept.products:
                    holding.setdefault((kept.first_window, p), []).append(index)
                kept.products |= seed.products
                kept.reviewers |= seed.reviewers
                kept.surprise += seed.surprise
                seller_sets[index] |= mine
                break
        else:
            for p in seed.products:
                holding.setdefault((seed.first_window, p), []).append(len(out))
            out.append(seed)
            seller_sets.append(mine)
    return out


def label_seeds(tensor: ReviewTensor, reviewers: IntArray, known: list[Seed]) -> list[Seed]:
    """Seeds on accounts a moderator confirmed abusive (tensor reviewer rows ``reviewers``).

    Within every grid block of ``SEED_WEEKS`` weeks (both grids, as ``seeds``), the products
    that two or more of the labelled accounts reviewed (one labelled account alone: the products
    it reviewed, when two or more) are a seed with those accounts: where a confirmed pool worked,
    the next campaign of the same pool is found from its known accounts even when co-review
    counting ranks its products below the marketplace's honest look-alikes. A labelled account
    is no group by itself: the block judge needs ``min_reviewers`` members and judges the block
    on the data alone. Seeds covering a ``known`` seed's products in the same block are skipped;
    at most ``MAX_LABEL_SEEDS``, those with most labelled reviews first."""
    weeks_per_window = max(1, round(tensor.window_ms / (7 * 86_400_000)))
    width = max(1, SEED_WEEKS // weeks_per_window)
    mine = np.isin(tensor.reviewer, reviewers)
    if not mine.any():
        return []
    reviewer, product = tensor.reviewer[mine], tensor.product[mine]
    out = []
    for shift in (0, width // 2):
        block = (tensor.window[mine] + shift) // width
        for value in np.unique(block).tolist():
            inside = block == value
            pairs = np.unique(reviewer[inside] * np.int64(tensor.shape[2]) + product[inside])
            accounts = pairs // tensor.shape[2]
            products, counts = np.unique(pairs % tensor.shape[2], return_counts=True)
            shared = products[counts >= 2] if np.unique(accounts).size >= 2 else products
            if shared.size < 2:
                continue
            chosen = set(shared.tolist())
            first = max(0, value * width - shift)
            if any(s.first_window == first and chosen <= s.products for s in known):
                continue
            members = set(accounts[np.isin(pairs % tensor.shape[2], shared)].tolist())
            out.append(Seed(chosen, members, first, first + width - 1, float(counts.sum())))
    out.sort(key=lambda s: (-s.surprise, s.first_window, min(s.products)))
    return out[:MAX_LABEL_SEEDS]
