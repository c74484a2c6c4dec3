"""Where to start the Logistic CP's components: product pairs co-reviewed far beyond chance.

A random start spends every component on the broad structure of a marketplace (sale weeks,
brand fans) long before it reaches blocks of a few hundred cells; a collusion block is small.
So each component starts on a seed: within blocks of ``SEED_WEEKS`` weeks (two grids, offset by
half a block, so a campaign across a border is seen whole), X is the binary (reviewer, block) ×
product incidence (rows with more than ``MAX_ROW_PRODUCTS`` products — a deal hunter's sale —
are left out of seeding, not of the fit) and C' = XᵀX − YᵀY counts co-reviews of product pairs
in *different* weeks (Y: the same rows' (reviewer, window) × product incidence). A multi-item
order or a sale is reviewed within a week (one shopping trip, however many products), a paid
account rates a campaign's products on different days of 3–12 weeks; at 10⁷ reviews the
same-week pairs of orders and sales filled every seed slot (3 of 40 planted campaigns had a
seed). Under independence a pair expects E_pq = S₂ d_p d_q / D² (d_p: rows with p, D = Σ d,
S₂ = Σ n(n−1) over X's rows less the same over Y's). Pairs are taken by Poisson surprise
−log P(Poisson(E_pq) ≥ C'_pq), at least ``MIN_CO_REVIEWS`` co-reviews, the first K of a grid
(``_pair_budget``: K grows with the products; equal surprise by product codes); a pair sharing
a product and grid block with a seed joins it, adding its surprise (a block of many products
outranks one odd pair). A seed is (products, reviewers who co-reviewed them in the block, the
block's windows); seeds are ranked by surprise among those whose focus — their products' share
of their reviewers' products in the block — reaches ``MIN_SEED_FOCUS`` (``_SeedTable.focus``):
at 10⁷ reviews deal hunters' seeds on a few products of two sales took 298 of the 320 seed
slots of bench_groups' draw-3 market, where 16 of 39 campaigns then had none (5 now).

The loops over rows, pairs and seeds are compiled (``detector.groups.seed_kernel``): at 10⁷
reviews a grid has ~3·10⁷ co-reviewed pairs and ~10⁵ pairs to merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from detector.groups.pg_kernel import stable_order
from detector.groups.seed_kernel import (
    by_product,
    grid_rows,
    merge_pairs,
    pair_members,
    seed_focus,
    strong_pairs,
)
from detector.groups.tensor import ReviewTensor, distinct

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
SEED_WEEKS = 12
MAX_ROW_PRODUCTS = 30
MIN_CO_REVIEWS = 3
MAX_SEED_SELLERS = 3  # a collusion block is a core of reviewers and a few sellers
MAX_SEED_PRODUCTS = 20  # a seed stops growing here (sale weeks chain products)
MAX_PAIRS = 5000  # most surprising pairs per grid considered, at least (``_pair_budget``)
PAIRS_PER_PRODUCT = 1.0  # one pair per product and grid (``_pair_budget``)
MIN_SEED_FOCUS = 0.15  # seeds' focus at least this (``_SeedTable.focus``)

MAX_LABEL_SEEDS = 64  # components started on labelled accounts, beyond ``limit``

__all__ = ["GridPairs", "Seed", "by_reviewer", "grid_pairs", "grid_width", "label_seeds", "seeds"]


@dataclass
class Seed:
    products: set[int]
    reviewers: set[int]
    first_window: int
    last_window: int
    surprise: float


def seeds(tensor: ReviewTensor, limit: int, min_focus: float = MIN_SEED_FOCUS) -> list[Seed]:
    """Up to ``limit`` seeds, most surprising first (see the module docstring); a seed sharing a
    product and over half of its (or the other's) reviewers with a more surprising one is left
    out, and so is a seed whose focus is under ``min_focus`` (``_SeedTable.focus``)."""
    width = grid_width(tensor)
    grouped = by_reviewer(tensor)
    found = _SeedTable.joined(
        [_grid_seeds(tensor, grouped, width, shift) for shift in (0, width // 2)]
    )
    out: list[Seed] = []
    holding: dict[int, list[int]] = {}  # product -> the kept seeds holding it
    focused = np.flatnonzero(found.focus >= min_focus)
    for index in focused[np.argsort(-found.surprise[focused], kind="stable")].tolist():
        seed = found.seed(index)
        near = {i for p in seed.products for i in holding.get(p, ())}
        if any(_overlaps(seed, out[i]) for i in near):
            continue
        for p in seed.products:
            holding.setdefault(p, []).append(len(out))
        out.append(seed)
        if len(out) == limit:
            break
    return out


def _overlaps(a: Seed, b: Seed) -> bool:
    shared = len(a.reviewers & b.reviewers) > 0.5 * min(len(a.reviewers), len(b.reviewers))
    return bool(a.products & b.products) and shared


@dataclass(frozen=True)
class _SeedTable:
    """Merged seeds as arrays (a ``Seed`` is made only for those ``seeds`` looks at): seed i
    holds ``products[i, :n_products[i]]`` and ``reviewers[reviewer_ptr[i]:reviewer_ptr[i+1]]``
    in windows ``first_window[i]..last_window[i]``.

    ``focus[i]``: the seed's products' share of its reviewers' products in its grid block,
    Σ_r |row_r ∩ P| / Σ_r |row_r| over its reviewers' rows of X — the block judge's focus
    (``BlockJudge.focus``) on the seed, before any block is built. Deal hunters who met on a
    few products of two sales reviewed ten or twenty others in the same weeks; a paid account's
    block is the campaign's products and a little camouflage. A seed's focus runs below its
    judged block's (the whole 12-week block, every product its reviewers rated there, thin
    members kept), so ``seeds`` asks ``MIN_SEED_FOCUS`` = 0.15, not the judge's 0.25: on
    bench_groups' 10⁷ market (draw 3) the 298 deal-hunter seeds among the 320 most surprising
    had focus 0.084–0.109, the 22 campaign seeds 0.46–0.82; the campaigns' best seeds on
    eval_groups' markets (both generators, seeds 1–3) 0.25–0.36 at the low end (a pool running
    two campaigns in the same weeks). With a null by classes of rows by size, tried alongside,
    own s2 campaign 18's seed fell to 0.22 and was lost at a bar of 0.25."""

    surprise: FloatArray
    focus: FloatArray
    products: IntArray  # seeds × width, padded with -1
    n_products: IntArray
    reviewer_ptr: IntArray
    reviewers: IntArray
    first_window: IntArray
    last_window: IntArray

    def seed(self, i: int) -> Seed:
        return Seed(
            products=set(self.products[i, : self.n_products[i]].tolist()),
            reviewers=set(self.reviewers[self.reviewer_ptr[i] : self.reviewer_ptr[i + 1]].tolist()),
            first_window=int(self.first_window[i]),
            last_window=int(self.last_window[i]),
            surprise=float(self.surprise[i]),
        )

    @staticmethod
    def joined(tables: list[_SeedTable]) -> _SeedTable:
        width = max(t.products.shape[1] for t in tables)
        padded = [np.pad(t.products, ((0, 0), (0, width - t.products.shape[1])), constant_values=-1)
                  for t in tables]  # fmt: skip
        offsets = np.cumsum([0] + [t.reviewers.size for t in tables[:-1]])
        ptr = [t.reviewer_ptr[:-1] + o for t, o in zip(tables, offsets, strict=True)]
        return _SeedTable(
            surprise=np.concatenate([t.surprise for t in tables]),
            focus=np.concatenate([t.focus for t in tables]),
            products=np.concatenate(padded),
            n_products=np.concatenate([t.n_products for t in tables]),
            reviewer_ptr=np.concatenate([*ptr, [sum(t.reviewers.size for t in tables)]]),
            reviewers=np.concatenate([t.reviewers for t in tables]),
            first_window=np.concatenate([t.first_window for t in tables]),
            last_window=np.concatenate([t.last_window for t in tables]),
        )


