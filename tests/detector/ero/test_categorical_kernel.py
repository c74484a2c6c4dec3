"""The compiled categorical kernels against the Python functions they replace (bit for bit) and
against scipy (chi2_contingency, fisher_exact, f_oneway) as independent references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from detector.ero import categorical_kernel
from detector.ero.features import (
    MIN_CATEGORY_SIZE,
    MIN_GROUP_SIZE,
    _categorical_chi_square,
    _categorical_chi_square_lists,
)
from detector.stats.tukey import NOISE, anova_tukey_arrays


def _tables(seed: int, count: int) -> list[np.ndarray]:
    """Dense, sparse (pooled), and 2 × k tables whose cells are mostly small."""
    rng = np.random.default_rng(seed)
    tables = []
    for _ in range(count):
        rows, columns = int(rng.integers(2, 6)), int(rng.integers(2, 10))
        scale = float(rng.choice([0.5, 2.0, 8.0, 60.0]))
        weights = rng.dirichlet(np.ones(columns) * rng.choice([0.3, 1.0, 5.0]))
        table = rng.poisson(scale * np.outer(rng.dirichlet(np.ones(rows)) * rows, weights) + 0.05)
        table[:, 0] += 1  # every row has a count
        table[0, :] += 1  # every column has a count
        tables.append(table.astype(np.int64))
    return tables


@pytest.mark.parametrize("seed", range(4))
def test_chi_square_kernel_is_the_python_pooling_bit_for_bit(seed: int) -> None:
    pooled_to_2x2 = pooled = 0
    for table in _tables(seed, 500):
        ours, shape = _categorical_chi_square(table)
        reference, reference_shape = _categorical_chi_square_lists(table)
        assert shape == reference_shape
        assert ours == reference  # every float identical
        pooled += shape is not None
        pooled_to_2x2 += shape == (2, 2)
    assert pooled > 50 and pooled_to_2x2 > 10  # both branches exercised


def test_chi_square_kernel_matches_scipy_where_no_pooling_is_needed() -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(200):
        shape_drawn = (int(rng.integers(2, 6)), int(rng.integers(2, 8)))
        table = rng.integers(1, 60, size=shape_drawn).astype(np.int64)
        result, shape = _categorical_chi_square(table)
        if shape is not None:
            continue
        theirs = stats.chi2_contingency(table, correction=False)
        assert result.statistic == pytest.approx(theirs.statistic, rel=1e-12, abs=1e-12)
        assert result.p == pytest.approx(theirs.pvalue, rel=1e-10, abs=1e-300)
        assert result.dof == theirs.dof
        assert result.low_expected_share == float(np.mean(theirs.expected_freq < 5.0))
        checked += 1
    assert checked > 100


def test_fisher_kernel_matches_scipy_fisher_exact() -> None:
    rng = np.random.default_rng(3)
    for _ in range(400):
        a, b, c, d = (int(x) for x in rng.integers(0, 30, 4))
        if (a + b) * (c + d) * (a + c) * (b + d) == 0:
            continue
        ours = categorical_kernel._fisher_2x2(a, b, c, d)
        assert ours == pytest.approx(
            stats.fisher_exact([[a, b], [c, d]]).pvalue, rel=1e-9, abs=1e-15
        )


def test_the_square_is_libms_pow_not_a_product() -> None:
    """x ** 2 in Python is pow(x, 2.0), which differs from x·x in a few last bits: the kernel's
    statistic must follow pow, so on tables where the two differ it must equal Python's."""
    differing = 0
    for table in _tables(11, 400):
        ours, _ = _categorical_chi_square(table)
        reference, _ = _categorical_chi_square_lists(table)
        assert ours.statistic == reference.statistic
        rows, columns = table.sum(axis=1), table.sum(axis=0)
        expected = np.outer(rows, columns) / table.sum()
        deviations = (table - expected).ravel().tolist()
        differing += any(d**2 != d * d for d in deviations)
    assert differing > 0  # the test can tell the two apart


