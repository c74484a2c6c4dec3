"""The sparse binary review tensor over (seller, reviewer, product, rating, time window).

A cell is 1 when the reviewer gave the product (of that seller) that many stars within that time
window (``window_days`` wide, counted from the first review). Duplicate reviews collapse into one
cell. Only reviewers with reviews of at least ``min_reviewer_products`` distinct products enter:
a reviewer with one product cannot co-review anything, and in a heavy-tailed marketplace most
reviewers are such, so the tensor is several times smaller than the file. Nothing is densified:
the tensor is five integer coordinate arrays (COO), one entry per non-zero cell.

A product whose seller is unknown gets a seller slot of its own (``seller_codes`` -1 there).
``cell_of_review`` maps every review row of the events to its cell (-1 when pruned), so a group
found in the tensor names the reviews it covers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from detector.groups.events import ReviewEvents
from detector.groups.pg_kernel import stable_order

IntArray = npt.NDArray[np.int64]
DAY_MS = 86_400_000
MODES = ("seller", "reviewer", "product", "rating", "window")

__all__ = ["MODES", "ReviewTensor", "distinct", "review_tensor"]


def distinct(values: IntArray) -> IntArray:
    """The sorted distinct values, as ``np.unique(values)``, by a sort: numpy 2.4's
    ``np.unique`` without ``return_*`` takes a hash table, which on 8.6 million random int64
    keys took 12.9 s of CPU here against 0.19 s for the sort (cache misses of the table)."""
    ordered = np.sort(values)
    if ordered.size == 0:
        return ordered
    keep = np.empty(ordered.size, dtype=np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


@dataclass(frozen=True)
class ReviewTensor:
    """Coordinates of the non-zero cells (one entry per cell) and the maps back to the events."""

    seller: IntArray
    reviewer: IntArray
    product: IntArray
    rating: IntArray  # 0..4 for 1..5 stars
    window: IntArray
    shape: tuple[int, int, int, int, int]
    reviewer_codes: IntArray  # tensor reviewer index -> events reviewer code
    product_codes: IntArray  # tensor product index -> events product code
    seller_codes: IntArray  # tensor seller index -> events seller code (-1: a product's own slot)
    product_seller: IntArray  # tensor product index -> tensor seller index
    cell_of_review: IntArray  # events row -> cell index, -1 when pruned
    origin_ms: int
    window_ms: int

    @property
    def nnz(self) -> int:
        return int(self.reviewer.shape[0])

    def coordinates(self) -> list[IntArray]:
        """The five coordinate arrays in ``MODES`` order."""
        return [self.seller, self.reviewer, self.product, self.rating, self.window]

    def window_start_ms(self, window: int) -> int:
        return self.origin_ms + window * self.window_ms


def review_tensor(
    events: ReviewEvents, *, window_days: float = 7.0, min_reviewer_products: int = 2
) -> ReviewTensor:
    """Build the tensor (see the module docstring); memory and time linear in the reviews.

    Cells are ordered by (product, reviewer, rating, window), as their mixed-radix key sorts,
    by three stable counting sorts (least significant first); at 10⁷ reviews numpy's
    ``unique`` of the key and of the codes (comparison sorts) took 6 of the tensor's 9 s of
    CPU here."""
    n = events.n_reviews
    window_ms = max(1, round(window_days * DAY_MS))
    origin = int(events.timestamp_ms.min()) if n else 0
    keep = _active_reviews(events, min_reviewer_products)
    rows = np.flatnonzero(keep)
    reviewer_codes, reviewer = _dense_codes(events.reviewer[rows], len(events.reviewer_labels))
    product_codes, product = _dense_codes(events.product[rows], len(events.product_labels))
    window = (events.timestamp_ms[rows] - origin) // window_ms
    rating = events.rating[rows] - 1
    n_windows = int(window.max()) + 1 if rows.size else 0
    order = _cell_order(
        product, reviewer, rating * max(n_windows, 1) + window,
        (product_codes.size, reviewer_codes.size, 5 * max(n_windows, 1)),
    )  # fmt: skip
    sorted_product, sorted_reviewer = product[order], reviewer[order]
    sorted_rating, sorted_window = rating[order], window[order]
    same = np.ones(max(order.size - 1, 0), dtype=np.bool_)  # a row in its predecessor's cell
    for column in (sorted_product, sorted_reviewer, sorted_rating, sorted_window):
        same &= column[1:] == column[:-1]
    first = np.ones(order.size, dtype=np.bool_)  # a row that starts a cell (in sorted order)
    np.logical_not(same, out=first[1:])
    cell_of_sorted = np.cumsum(first) - 1
    seller_codes, product_seller = _sellers(events, product_codes)
    cell_of_review = np.full(n, -1, dtype=np.int64)
    cell_of_review[rows[order]] = cell_of_sorted
    cell_product = sorted_product[first]
    shape = (
        int(seller_codes.size),
        int(reviewer_codes.size),
        int(product_codes.size),
        5,
        n_windows,
    )
    return ReviewTensor(
        seller=product_seller[cell_product],
        reviewer=sorted_reviewer[first],
        product=cell_product,
        rating=sorted_rating[first],
        window=sorted_window[first],
        shape=shape,
        reviewer_codes=reviewer_codes,
        product_codes=product_codes,
        seller_codes=seller_codes,
        product_seller=product_seller,
        cell_of_review=cell_of_review,
        origin_ms=origin,
        window_ms=int(window_ms),
    )


def _dense_codes(codes: IntArray, size: int) -> tuple[IntArray, IntArray]:
    """(the distinct codes ascending, each entry's index among them), as ``np.unique(codes,
    return_inverse=True)``, for codes in 0..size−1: by a table of the codes present, O(n)."""
    present = np.zeros(size, dtype=np.bool_)
    present[codes] = True
    index_of = np.cumsum(present) - 1
    return np.flatnonzero(present).astype(np.int64), index_of[codes].astype(np.int64, copy=False)


def _cell_order(
    product: IntArray, reviewer: IntArray, level: IntArray, sizes: tuple[int, int, int]
) -> IntArray:
    """The stable permutation sorting rows by (product, reviewer, level): counting sorts by
    level, then reviewer, then product (``pg_kernel.stable_order``; each keeps the order of
    the last), so equal rows keep their order and a cell's first row is its earliest."""
    order: IntArray = stable_order(level, sizes[2])
    order = order[stable_order(reviewer[order], sizes[1])]
    by_product: IntArray = stable_order(product[order], sizes[0])
    return order[by_product]


