"""Pooling sparse star × category tables (Cochran's rule) against independent references.

The references: tables drawn under independence with the observed margins fixed
(``scipy.stats.random_table``, the exact conditional null of a test of independence), which give
both the size of the test at a nominal α and a Monte-Carlo permutation p-value of one table;
and ``scipy.stats.chi2_contingency`` where no pooling is needed.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import special, stats

from detector.ero.features import _categorical_chi_square, analyze_categorical
from detector.ero.features import _pearson as pearson_of_cells
from detector.ero.sparse_table import cochran_adequate, fisher_exact_2x2, pool_sparse

# Margins like the honest products whose raw X² was far too small (indep seed 101): a viral
# product of 183 reviews with 10% unverified, one of 213 with six countries, and a small one.
SPARSE_MARGINS = {
    "viral_verified": ([11, 5, 9, 26, 132], [165, 18]),
    "viral_country": ([13, 6, 11, 30, 153], [153, 21, 15, 11, 7, 6]),
    "small_hours": ([6, 5, 6, 13, 30], [6, 6, 12, 15, 12, 9]),
}


def _pearson(tables: np.ndarray) -> np.ndarray:
    """Pearson's X² of a stack of tables with the same margins."""
    tables = tables.astype(np.float64)
    expected = np.einsum("i,j->ij", tables[0].sum(axis=1), tables[0].sum(axis=0)) / tables[0].sum()
    return ((tables - expected) ** 2 / expected).sum(axis=(1, 2))


def _null_tables(rows: list[int], columns: list[int], size: int, seed: int) -> np.ndarray:
    return stats.random_table(rows, columns, seed=seed).rvs(size=size)


@pytest.mark.parametrize("case", sorted(SPARSE_MARGINS))
def test_pooled_test_keeps_its_size_on_sparse_null_tables(case: str) -> None:
    """Under independence (margins fixed) P(p < α) ≤ α, also in the far tail the verdict reads;
    the raw X² on the same tables is what the pooling repairs (so this test can fail)."""
    rows, columns = SPARSE_MARGINS[case]
    tables = _null_tables(rows, columns, 20_000, seed=len(case))
    pooled = pool_sparse(tables[0])
    assert pooled.shape != tables[0].shape  # these margins need pooling
    p_pooled = np.array([_categorical_chi_square(t)[0].p for t in tables])
    for alpha in (0.05, 0.01, 0.001):
        # binomial slack: 20,000 draws, rate α has sd √(α/20,000); allow 3 sd over α
        slack = 3.0 * np.sqrt(alpha * (1 - alpha) / tables.shape[0])
        assert np.mean(p_pooled < alpha) <= alpha + slack, alpha
    if case != "small_hours":  # the raw X² there happens to be conservative
        dof = (len(rows) - 1) * (len(columns) - 1)
        p_raw = special.chdtrc(dof, _pearson(tables))
        assert np.mean(p_raw < 0.001) > 3 * 0.001


def _planted_table(rows: list[int], columns: list[int], seed: int) -> np.ndarray:
    """A null table with margins near ``rows`` × ``columns`` whose raw X² is large: the kind of
    table that made honest products suspicious (the largest X² of 200 null draws)."""
    tables = _null_tables(rows, columns, 200, seed)
    return tables[int(np.argmax(_pearson(tables)))]


@pytest.mark.parametrize("case", sorted(SPARSE_MARGINS))
def test_pooled_p_is_not_smaller_than_the_permutation_p(case: str) -> None:
    """On an unusual sparse null table the pooled X²'s χ² p is close to, or above, the Monte-Carlo
    permutation p of the same statistic (margins fixed), while the raw χ² p is far below its own."""
    rows, columns = SPARSE_MARGINS[case]
    table = _planted_table(rows, columns, seed=7)
    draws = _null_tables(rows, columns, 20_000, seed=11)
    pooled, _ = _categorical_chi_square(table)
    pooled_draws = np.array([_categorical_chi_square(t)[0].statistic for t in draws])
    permutation_p = (1 + np.sum(pooled_draws >= pooled.statistic - 1e-9)) / (draws.shape[0] + 1)
    assert pooled.p >= 0.6 * permutation_p
    assert pooled.p <= 2.0 * permutation_p + 0.01
    raw = pearson_of_cells(table.tolist())
    raw_permutation_p = (1 + np.sum(_pearson(draws) >= raw.statistic - 1e-9)) / (draws.shape[0] + 1)
    if case != "small_hours":
        assert raw.p < 0.5 * raw_permutation_p  # what the pooling repairs


@pytest.mark.parametrize("seed", range(20))
def test_tables_cochran_accepts_are_left_alone(seed: int) -> None:
    """Non-sparse tables: no pooling, so the X² is still ``chi2_contingency``'s."""
    rng = np.random.default_rng(seed)
    table = rng.integers(8, 60, size=(int(rng.integers(2, 6)), int(rng.integers(2, 8))))
    assert cochran_adequate(table.sum(axis=1).tolist(), table.sum(axis=0).tolist(), table.sum())
    assert pool_sparse(table) is table
    theirs = stats.chi2_contingency(table, correction=False)
    ours, pooled_shape = _categorical_chi_square(table)
    assert pooled_shape is None
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-12)
    assert ours.p == pytest.approx(theirs.pvalue, rel=1e-10)


