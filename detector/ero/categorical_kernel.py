"""Compiled arithmetic of one categorical ERO feature (numba; issue 18).

``detector.ero.features.categorical_steps`` tests a categorical feature in three steps: the
star × category table (rare categories pooled, star levels with fewer than two reviews left
out), the one-vs-rest indicator ANOVA/Tukey statistics of its categories, and the Pearson X²
(or Fisher's exact p) of the table after Cochran pooling (``detector.ero.sparse_table``). In
Python and numpy each was dozens of calls on a table of at most 5 × a few dozen counts, about
0.1 ms a feature; here each step is one compiled call doing the same arithmetic in the same
order, so every float is bit for bit what the Python functions give (tests/detector/ero compare
them, and scipy.stats.chi2_contingency / fisher_exact as independent references):

* ``category_table``: per review a star index 0–4 and a category code (−1: missing). Category
  totals T_c; categories with T_c < ``min_category`` pooled into one column ("other") when
  their reviews add up to ``min_category``, else left out; star levels with ≥ ``min_group``
  reviews kept; the table of kept levels × categories seen among them.
* ``indicator_statistics``: for each tested column c, the 0/1 indicator [y = c] per kept star
  level g: n_g, share h_gc/n_g and SS = h_gc·(n_g − h_gc)/n_g, then F, the pairs' mean
  differences and q by ``detector.stats.group_kernels.anova_tukey``; each row's largest q (first
  on ties, as ``argmax``).
* ``chi_square``: ``sparse_table.pool_cells``'s pooling, Pearson's X² = Σ (O − E)²/E with
  E = r·c/N (row-major, sequential sums as Python's ``sum``) and the share of cells with E < 5,
  Fisher's exact p when pooled down to 2 × 2 (``sparse_table.fisher_exact_2x2``'s walk).

Exactness: Python divides integers exactly rounded; here r·c and N are int64 and converted to
float64 before dividing, the same value while they stay below 2⁵³, so callers keep N < 2²⁶
(``EXACT_TOTAL``) and use the Python functions above it. Python's ``x ** 2`` is libm's
``pow(x, 2.0)``, which differs from x·x in about 1 of 1,000 last bits: the square here is
``math.pow(x, exponent)`` with the exponent 2.0 passed in at run time (``SQUARE``), so the
compiler cannot turn it into a multiplication and the same libm ``pow`` is called.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from detector.stats.group_kernels import anova_tukey

__all__ = [
    "EXACT_TOTAL",
    "SQUARE",
    "categorical_feature",
    "category_table",
    "chi_square",
    "indicator_statistics",
]

STAR_LEVELS = 5
EXACT_TOTAL = 2**26  # N below this: r·c < 2⁵³, so r·c/N as floats is Python's exact division
SQUARE = 2.0  # passed to the kernels at run time (see the module docstring)


@njit(cache=True)
def category_table(
    stars: np.ndarray, codes: np.ndarray, n_labels: int, min_category: int, min_group: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int]:
    """(table of kept star levels × seen columns, each seen column's label index or −1 for the
    pooled column, label totals, reviews per star level after pooling, missing reviews, pooled
    reviews); the table is empty (0 rows) when fewer than two star levels are kept."""
    totals = np.zeros(n_labels, dtype=np.int64)
    missing = 0
    for i in range(codes.shape[0]):
        if codes[i] < 0:
            missing += 1
        else:
            totals[codes[i]] += 1
    column = np.empty(n_labels, dtype=np.int64)
    common = 0
    pooled = 0
    for c in range(n_labels):
        if totals[c] >= min_category:
            column[c] = common
            common += 1
        else:
            pooled += totals[c]
    other = common if pooled >= min_category else -1  # the pooled column, or leave them out
    for c in range(n_labels):
        if totals[c] < min_category:
            column[c] = other
    n_columns = common + (1 if other >= 0 else 0)
    per_star = np.zeros(STAR_LEVELS, dtype=np.int64)
    for i in range(codes.shape[0]):
        if codes[i] >= 0 and column[codes[i]] >= 0:
            per_star[stars[i]] += 1
    group = np.full(STAR_LEVELS, -1, dtype=np.int64)
    n_groups = 0
    for s in range(STAR_LEVELS):
        if per_star[s] >= min_group:
            group[s] = n_groups
            n_groups += 1
    if n_groups < 2:
        return (
            np.zeros((0, 0), dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            totals,
            per_star,
            missing,
            pooled,
        )
    full = np.zeros((n_groups, n_columns), dtype=np.int64)
    for i in range(codes.shape[0]):
        if codes[i] >= 0:
            j = column[codes[i]]
            g = group[stars[i]]
            if j >= 0 and g >= 0:
                full[g, j] += 1
    column_totals = np.zeros(n_columns, dtype=np.int64)
    for g in range(n_groups):
        for j in range(n_columns):
            column_totals[j] += full[g, j]
    seen = 0
    for j in range(n_columns):
        seen += column_totals[j] > 0
    label_of_column = np.full(n_columns, -1, dtype=np.int64)  # column → label (−1: pooled)
    for c in range(n_labels):
        if column[c] >= 0 and totals[c] >= min_category:
            label_of_column[column[c]] = c
    table = np.empty((n_groups, seen), dtype=np.int64)
    seen_label = np.empty(seen, dtype=np.int64)
    k = 0
    for j in range(n_columns):
        if column_totals[j] > 0:
            for g in range(n_groups):
                table[g, k] = full[g, j]
            seen_label[k] = label_of_column[j]
            k += 1
    return table, seen_label, totals, per_star, missing, pooled


@njit(cache=True, error_model="numpy")
def indicator_statistics(
    table: np.ndarray, tested: np.ndarray, noise: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(counts n_g, shares (tested, K), F (tested,), mean differences and q (tested, pairs),
    each tested row's pair of largest q) of the tested columns' indicators (module docstring)."""
    groups = table.shape[0]
    counts = np.empty(groups)
    for g in range(groups):
        counts[g] = table[g, :].sum()
    rows = tested.shape[0]
    shares = np.empty((rows, groups))
    sum_squares = np.empty((rows, groups))
    for r in range(rows):
        for g in range(groups):
            hits = float(table[g, tested[r]])
            shares[r, g] = hits / counts[g]
            sum_squares[r, g] = hits * (counts[g] - hits) / counts[g]
    f, mean_diff, q = anova_tukey(counts, shares, sum_squares, 0.0, noise)
    strongest = np.empty(rows, dtype=np.int64)
    for r in range(rows):
        best = 0
        for k in range(1, q.shape[1]):
            if q[r, k] > q[r, best]:
                best = k
        strongest[r] = best
    return counts, shares, f, mean_diff, q, strongest