def _active_reviews(events: ReviewEvents, min_products: int) -> npt.NDArray[np.bool_]:
    """Rows whose reviewer is known and reviewed at least ``min_products`` distinct products."""
    known = events.reviewer >= 0
    if not known.any():
        return known
    reviewer = events.reviewer[known]
    products = distinct_counts(
        reviewer, events.product[known], len(events.reviewer_labels), len(events.product_labels)
    )
    active = products >= min_products
    out = known.copy()
    out[known] = active[reviewer]
    return out


@njit(cache=True)
def distinct_counts(
    group: np.ndarray, value: np.ndarray, n_groups: int, n_values: int
) -> np.ndarray:
    """Distinct values per group (groups 0..n_groups−1, values 0..n_values−1), O(n): the rows
    counting-sorted by group (``stable_order``), then each group's values marked in a table
    stamped with the group (no sort of the pairs: at 10⁷ reviews that sort took 4.4 s of CPU
    here)."""
    by_group = value[stable_order(group, n_groups)]
    stamp = np.full(n_values, -1, dtype=np.int64)
    counts = np.zeros(n_groups, dtype=np.int64)
    sizes = np.bincount(group, minlength=n_groups)
    begin = 0
    for g in range(n_groups):
        end = begin + sizes[g]
        for i in range(begin, end):
            v = by_group[i]
            if stamp[v] != g:
                stamp[v] = g
                counts[g] += 1
        begin = end
    return counts


def _sellers(events: ReviewEvents, product_codes: IntArray) -> tuple[IntArray, IntArray]:
    """(tensor seller index -> events seller code or -1, tensor product -> tensor seller).

    A product's seller is the one its first review names (a product has one seller here)."""
    n_products = len(events.product_labels)
    seller_of = np.full(n_products, -1, dtype=np.int64)
    named = events.seller >= 0
    # last write wins in fancy assignment: reverse so that the first review's seller stays
    seller_of[events.product[named][::-1]] = events.seller[named][::-1]
    seller = seller_of[product_codes]
    slots = np.where(seller >= 0, seller, -2 - np.arange(seller.size))  # own slot if unknown
    unique_slots, product_seller = np.unique(slots, return_inverse=True)
    seller_codes = np.where(unique_slots >= 0, unique_slots, -1).astype(np.int64)
    return seller_codes, product_seller.astype(np.int64)
