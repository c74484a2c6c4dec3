"""Pooling a sparse star × category table until Pearson's X² can be read against χ².

Why: ERO's categorical omnibus statistic is Pearson's X² = Σ (O − E)²/E, E_ij = r_i·c_j/N, read
against χ²((r − 1)(c − 1)) both raw and by the calibration's model tail. That reading is an
asymptotic one; on the tables small and viral products give (a few 2- and 3-star reviews, a
feature value 10% of reviews carry) cells expect far less than one review, one review in such a
cell adds (1 − E)²/E to X², and the far tail the verdict reads (p ~ 1e-3 … 1e-5) is much too
light: an honest viral product of 183 reviews had χ² p 3.3e-5 against a permutation p of 1.7e-3
(verified × stars), another of 213 had 8.2e-4 against 0.12 (country × stars).

The remedy is the classical one, **Cochran's rule** (Cochran 1954, "Some methods for
strengthening the common χ² tests"): the χ² reading is adequate when

    min_ij E_ij ≥ 1   and   #{ij : E_ij < 5} ≤ 0.2 · r · c.

Because E_ij = r_i·c_j/N, both conditions depend on the margins only, so the pooling is decided
on the row and column totals and applied to the table once. Until the rule holds, the margin
with the smaller share gives way:

- a **star level** (rows; the star levels are ordered, so only neighbours merge: the smallest
  level joins the smaller of its two neighbours, e.g. 1 + 2, or 3 into 4 + 5), while more than two
  rows remain;
- a **category** (columns; unordered: the two smallest categories merge), while more than two
  columns remain.

A table that is still sparse at 2 × 2 is left as it is (both margins are then a single split).

**Pooled down to 2 × 2**, Cochran's rule is not enough for the far tail: one degree of freedom
and a skewed hypergeometric (10% unverified) make the 1-dof χ² p about twice too small at 0.001
(margins fixed). Such a table gets Fisher's exact two-sided p instead, ``fisher_exact_2x2``: with
row totals r₁, r₂, first column total c₁ and N, the top-left count a is hypergeometric,

    P(a) = C(r₁, a)·C(r₂, c₁ − a) / C(N, c₁),    p = Σ_{x: P(x) ≤ P(a)(1 + 1e-7)} P(x)

(scipy's ordering and tolerance), and the statistic handed on is its χ²(1) equivalent
X²_eq = χ²₁⁻¹(1 − p), so that the calibration's model tail, which reads X² against χ² at
λ = 0, reads exactly this p there.

Pooling only merges cells, so the test stays one of independence of stars and the feature, with
fewer degrees of freedom; under independence the pooled table is independent too, and its X²
has the χ² law Cochran's rule vouches for. tests/detector/ero/test_sparse_table.py checks the
size of the pooled test against a permutation p on planted null tables.
"""

from __future__ import annotations

import bisect

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "MIN_EXPECTED",
    "SMALL_EXPECTED",
    "SMALL_SHARE",
    "cochran_adequate",
    "fisher_exact_2x2",
    "pool_cells",
    "pool_sparse",
]

MIN_EXPECTED = 1  # no cell may expect fewer reviews than this
SMALL_EXPECTED = 5  # and at most SMALL_SHARE of the cells fewer than this
SMALL_SHARE = 0.2


def cochran_adequate(rows: list[int], columns: list[int], total: int) -> bool:
    """Cochran's rule on the margins: min E ≥ 1 and at most 20% of the cells E < 5. In integers:
    E_ij < 5 ⇔ r_i·c_j < 5N ⇔ c_j ≤ (5N − 1) // r_i, counted by bisection in the sorted c."""
    if min(rows) * min(columns) < MIN_EXPECTED * total:
        return False
    limit = SMALL_EXPECTED * total - 1
    ordered = sorted(columns)
    small = sum(bisect.bisect_right(ordered, limit // row) for row in rows)
    return small <= SMALL_SHARE * len(rows) * len(columns)


def pool_sparse(table: NDArray[np.int64]) -> NDArray[np.int64]:
    """``table`` (star levels in order × categories) with star levels and categories pooled
    until Cochran's rule holds or it is 2 × 2 (see the module docstring); ``table`` itself when
    it needs no pooling. Every row and column of ``table`` has a count."""
    pooled = pool_cells(table.tolist())
    return table if pooled is None else np.array(pooled, dtype=table.dtype)


def pool_cells(cells: list[list[int]]) -> list[list[int]] | None:
    """``pool_sparse`` on a table as nested lists (tables here have at most 5 rows and a few
    columns: plain Python is several times faster than numpy on them); None when it needs no
    pooling."""
    rows = [sum(row) for row in cells]
    columns = [sum(column) for column in zip(*cells, strict=True)]
    total = sum(rows)
    if cochran_adequate(rows, columns, total):
        return None
    row_groups: list[list[int]] = [[i] for i in range(len(rows))]
    column_groups: list[list[int]] = [[j] for j in range(len(columns))]
    while not cochran_adequate(rows, columns, total):
        row_least, column_least = min(rows), min(columns)
        can_row, can_column = len(rows) > 2, len(columns) > 2
        if can_row and (not can_column or row_least <= column_least):
            i = rows.index(row_least)  # joins the smaller of its neighbours
            if i == 0 or (i + 1 < len(rows) and rows[i + 1] < rows[i - 1]):
                j = i + 1
            else:
                i, j = i - 1, i
            rows[i : j + 1] = [rows[i] + rows[j]]
            row_groups[i : j + 1] = [row_groups[i] + row_groups[j]]
        elif can_column:  # the two smallest categories merge
            a, b = sorted(sorted(range(len(columns)), key=columns.__getitem__)[:2])
            columns[a] += columns.pop(b)
            column_groups[a] += column_groups.pop(b)
        else:
            break
    merged_rows = [
        [sum(col) for col in zip(*(cells[i] for i in g), strict=True)] for g in row_groups
    ]
    return [[sum(row[j] for j in g) for g in column_groups] for row in merged_rows]


def fisher_exact_2x2(table: list[list[int]]) -> float:
    """Fisher's exact two-sided p of a 2 × 2 table (see the module docstring): what
    ``scipy.stats.fisher_exact(table).pvalue`` gives. The hypergeometric weights come from the
    ratio P(x + 1)/P(x) = (r₁ − x)(c₁ − x) / ((x + 1)(r₂ − c₁ + x + 1)), walked out from the mode
    (weight 1) both ways, so nothing overflows and far weights underflow harmlessly to 0."""
    (a, b), (c, d) = table
    row1, row2, column1 = a + b, c + d, a + c
    lowest, highest = max(0, column1 - row2), min(row1, column1)
    mode = min(highest, max(lowest, (column1 + 1) * (row1 + 1) // (row1 + row2 + 2)))
    weights = [0.0] * (highest - lowest + 1)
    weights[mode - lowest] = weight = 1.0
    for x in range(mode, highest):  # P(x + 1) from P(x)
        weight *= (row1 - x) * (column1 - x) / ((x + 1) * (row2 - column1 + x + 1))
        weights[x + 1 - lowest] = weight
    weight = 1.0
    for x in range(mode, lowest, -1):  # P(x − 1) from P(x)
        weight *= x * (row2 - column1 + x) / ((row1 - x + 1) * (column1 - x + 1))
        weights[x - 1 - lowest] = weight
    cut = weights[a - lowest] * (1.0 + 1e-7)
    return min(1.0, sum(w for w in weights if w <= cut) / sum(weights))