def _reference_table(
    stars: np.ndarray, codes: np.ndarray, n_labels: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int]:
    """``category_table`` with numpy: the rules of ``features._pooling_notes`` and the
    star groups, written out separately."""
    present = codes >= 0
    totals = np.bincount(codes[present], minlength=n_labels)
    rare = totals < MIN_CATEGORY_SIZE
    pooled = int(totals[rare].sum())
    column = np.full(n_labels, -1)
    common = np.flatnonzero(~rare)
    column[common] = np.arange(common.size)
    if pooled >= MIN_CATEGORY_SIZE:
        column[rare] = common.size
    label_of = list(common) + ([-1] if pooled >= MIN_CATEGORY_SIZE else [])
    keep = present.copy()
    keep[present] = column[codes[present]] >= 0
    per_star = np.bincount(stars[keep], minlength=5)
    kept = np.flatnonzero(per_star >= MIN_GROUP_SIZE)
    if kept.size < 2:
        return np.zeros((0, 0)), np.zeros(0), totals, per_star, int((~present).sum()), pooled
    in_kept = keep & np.isin(stars, kept)
    rows = np.searchsorted(kept, stars[in_kept])
    table = np.zeros((kept.size, len(label_of)), dtype=np.int64)
    np.add.at(table, (rows, column[codes[in_kept]]), 1)
    seen = table.sum(axis=0) > 0
    return (
        table[:, seen],
        np.array(label_of)[seen],
        totals,
        per_star,
        int((~present).sum()),
        pooled,
    )