def _empty_table() -> _SeedTable:
    none = np.zeros(0, dtype=np.int64)
    return _SeedTable(
        np.zeros(0), np.zeros(0), np.zeros((0, 2), dtype=np.int64), none,
        np.zeros(1, dtype=np.int64), none, none, none,
    )  # fmt: skip


@dataclass(frozen=True)
class _Incidence:
    """A binary rows × products matrix both ways: row r's products are
    ``row_products[row_ptr[r]:row_ptr[r+1]]`` (ascending); product p's entries in them are
    ``product_entry[product_ptr[p]:product_ptr[p+1]]``, in rows ``product_rows`` (ascending)
    that end at ``product_end``."""

    row_ptr: IntArray
    row_products: npt.NDArray[np.int32]
    product_ptr: IntArray
    product_entry: IntArray
    product_rows: IntArray
    product_end: IntArray

    @staticmethod
    def of(row_ptr: IntArray, row_products: npt.NDArray[np.int32], n_products: int) -> _Incidence:
        """From the rows (products ascending within each)."""
        ptr, entry, rows, ends = by_product(row_ptr, row_products, n_products)
        return _Incidence(row_ptr, row_products, ptr, entry, rows, ends)

    def row_sizes(self) -> IntArray:
        return np.diff(self.row_ptr)

    def product_degrees(self) -> IntArray:
        return np.diff(self.product_ptr)