@njit(cache=True)
def _cochran_adequate(
    rows: np.ndarray, n_rows: int, columns: np.ndarray, n_columns: int, total: int
) -> bool:
    """``sparse_table.cochran_adequate`` of the first ``n_rows`` row and ``n_columns`` column
    totals: min E ≥ 1 and at most 20% of the cells E < 5."""
    row_least = rows[0]
    for i in range(1, n_rows):
        row_least = min(row_least, rows[i])
    column_least = columns[0]
    for j in range(1, n_columns):
        column_least = min(column_least, columns[j])
    if row_least * column_least < total:
        return False
    limit = 5 * total - 1
    small = 0
    for i in range(n_rows):
        bound = limit // rows[i]
        for j in range(n_columns):
            small += columns[j] <= bound
    return small <= 0.2 * n_rows * n_columns


@njit(cache=True)
def _first_least(values: np.ndarray, count: int, skip: int) -> int:
    """Index of the first smallest of ``values[:count]`` other than ``skip`` (−1: none)."""
    best = -1
    for i in range(count):
        if i != skip and (best < 0 or values[i] < values[best]):
            best = i
    return best


@njit(cache=True)
def _margins(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(row totals, column totals, total) of a table."""
    rows = np.zeros(cells.shape[0], dtype=np.int64)
    columns = np.zeros(cells.shape[1], dtype=np.int64)
    for i in range(cells.shape[0]):
        for j in range(cells.shape[1]):
            rows[i] += cells[i, j]
            columns[j] += cells[i, j]
    total = 0
    for i in range(cells.shape[0]):
        total += rows[i]
    return rows, columns, total


@njit(cache=True)
def _pooled(cells: np.ndarray) -> np.ndarray:
    """``sparse_table.pool_cells``: ``cells`` pooled until Cochran's rule holds or 2 × 2 (a copy
    of ``cells`` when it holds already or cannot be pooled further)."""
    rows, columns, total = _margins(cells)
    n_rows, n_columns = rows.shape[0], columns.shape[0]
    row_of = np.arange(n_rows)  # original row → its pooled row
    column_of = np.arange(n_columns)
    while not _cochran_adequate(rows, n_rows, columns, n_columns, total):
        i = _first_least(rows, n_rows, -1)
        c = _first_least(columns, n_columns, -1)
        can_row, can_column = n_rows > 2, n_columns > 2
        if can_row and (not can_column or rows[i] <= columns[c]):
            # the first smallest star level joins the smaller of its neighbours
            if i == 0 or (i + 1 < n_rows and rows[i + 1] < rows[i - 1]):
                j = i + 1
            else:
                i, j = i - 1, i
            rows[i] += rows[j]
            for r in range(j, n_rows - 1):
                rows[r] = rows[r + 1]
            n_rows -= 1
            for r in range(row_of.shape[0]):
                if row_of[r] >= j:
                    row_of[r] -= 1
        elif can_column:  # the two smallest categories merge (first on ties)
            second = _first_least(columns, n_columns, c)
            a, b = min(c, second), max(c, second)
            columns[a] += columns[b]
            for r in range(b, n_columns - 1):
                columns[r] = columns[r + 1]
            n_columns -= 1
            for r in range(column_of.shape[0]):
                if column_of[r] == b:
                    column_of[r] = a
                elif column_of[r] > b:
                    column_of[r] -= 1
        else:
            break
    out = np.zeros((n_rows, n_columns), dtype=np.int64)
    for r in range(cells.shape[0]):
        for c in range(cells.shape[1]):
            out[row_of[r], column_of[c]] += cells[r, c]
    return out


@njit(cache=True)
def _fisher_2x2(a: int, b: int, c: int, d: int) -> float:
    """``sparse_table.fisher_exact_2x2`` of [[a, b], [c, d]], the same walk and sums."""
    row1, row2, column1 = a + b, c + d, a + c
    lowest, highest = max(0, column1 - row2), min(row1, column1)
    mode = min(highest, max(lowest, (column1 + 1) * (row1 + 1) // (row1 + row2 + 2)))
    weights = np.zeros(highest - lowest + 1)
    weight = 1.0
    weights[mode - lowest] = weight
    for x in range(mode, highest):
        weight *= (row1 - x) * (column1 - x) / ((x + 1) * (row2 - column1 + x + 1))
        weights[x + 1 - lowest] = weight
    weight = 1.0
    for x in range(mode, lowest, -1):
        weight *= x * (row2 - column1 + x) / ((row1 - x + 1) * (column1 - x + 1))
        weights[x - 1 - lowest] = weight
    cut = weights[a - lowest] * (1.0 + 1e-7)
    inside = 0.0
    every = 0.0
    for w in weights:
        if w <= cut:
            inside += w
    for w in weights:
        every += w
    return min(1.0, inside / every)


@njit(cache=True)
def chi_square(table: np.ndarray, square: float) -> tuple[float, int, float, int, int, float]:
    """(Pearson X², dof, share of cells expecting < 5, pooled rows, pooled columns, Fisher's p)
    of ``table`` after Cochran pooling; pooled rows and columns 0 when no pooling was needed,
    Fisher's p NaN unless pooled down to 2 × 2. X² is 0 when dof is 0. ``square`` is 2.0
    (module docstring)."""
    rows, columns, total = _margins(table)
    adequate = _cochran_adequate(rows, rows.size, columns, columns.size, total)
    cells = table if adequate else _pooled(table)
    if not adequate:
        rows, columns, total = _margins(cells)
    was_pooled = not adequate
    dof = (rows.size - 1) * (columns.size - 1)
    statistic = 0.0
    low = 0
    for i in range(rows.size):
        for j in range(columns.size):
            expected = rows[i] * columns[j] / total
            statistic += math.pow(cells[i, j] - expected, square) / expected
            low += expected < 5.0
    if dof == 0:
        statistic = 0.0
    share = low / (rows.size * columns.size)
    fisher = np.nan
    if was_pooled and rows.size == 2 and columns.size == 2:
        fisher = _fisher_2x2(cells[0, 0], cells[0, 1], cells[1, 0], cells[1, 1])
    pooled_rows = rows.size if was_pooled else 0
    pooled_columns = columns.size if was_pooled else 0
    return statistic, dof, share, pooled_rows, pooled_columns, fisher


@njit(cache=True, error_model="numpy")
def categorical_feature(
    stars: np.ndarray,
    codes: np.ndarray,
    n_labels: int,
    min_category: int,
    min_group: int,
    noise: float,
    square: float,
) -> tuple[
    np.ndarray,
    np.ndarray,
    tuple[int, int, int, int, int, int, int, int],
    tuple[float, int, float, int, int, float],
]:
    """One categorical feature in one call (what Python reads from the arrays is counted here,
    each numpy call on a handful of numbers costing more than the arithmetic), packed into two
    arrays - each array a compiled function returns costs about a microsecond to hand over,
    more than the numbers in it:

    (whole numbers: the reviews per star level (5), each label's total (``n_labels``), each
    table column's label or −1 for the pooled column (C), each column's total (C), the tested
    columns (T), each tested row's strongest pair (T);
    reals: each tested row's largest q (T), the driver's q per pair (P), each tested row's F
    (T), the driver's shares per star group (K), the driver's mean differences per pair (P);
    (missing, pooled, labels rarer than ``min_category``, reviews in the table, C, T, the
    driver - the tested row of the largest q, first on ties -, K star groups kept),
    ``chi_square`` of the table).

    Tested: the columns of real (not pooled) categories, or with exactly two columns the real
    one of fewer reviews (first on ties): its indicator and the other's are complements, the
    same test. Fewer than two star levels or columns: nothing is tested (T = 0, no reals)."""
    table, seen_label, totals, per_star, missing, pooled = category_table(
        stars, codes, n_labels, min_category, min_group
    )
    rare = 0
    for c in range(n_labels):
        rare += totals[c] < min_category
    groups, columns = table.shape
    column_totals = np.zeros(columns, dtype=np.int64)
    for j in range(columns):
        for g in range(groups):
            column_totals[j] += table[g, j]
    tested = _tested_columns(seen_label, column_totals)
    if groups < 2 or columns < 2:
        tested = tested[:0]
    whole = np.concatenate(
        (per_star, totals, seen_label, column_totals, tested, np.zeros(tested.size, np.int64))
    )
    counts = (missing, pooled, rare, column_totals.sum(), columns, tested.size, 0, groups)
    if tested.size == 0:
        return whole, np.zeros(0), counts, (0.0, 0, 0.0, 0, 0, np.nan)
    statistics = chi_square(table, square)
    _, shares, f, mean_diff, q, strongest = indicator_statistics(table, tested, noise)
    rows = q.shape[0]
    whole[whole.size - rows :] = strongest
    max_q = np.empty(rows)
    driver = 0
    for r in range(rows):
        max_q[r] = q[r, strongest[r]]
        if max_q[r] > max_q[driver]:
            driver = r
    reals = np.concatenate((max_q, q[driver], f, shares[driver], mean_diff[driver]))
    counts = (missing, pooled, rare, column_totals.sum(), columns, rows, driver, groups)
    return whole, reals, counts, statistics


@njit(cache=True)
def _tested_columns(seen_label: np.ndarray, column_totals: np.ndarray) -> np.ndarray:
    """The columns whose indicators are tested (``categorical_feature``)."""
    columns = seen_label.shape[0]
    if columns == 2:
        tested = np.zeros(1, dtype=np.int64)
        best = -1
        for j in range(2):
            if seen_label[j] >= 0 and (best < 0 or column_totals[j] < column_totals[best]):
                best = j
        tested[0] = best
        return tested
    named = 0
    for j in range(columns):
        named += seen_label[j] >= 0
    tested = np.empty(named, dtype=np.int64)
    k = 0
    for j in range(columns):
        if seen_label[j] >= 0:
            tested[k] = j
            k += 1
    return tested