@pytest.mark.parametrize("seed", range(6))
def test_category_table_pools_and_drops_as_the_rules_say(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(60):
        n = int(rng.integers(1, 200))
        n_labels = int(rng.integers(1, 15))
        stars = rng.choice(5, n, p=rng.dirichlet(np.ones(5) * 0.5)).astype(np.intp)
        codes = rng.choice(n_labels, n, p=rng.dirichlet(np.ones(n_labels) * 0.4)).astype(np.intp)
        codes[rng.random(n) < rng.choice([0.0, 0.2])] = -1
        ours = categorical_kernel.category_table(
            stars, codes, n_labels, MIN_CATEGORY_SIZE, MIN_GROUP_SIZE
        )
        reference = _reference_table(stars, codes, n_labels)
        for found, expected in zip(ours[:4], reference[:4], strict=True):
            np.testing.assert_array_equal(found, expected)
        assert ours[4:] == reference[4:]


def test_category_table_with_one_level_or_every_review_missing() -> None:
    stars = np.zeros(30, dtype=np.intp)
    codes = np.arange(30, dtype=np.intp) % 3
    table, _, _, per_star, _, _ = categorical_kernel.category_table(stars, codes, 3, 5, 2)
    assert table.shape == (0, 0) and per_star.tolist() == [30, 0, 0, 0, 0]
    missing = np.full(30, -1, dtype=np.intp)
    stars = np.arange(30, dtype=np.intp) % 5
    table, _, _, per_star, count, pooled = categorical_kernel.category_table(
        stars, missing, 0, 5, 2
    )
    assert table.shape == (0, 0) and count == 30 and pooled == 0 and per_star.sum() == 0


def test_indicator_statistics_are_the_numpy_batch_and_scipys_anova() -> None:
    rng = np.random.default_rng(5)
    for _ in range(100):
        groups, columns = int(rng.integers(2, 6)), int(rng.integers(2, 8))
        table = rng.integers(0, 12, size=(groups, columns)).astype(np.int64)
        table[:, 0] += 2  # every star level has at least 2 reviews
        tested = np.flatnonzero(rng.random(columns) < 0.7).astype(np.int64)
        if tested.size == 0:
            continue
        counts, shares, f, mean_diff, q, strongest = categorical_kernel.indicator_statistics(
            table, tested, NOISE
        )
        hits = table[:, tested].T.astype(np.float64)
        expected_counts = table.sum(axis=1).astype(np.float64)
        expected_shares = hits / expected_counts
        squares = hits * (expected_counts - hits) / expected_counts
        ref = anova_tukey_arrays(expected_counts, expected_shares, squares)
        np.testing.assert_array_equal(counts, expected_counts)
        np.testing.assert_array_equal(shares, expected_shares)
        np.testing.assert_array_equal(f, ref[0])
        np.testing.assert_array_equal(mean_diff, ref[6])
        np.testing.assert_array_equal(q, ref[7])
        np.testing.assert_array_equal(strongest, ref[7].argmax(axis=1))
        for row, column in enumerate(tested.tolist()):  # the indicator's ANOVA, by scipy
            samples = [
                np.r_[np.ones(table[g, column]), np.zeros(table[g].sum() - table[g, column])]
                for g in range(groups)
            ]
            if all(s.std() == 0 for s in samples):
                continue
            assert f[row] == pytest.approx(stats.f_oneway(*samples).statistic, rel=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_categorical_feature_is_its_three_steps(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    for _ in range(80):
        n = int(rng.integers(2, 300))
        n_labels = int(rng.integers(1, 12))
        stars = rng.choice(5, n, p=rng.dirichlet(np.ones(5))).astype(np.intp)
        codes = rng.choice(n_labels, n, p=rng.dirichlet(np.ones(n_labels) * 0.5)).astype(np.intp)
        codes[rng.random(n) < 0.1] = -1
        whole, reals, counts, chi = categorical_kernel.categorical_feature(
            stars, codes, n_labels, MIN_CATEGORY_SIZE, MIN_GROUP_SIZE, NOISE, 2.0
        )
        table, seen_label, totals, per_star, missing, pooled = categorical_kernel.category_table(
            stars, codes, n_labels, MIN_CATEGORY_SIZE, MIN_GROUP_SIZE
        )
        groups, columns = table.shape
        rare = int((totals < MIN_CATEGORY_SIZE).sum())
        assert counts[:5] == (missing, pooled, rare, int(table.sum()), columns)
        assert counts[7] == groups
        factor = counts[5]
        # the whole numbers in their documented order
        cut = np.cumsum([5, n_labels, columns, columns, factor, factor])
        parts = np.split(whole, cut[:-1])
        assert whole.size == cut[-1]
        expected_whole = (per_star, totals, seen_label, table.sum(axis=0))
        for ours, expected in zip(parts[:4], expected_whole, strict=True):
            np.testing.assert_array_equal(ours, expected)
        if groups < 2 or columns < 2:
            assert factor == 0 and reals.size == 0
            continue
        named = np.flatnonzero(seen_label >= 0)
        expected_tested = (
            [int(named[np.argmin(table.sum(axis=0)[named])])] if columns == 2 else named
        )
        np.testing.assert_array_equal(parts[4], expected_tested)
        np.testing.assert_array_equal(chi, categorical_kernel.chi_square(table, 2.0))  # NaN p
        _, shares, f, mean_diff, q, strongest = categorical_kernel.indicator_statistics(
            table, parts[4], NOISE
        )
        np.testing.assert_array_equal(parts[5], strongest)
        np.testing.assert_array_equal(strongest, q.argmax(axis=1))
        driver = int(np.argmax(q.max(axis=1)))
        assert counts[6] == driver
        pairs = groups * (groups - 1) // 2
        expected_reals = (q.max(axis=1), q[driver], f, shares[driver], mean_diff[driver])
        cut = np.cumsum([factor, pairs, factor, groups, pairs])
        assert reals.size == cut[-1]
        for ours, expected in zip(np.split(reals, cut[:-1]), expected_reals, strict=True):
            np.testing.assert_array_equal(ours, expected)
