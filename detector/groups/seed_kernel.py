"""Compiled inner loops of the co-review seeds (numba; ``detector.groups.seeds``).

At 10⁷ reviews a grid of seeding has ~1.1·10⁶ (reviewer, block) rows holding 6·10⁶ products,
i.e. ~3·10⁷ co-reviewed product pairs, of which a few hundred thousand are co-reviewed often
enough to be seeds. The loops, each linear in what it touches:

- ``grid_rows``: X's (reviewer, block) rows and Y's (reviewer, window) rows from each
  reviewer's cells, by counting sorts (numpy's ``unique`` of 8.7·10⁶ keys before);
  ``by_product``: the same incidence by product, one counting pass.

- ``strong_pairs``: C'_pq = (XᵀX − YᵀY)_pq for p < q, emitted only where C' ≥ ``min_count``. Per
  product p, a dense accumulator over q collects p's rows' other products (Gustavson's
  row-by-row sparse product, the upper triangle only), then subtracts the same-week rows' pairs.
  scipy's XᵀX − YᵀY formed every one of the ~3·10⁷ pairs twice (both triangles), subtracted two
  matrices and filtered: 16 s of CPU per 10⁷-review fit against ~1 s here.
- ``pair_members``: every chosen pair's rows holding both products (a merge of the two
  products' sorted row lists), kept in the grid block most of them fall in.
- ``merge_pairs``: the greedy merge of pairs into seeds (``seeds._merge``'s rule), on arrays:
  seeds hold at most ``max_products + 1`` products and ``max_sellers`` sellers, and each
  (block, product) key keeps a linked list of the seeds holding it, from which seeds that can
  take no more products are unlinked when met.

Incidences are CSR-like: ``ptr[i]:ptr[i+1]`` slices ``index`` to row i's sorted entries.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _grown(array: np.ndarray, size: int) -> np.ndarray:
    """``array`` in a buffer of twice its length (its first ``size`` entries kept)."""
    out = np.empty(2 * array.size, dtype=array.dtype)
    out[:size] = array[:size]
    return out


@njit(cache=True)
def grid_rows(
    reviewer_ptr: np.ndarray,
    product: np.ndarray,
    window: np.ndarray,
    width: int,
    shift: int,
    n_blocks: int,
    max_row_products: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """The seeding rows of one grid, from the tensor's cells grouped by reviewer.

    ``product[reviewer_ptr[u]:reviewer_ptr[u+1]]`` and ``window[…]`` are reviewer u's cells
    (in ascending product).
    A row of X is a (reviewer, block) with 2..``max_row_products`` distinct products, block
    = (window + shift) // width; rows come in (reviewer, block) order. Y's rows are those rows'
    (reviewer, window) with two or more distinct products. Counting sorts by block, then by
    window within the block, keep the product order, so distinct products are neighbours.
    Returns (X's row pointers, products, reviewer and block of every row, Y's row pointers,
    products, Σ m(m−1) over Y's rows)."""
    n_cells = product.size
    row_ptr = np.zeros(n_cells + 1, dtype=np.int64)
    row_products = np.empty(n_cells, dtype=product.dtype)
    row_reviewer = np.empty(n_cells, dtype=np.int64)
    row_block = np.empty(n_cells, dtype=np.int64)
    week_ptr = np.zeros(n_cells + 1, dtype=np.int64)
    week_products = np.empty(n_cells, dtype=product.dtype)
    most = 0
    for u in range(reviewer_ptr.size - 1):
        most = max(most, reviewer_ptr[u + 1] - reviewer_ptr[u])
    by_block = np.empty(most, dtype=np.int64)
    by_window = np.empty(most, dtype=np.int64)
    block_start = np.zeros(n_blocks + 1, dtype=np.int64)
    window_start = np.zeros(width + 1, dtype=np.int64)
    same_week_pairs = 0.0
    n_rows = 0
    n_x = 0
    n_weeks = 0
    n_y = 0
    for u in range(reviewer_ptr.size - 1):
        lo, hi = reviewer_ptr[u], reviewer_ptr[u + 1]
        block_start[:] = 0
        for c in range(lo, hi):
            block_start[(window[c] + shift) // width + 1] += 1
        for b in range(n_blocks):
            block_start[b + 1] += block_start[b]
        for c in range(lo, hi):
            b = (window[c] + shift) // width
            by_block[block_start[b]] = c
            block_start[b] += 1
        start = 0  # block_start[b] is now block b's end
        for b in range(n_blocks):
            end = block_start[b]
            distinct = 0
            for i in range(start, end):
                if i == start or product[by_block[i]] != product[by_block[i - 1]]:
                    distinct += 1
            if 2 <= distinct <= max_row_products:
                for i in range(start, end):
                    if i == start or product[by_block[i]] != product[by_block[i - 1]]:
                        row_products[n_x] = product[by_block[i]]
                        n_x += 1
                row_reviewer[n_rows] = u
                row_block[n_rows] = b
                n_rows += 1
                row_ptr[n_rows] = n_x
                window_start[:] = 0
                for i in range(start, end):
                    window_start[window[by_block[i]] + shift - b * width + 1] += 1
                for w in range(width):
                    window_start[w + 1] += window_start[w]
                for i in range(start, end):
                    c = by_block[i]
                    w = window[c] + shift - b * width
                    by_window[window_start[w]] = c
                    window_start[w] += 1
                week = 0
                for w in range(width):
                    week_end = window_start[w]
                    m = 0
                    for i in range(week, week_end):
                        if i == week or product[by_window[i]] != product[by_window[i - 1]]:
                            week_products[n_y + m] = product[by_window[i]]
                            m += 1
                    if m >= 2:
                        n_y += m
                        n_weeks += 1
                        week_ptr[n_weeks] = n_y
                        same_week_pairs += m * (m - 1)
                    week = week_end
            start = end
    return (
        row_ptr[: n_rows + 1].copy(),
        row_products[:n_x].copy(),
        row_reviewer[:n_rows].copy(),
        row_block[:n_rows].copy(),
        week_ptr[: n_weeks + 1].copy(),
        week_products[:n_y].copy(),
        same_week_pairs,
    )


@njit(cache=True)
def by_product(
    row_ptr: np.ndarray, row_products: np.ndarray, n_products: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows' incidence by product, one counting pass: (pointers, each entry's index in
    ``row_products``, its row, its row's end), product p's entries at ``ptr[p]:ptr[p+1]``
    in ascending row (the stable order of the entries by product)."""
    ptr = np.zeros(n_products + 1, dtype=np.int64)
    for p in row_products:
        ptr[p + 1] += 1
    for p in range(n_products):
        ptr[p + 1] += ptr[p]
    fill = ptr[:-1].copy()
    n = row_products.size
    entry = np.empty(n, dtype=np.int64)
    rows = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    for r in range(row_ptr.size - 1):
        for j in range(row_ptr[r], row_ptr[r + 1]):
            at = fill[row_products[j]]
            fill[row_products[j]] += 1
            entry[at] = j
            rows[at] = r
            ends[at] = row_ptr[r + 1]
    return ptr, entry, rows, ends


@njit(cache=True)
def strong_pairs(
    row_products: np.ndarray,
    product_ptr: np.ndarray,
    product_entry: np.ndarray,
    product_end: np.ndarray,
    week_products: np.ndarray,
    week_product_ptr: np.ndarray,
    week_entry: np.ndarray,
    week_end: np.ndarray,
    min_count: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(p, q, C'_pq) of every pair p < q with C'_pq ≥ ``min_count``, by p (q unordered).

    X's rows hold ascending products (``row_products``); product p's entries in them are
    ``product_entry[product_ptr[p]:product_ptr[p+1]]``, each with its row's end
    (``product_end``), so p's rows' products q > p are the entries after p's up to the end:
    one contiguous read per row (a row is a random place in memory; its pointer would be a
    second). Y (the same-week rows) likewise (``week_*``). C' = XᵀX − YᵀY counts the rows
    holding both p and q less the same-week rows holding both."""
    n_products = product_ptr.size - 1
    count = np.zeros(n_products, dtype=np.int64)
    touched = np.empty(n_products, dtype=np.int64)
    out_p = np.empty(1024, dtype=np.int64)
    out_q = np.empty(1024, dtype=np.int64)
    out_c = np.empty(1024, dtype=np.int64)
    n_out = 0
    for p in range(n_products):
        n_touched = 0
        for i in range(product_ptr[p], product_ptr[p + 1]):
            for j in range(product_entry[i] + 1, product_end[i]):
                q = row_products[j]
                if count[q] == 0:
                    touched[n_touched] = q
                    n_touched += 1
                count[q] += 1
        # a same-week pair lies in one (reviewer, block) row: its q is already touched
        for i in range(week_product_ptr[p], week_product_ptr[p + 1]):
            for j in range(week_entry[i] + 1, week_end[i]):
                count[week_products[j]] -= 1
        for t in range(n_touched):
            q = touched[t]
            if count[q] >= min_count:
                if n_out == out_p.size:
                    out_p, out_q, out_c = (
                        _grown(out_p, n_out),
                        _grown(out_q, n_out),
                        _grown(out_c, n_out),
                    )
                out_p[n_out] = p
                out_q[n_out] = q
                out_c[n_out] = count[q]
                n_out += 1
            count[q] = 0
    return out_p[:n_out].copy(), out_q[:n_out].copy(), out_c[:n_out].copy()


@njit(cache=True)
def _first_at_least(values: np.ndarray, lo: int, hi: int, target: int) -> int:
    """The first index in ``lo..hi`` (``values`` ascending there) with a value ≥ ``target``,
    ``hi`` if none: a galloping search (steps 1, 2, 4, … from ``lo``, then halving), so a
    merge of a short list into a long one costs the short one's length × log of the gaps."""
    step = 1
    while lo + step < hi and values[lo + step - 1] < target:
        lo += step
        step *= 2
    end = min(lo + step, hi)
    while lo < end:
        middle = (lo + end) // 2
        if values[middle] < target:
            lo = middle + 1
        else:
            end = middle
    return lo


@njit(cache=True)
def pair_members(
    product_ptr: np.ndarray,
    product_rows: np.ndarray,
    block_of_row: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    n_blocks: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every pair k = (a_k, b_k): the rows holding both products (``product_rows`` sorted
    within each product) in the block most of them fall in (the smallest such block on a tie),
    and that block (0 for a pair no row holds). Returns (ptr, rows, main): pair k's rows are
    ``rows[ptr[k]:ptr[k + 1]]``, ascending."""
    k_pairs = a.size
    ptr = np.zeros(k_pairs + 1, dtype=np.int64)
    main = np.zeros(k_pairs, dtype=np.int64)  # the intersection merges the shorter row list
    # into the longer (``_first_at_least``): hub products hold thousands of rows
    rows = np.empty(1024, dtype=np.int64)
    per_block = np.zeros(n_blocks, dtype=np.int64)
    n_out = 0
    for k in range(k_pairs):
        small, large = a[k], b[k]
        if (
            product_ptr[small + 1] - product_ptr[small]
            > product_ptr[large + 1] - product_ptr[large]
        ):
            small, large = large, small
        start = n_out
        j, j_end = product_ptr[large], product_ptr[large + 1]
        for i in range(product_ptr[small], product_ptr[small + 1]):
            row = product_rows[i]
            j = _first_at_least(product_rows, j, j_end, row)
            if j == j_end:
                break
            if product_rows[j] == row:
                if n_out == rows.size:
                    rows = _grown(rows, n_out)
                rows[n_out] = row
                n_out += 1
        best = 0
        for t in range(start, n_out):
            per_block[block_of_row[rows[t]]] += 1
        for block in range(n_blocks):
            if per_block[block] > per_block[best]:
                best = block
        per_block[:] = 0
        main[k] = best
        kept = start
        for t in range(start, n_out):
            if block_of_row[rows[t]] == best:
                rows[kept] = rows[t]
                kept += 1
        n_out = kept
        ptr[k + 1] = n_out
    return ptr, rows[:n_out].copy(), main


@njit(cache=True)
def merge_pairs(
    key_a: np.ndarray,
    key_b: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    seller_a: np.ndarray,
    seller_b: np.ndarray,
    n_keys: int,
    max_products: int,
    max_sellers: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The seed each pair (in order, most surprising first) joins or starts.

    Pair k has products (a_k, b_k), their (block, product) keys (dense ids below ``n_keys``)
    and sellers. It joins the earliest seed holding one of its keys that has fewer than
    ``max_products`` products and keeps to ``max_sellers`` sellers with the pair's own;
    else it starts a seed. Returns (seed of every pair, products of every seed as a
    seeds × (``max_products`` + 1) array padded with -1, products per seed)."""
    k_pairs = a.size
    width = max(max_products + 1, 2)  # a seed under max_products takes a pair: one over at most
    products = np.full((k_pairs, width), -1, dtype=np.int64)
    n_products = np.zeros(k_pairs, dtype=np.int64)
    sellers = np.full((k_pairs, max(max_sellers, 2)), -1, dtype=np.int64)
    n_sellers = np.zeros(k_pairs, dtype=np.int64)
    seed_of = np.empty(k_pairs, dtype=np.int64)
    head = np.full(n_keys, -1, dtype=np.int64)  # per key: a linked list of the seeds holding it
    link_seed = np.empty(2 * k_pairs, dtype=np.int64)
    link_next = np.empty(2 * k_pairs, dtype=np.int64)
    n_links = 0
    mine = np.empty(2, dtype=np.int64)
    n_seeds = 0
    for k in range(k_pairs):
        mine[0] = seller_a[k]
        n_mine = 1
        if seller_b[k] != seller_a[k]:
            mine[1] = seller_b[k]
            n_mine = 2
        chosen = -1
        for key in (key_a[k], key_b[k]):
            previous = -1
            link = head[key]
            while link >= 0:
                seed = link_seed[link]
                following = link_next[link]
                if n_products[seed] >= max_products:  # full for good: unlink it
                    if previous < 0:
                        head[key] = following
                    else:
                        link_next[previous] = following
                    link = following
                    continue
                if chosen < 0 or seed < chosen:
                    union = n_sellers[seed]
                    for m in range(n_mine):
                        known = False
                        for s in range(n_sellers[seed]):
                            if sellers[seed, s] == mine[m]:
                                known = True
                        if not known:
                            union += 1
                    if union <= max_sellers:
                        chosen = seed
                previous = link
                link = following
        if chosen < 0:
            chosen = n_seeds
            n_seeds += 1
        seed_of[k] = chosen
        for m in range(n_mine):
            known = False
            for s in range(n_sellers[chosen]):
                if sellers[chosen, s] == mine[m]:
                    known = True
            if not known:
                sellers[chosen, n_sellers[chosen]] = mine[m]
                n_sellers[chosen] += 1
        for product, key in ((a[k], key_a[k]), (b[k], key_b[k])):
            held = False
            for t in range(n_products[chosen]):
                if products[chosen, t] == product:
                    held = True
            if not held:
                products[chosen, n_products[chosen]] = product
                n_products[chosen] += 1
                link_seed[n_links] = chosen
                link_next[n_links] = head[key]
                head[key] = n_links
                n_links += 1
    return seed_of, products[:n_seeds].copy(), n_products[:n_seeds].copy()


@njit(cache=True)
def seed_focus(
    seed_ptr: np.ndarray,
    seed_rows: np.ndarray,
    seed_products: np.ndarray,
    n_seed_products: np.ndarray,
    row_ptr: np.ndarray,
    row_products: np.ndarray,
    n_products: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per seed i: the products of its rows ``seed_rows[seed_ptr[i]:seed_ptr[i+1]]`` that are
    its own (``seed_products[i, :n_seed_products[i]]``), and all their products."""
    n_seeds = seed_ptr.size - 1
    on = np.zeros(n_seeds, dtype=np.int64)
    total = np.zeros(n_seeds, dtype=np.int64)
    mine = np.zeros(n_products, dtype=np.bool_)
    for i in range(n_seeds):
        for t in range(n_seed_products[i]):
            mine[seed_products[i, t]] = True
        for k in range(seed_ptr[i], seed_ptr[i + 1]):
            r = seed_rows[k]
            for j in range(row_ptr[r], row_ptr[r + 1]):
                total[i] += 1
                if mine[row_products[j]]:
                    on[i] += 1
        for t in range(n_seed_products[i]):
            mine[seed_products[i, t]] = False
    return on, total