def _pointers(keys: npt.NDArray[np.integer[Any]], size: int) -> IntArray:
    """Where each key's run starts in the keys sorted (and the end), from their counts."""
    return np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=size))]).astype(np.int64)


def by_reviewer(tensor: ReviewTensor) -> tuple[IntArray, npt.NDArray[np.int32], IntArray]:
    """The cells grouped by reviewer, ascending product within each (two counting sorts):
    each reviewer's slice and the cells' products (int32: half the memory traffic of the
    co-review loop) and windows in that order, as ``grid_pairs`` takes them."""
    by_product = stable_order(tensor.product, tensor.shape[2])
    cells = by_product[stable_order(tensor.reviewer[by_product], tensor.shape[1])]
    product = tensor.product[cells].astype(np.int32)
    return _pointers(tensor.reviewer, tensor.shape[1]), product, tensor.window[cells]


@dataclass(frozen=True)
class GridPairs:
    """One grid's chosen pairs (the first ``_pair_budget``, most surprising first): pair k is
    products (``a[k]``, ``b[k]``) co-reviewed ``count[k]`` times in different weeks against
    ``expected[k]`` under independence (``surprise[k]`` = −log P(Poisson ≥ count)), in grid
    block ``main[k]``, by X's rows ``members[member_ptr[k]:member_ptr[k+1]]`` (reviewers
    ``row_reviewer[rows]``); ``x`` is X, ``width`` and ``shift`` the grid."""

    a: IntArray
    b: IntArray
    count: IntArray
    expected: FloatArray
    surprise: FloatArray
    main: IntArray
    member_ptr: IntArray
    members: IntArray
    row_reviewer: IntArray
    x: _Incidence
    width: int
    shift: int

    def first_window(self) -> IntArray:
        """The first window of every pair's grid block."""
        return np.maximum(0, self.main * self.width - self.shift)