@pytest.mark.parametrize("seed", range(30))
def test_pooling_merges_neighbouring_star_levels_and_reaches_cochran(seed: int) -> None:
    """Rows (star levels) merge only with neighbours, columns as whole categories; every count is
    kept; the result meets Cochran's rule (expected counts from chi2_contingency) unless 2 × 2."""
    rng = np.random.default_rng(seed)
    n_rows, n_columns = int(rng.integers(2, 6)), int(rng.integers(2, 7))
    star_shares = rng.dirichlet(np.full(n_rows, 0.7))
    value_shares = rng.dirichlet(np.full(n_columns, 0.7))
    table = rng.multinomial(int(rng.integers(20, 400)), np.outer(star_shares, value_shares).ravel())
    table = table.reshape(n_rows, n_columns)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        pytest.skip("degenerate draw")
    pooled = pool_sparse(table)
    assert pooled.sum() == table.sum()
    # star levels: each pooled row is a run of neighbouring rows (its running total is theirs)
    running = np.cumsum(table, axis=0)
    starts = [0]
    for total in np.cumsum(pooled.sum(axis=1))[:-1]:
        starts.append(int(np.flatnonzero(running.sum(axis=1) == total)[0]) + 1)
    by_rows = np.add.reduceat(table, starts, axis=0)
    assert by_rows.shape[0] == pooled.shape[0]
    # categories: each pooled column is the sum of a set of whole columns, each used once
    used: set[int] = set()
    for column in pooled.T:
        subsets = [
            s
            for k in range(1, table.shape[1] + 1)
            for s in itertools.combinations(range(table.shape[1]), k)
            if np.array_equal(by_rows[:, list(s)].sum(axis=1), column) and not used & set(s)
        ]
        assert subsets
        used |= set(subsets[0])
    assert used == set(range(table.shape[1]))
    if pooled.shape != (2, 2) and min(pooled.shape) >= 2:
        expected = stats.contingency.expected_freq(pooled)
        assert expected.min() >= 1.0
        assert np.mean(expected < 5.0) <= 0.2


def test_fisher_exact_2x2_matches_scipy() -> None:
    rng = np.random.default_rng(5)
    for _ in range(300):
        table = rng.integers(0, 60, size=(2, 2)) * rng.integers(0, 2, size=(2, 2))
        if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
            continue
        expected = stats.fisher_exact(table).pvalue
        assert fisher_exact_2x2(table.tolist()) == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_fisher_exact_2x2_keeps_scipys_ties_on_many_tables() -> None:
    """Random margins (N 4-300, any split) and any count in the support: within 1e-12 of scipy,
    never above 1, and exactly 1 wherever scipy's tolerance (1 + 1e-7) makes it 1 - a table at
    the mode, where a sum of pmf values without the tolerance gave 0.9999999999999997."""
    rng = np.random.default_rng(18)
    ties = 0
    for _ in range(3000):
        n = int(rng.integers(4, 301))
        row1, column1 = int(rng.integers(1, n)), int(rng.integers(1, n))
        a = int(rng.integers(max(0, column1 - (n - row1)), min(row1, column1) + 1))
        table = [[a, row1 - a], [column1 - a, n - row1 - column1 + a]]
        expected = stats.fisher_exact(table).pvalue
        found = fisher_exact_2x2(table)
        assert found <= 1.0
        assert found == pytest.approx(expected, rel=1e-12, abs=1e-300)
        if expected == 1.0:
            ties += 1
            assert found == 1.0
    assert ties > 100


def test_sparse_2x2_result_is_fishers_p_with_its_chi2_equivalent() -> None:
    table = np.array([[3, 2], [1, 4], [2, 3], [12, 14], [150, 10]])  # 10% unverified
    result, shape = _categorical_chi_square(table)
    assert shape == (2, 2)
    pooled = pool_sparse(table)
    assert result.p == pytest.approx(stats.fisher_exact(pooled).pvalue, rel=1e-9)
    assert stats.chi2.sf(result.statistic, 1) == pytest.approx(result.p, rel=1e-9)


def test_categorical_feature_uses_the_pooled_table_and_says_so() -> None:
    """A viral-shaped product with a 10% unverified minority and few 2-star reviews: the omnibus
    X² has the pooled degrees of freedom, and the notes name the pooling."""
    rng = np.random.default_rng(3)
    stars = rng.choice(5, 183, p=[0.06, 0.03, 0.05, 0.14, 0.72]).astype(np.intp)
    verified = rng.random(183) < 0.9
    result = analyze_categorical("verified_purchase", stars, verified, 0.05)
    assert result.omnibus is not None and result.chi_square is not None
    assert result.omnibus.df1 == result.chi_square.dof < 4
    assert any("Cochran" in note for note in result.notes)
    pooled = analyze_categorical("verified_purchase", stars, verified, 0.05, pairs=False)
    assert pooled.omnibus == result.omnibus