def grid_width(tensor: ReviewTensor) -> int:
    """Windows per grid block (``SEED_WEEKS`` weeks)."""
    weeks_per_window = max(1, round(tensor.window_ms / (7 * 86_400_000)))
    return max(1, SEED_WEEKS // weeks_per_window)


def grid_pairs(
    tensor: ReviewTensor,
    grouped: tuple[IntArray, npt.NDArray[np.int32], IntArray],
    width: int,
    shift: int,
) -> GridPairs | None:
    """The chosen pairs of the grid of ``width`` windows starting ``shift`` windows early:
    X, Y and Σ n(n−1) (``seed_kernel.grid_rows``), the strong pairs and their surprise, the
    first ``_pair_budget`` pairs and their members; None for a grid with no rows."""
    n_products = tensor.shape[2]
    n_blocks = (tensor.shape[4] - 1 + shift) // width + 1
    row_ptr, row_products, row_reviewer, row_block, week_ptr, week_products, same_week_pairs = (
        grid_rows(*grouped, width, shift, n_blocks, MAX_ROW_PRODUCTS)
    )
    if row_reviewer.size == 0:
        return None
    x = _Incidence.of(row_ptr, row_products, n_products)
    y = _Incidence.of(week_ptr, week_products, n_products)
    p, q, count = strong_pairs(
        x.row_products, x.product_ptr, x.product_entry, x.product_end,
        y.row_products, y.product_ptr, y.product_entry, y.product_end, MIN_CO_REVIEWS,
    )  # fmt: skip
    degree = x.product_degrees().astype(np.float64)
    n_row = x.row_sizes().astype(np.float64)
    total = degree.sum()
    pairs_total = float((n_row * (n_row - 1)).sum()) - same_week_pairs
    expected = pairs_total * degree[p] * degree[q] / total**2
    surprise = -stats.poisson.logsf(count - 1, expected)
    # most surprising first; equal surprise by (p, q)
    order = np.lexsort((q, p, -surprise))[: _pair_budget(n_products)]
    a, b = p[order], q[order]
    member_ptr, members, main = pair_members(
        x.product_ptr, x.product_rows, row_block, a, b, n_blocks
    )
    return GridPairs(
        a, b, np.asarray(count[order], dtype=np.int64), expected[order], surprise[order], main,
        member_ptr, members, row_reviewer, x, width, shift,
    )  # fmt: skip


def _grid_seeds(
    tensor: ReviewTensor,
    grouped: tuple[IntArray, npt.NDArray[np.int32], IntArray],
    width: int,
    shift: int,
) -> _SeedTable:
    """The merged seeds of one grid: its chosen pairs (``grid_pairs``), merged (``_merged``)."""
    pairs = grid_pairs(tensor, grouped, width, shift)
    if pairs is None:
        return _empty_table()
    return _merged(
        pairs.a, pairs.b, pairs.surprise, pairs.main, pairs.member_ptr, pairs.members,
        pairs.row_reviewer, pairs.x, tensor, width, shift,
    )  # fmt: skip


def _pair_budget(n_products: int) -> int:
    """Pairs per grid taken as seed candidates: K = max(``MAX_PAIRS``, ⌊``PAIRS_PER_PRODUCT`` · n⌋),
    n the tensor's products. A marketplace holds about as many honest look-alike pairs (fans,
    orders, sales, popular products) per product at any size, so a fixed K reaches a smaller
    share of its surprising pairs as it grows: at 10⁷ reviews, 12 of 40 planted campaigns had no
    pair in the first 5000 of a grid. One pair per product (chosen on ``bench_groups``' market,
    the only one here with more than 5000 products): member recall there at 10⁶ / 3·10⁶ / 10⁷
    0.973 / 0.940 / 0.859 with a quarter pair per product, 0.981 / 0.954 / 0.947 with one, at
    precision ≥ 0.98; the seeds stage at 10⁷ then takes ~9 s of CPU (``seed_kernel``)."""
    return max(MAX_PAIRS, int(PAIRS_PER_PRODUCT * n_products))


def _merged(
    a: IntArray, b: IntArray, surprise: FloatArray, main: IntArray, member_ptr: IntArray,
    member_rows: IntArray, row_reviewer: IntArray, x: _Incidence, tensor: ReviewTensor,
    width: int, shift: int,
) -> _SeedTable:  # fmt: skip
    """Pairs (most surprising first) sharing a product and a block with an earlier seed join
    it, while the seed keeps to ``MAX_SEED_SELLERS`` sellers and ``MAX_SEED_PRODUCTS``
    products (``seed_kernel.merge_pairs``); a seed's reviewers are its pairs' members (rows of
    X, all in the seed's block: a pair joins a seed by a (block, product) key, so a seed's rows
    are one per reviewer, in reviewer order), its surprise their sum (added in pair order), its
    focus that of those rows (``seed_kernel.seed_focus``)."""
    n_products = tensor.shape[2]
    keys, key_ids = np.unique(
        np.concatenate([main * n_products + a, main * n_products + b]), return_inverse=True
    )
    seed_of, products, n_seed_products = merge_pairs(
        key_ids[: a.size], key_ids[a.size :], a, b, tensor.product_seller[a],
        tensor.product_seller[b], keys.size, MAX_SEED_PRODUCTS, MAX_SEED_SELLERS,
    )  # fmt: skip
    n_seeds = n_seed_products.size
    _, first_pair = np.unique(seed_of, return_index=True)  # seeds are numbered as started
    first = np.maximum(0, main[first_pair] * width - shift)
    n_rows = np.int64(row_reviewer.size)
    held = distinct(np.repeat(seed_of, np.diff(member_ptr)) * n_rows + member_rows)
    pointers, rows = _pointers(held // n_rows, n_seeds), held % n_rows
    on, total = seed_focus(
        pointers, rows, products, n_seed_products, x.row_ptr, x.row_products, n_products
    )
    return _SeedTable(
        surprise=np.bincount(seed_of, weights=surprise, minlength=n_seeds).astype(np.float64),
        focus=on / np.maximum(total, 1),
        products=products,
        n_products=n_seed_products,
        reviewer_ptr=pointers,
        reviewers=row_reviewer[rows],
        first_window=first,
        last_window=first + width - 1,
    )


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
    width = grid_width(tensor)
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
