"""The compiled group kernels give what the numpy reference functions of ``detector.stats.tukey``
give (which tests/detector/test_tukey.py and test_anova.py check against R and statsmodels)."""

from __future__ import annotations

import numpy as np
import pytest

from detector.stats.group_kernels import numeric_summary
from detector.stats.tukey import (
    NOISE,
    anova_arrays,
    anova_tukey_arrays,
    summarize_codes,
    tukey_statistics,
)

RNG = np.random.default_rng(18)


def _cases() -> list[tuple[np.ndarray, np.ndarray]]:
    stars = RNG.integers(0, 5, 400)
    lengths = RNG.lognormal(5, 1, 400)
    with_missing = lengths.copy()
    with_missing[RNG.random(400) < 0.2] = np.nan
    one_star_single = stars.copy()
    one_star_single[one_star_single == 1] = 0
    one_star_single[0] = 1  # the 2-star group has one review: dropped
    constant_groups = (stars * 3.0).astype(np.float64)  # every group constant: F = ∞
    return [
        (stars, lengths),
        (stars, with_missing),
        (one_star_single, lengths),
        (stars, constant_groups),
        (stars, np.full(400, 7.0)),  # constant: F is NaN
        (stars, -lengths * 1e-300),  # tiny scale: unit keeps it exact
        (stars[:12], lengths[:12]),
    ]


@pytest.mark.parametrize("case", range(7))
def test_numeric_summary_matches_the_numpy_summary(case: int) -> None:
    stars, x = _cases()[case]
    known, means, squares, unit, low, high, missing = numeric_summary(stars, x, 2, NOISE)
    present = ~np.isnan(x)
    assert missing == int((~present).sum())
    np.testing.assert_array_equal(known, np.bincount(stars[present], minlength=5))
    kept = np.flatnonzero(known >= 2)
    in_kept = np.isin(stars, kept) & present
    codes = np.searchsorted(kept, stars[in_kept])
    reference = summarize_codes(x[in_kept], codes, kept.size)
    assert unit == reference.unit
    assert (low, high) == (x[in_kept].min(), x[in_kept].max())
    np.testing.assert_allclose(means[kept], reference.means, rtol=1e-14, atol=0)
    np.testing.assert_allclose(squares[kept], reference.sum_squares, rtol=1e-12, atol=0)
    assert (squares[kept] == 0).tolist() == (reference.sum_squares == 0).tolist()


@pytest.mark.parametrize("case", range(7))
@pytest.mark.parametrize("scale", [0.0, 1.0])
def test_anova_tukey_matches_anova_arrays_and_tukey_statistics(case: int, scale: float) -> None:
    stars, x = _cases()[case]
    keep = ~np.isnan(x)
    groups = np.unique(stars[keep])
    codes = np.searchsorted(groups, stars[keep])
    summary = summarize_codes(x[keep], codes, groups.size)
    counts, means, squares = summary.counts, summary.means[None, :], summary.sum_squares[None, :]
    # A batch as the categorical path has it: several rows over the same groups.
    means = np.vstack([means, means[:, ::-1], np.zeros_like(means)])
    squares = np.vstack([squares, squares, squares])
    f, p, df_between, df_within, index_a, index_b, diff, q = anova_tukey_arrays(
        counts, means, squares, scale
    )
    f_ref, p_ref, df_between_ref, df_within_ref = anova_arrays(counts, means, squares, scale)
    a_ref, b_ref, diff_ref, q_ref = tukey_statistics(counts, means, squares, scale)
    assert (df_between, df_within) == (df_between_ref, df_within_ref)
    np.testing.assert_array_equal(index_a, a_ref)
    np.testing.assert_array_equal(index_b, b_ref)
    np.testing.assert_allclose(f, f_ref, rtol=1e-12, atol=0, equal_nan=True)
    np.testing.assert_allclose(p, p_ref, rtol=1e-10, atol=0, equal_nan=True)
    np.testing.assert_array_equal(diff, diff_ref)
    np.testing.assert_allclose(q, q_ref, rtol=1e-12, atol=0)


@pytest.mark.parametrize("case", range(7))
def test_numeric_feature_is_the_summary_then_the_batch_bit_for_bit(case: int) -> None:
    from detector.stats.group_kernels import numeric_feature

    stars, x = _cases()[case]
    known, summary, f, packed = numeric_feature(stars, x, 2, NOISE)
    ref_known, ref_means, ref_squares, unit, low, high, missing = numeric_summary(
        stars, x, 2, NOISE
    )
    kept = np.flatnonzero(ref_known >= 2)
    np.testing.assert_array_equal(known, ref_known)
    assert summary == (missing, int(ref_known[kept].sum()), unit, low, high)
    counts = ref_known[kept].astype(np.float64)
    pairs = kept.size * (kept.size - 1) // 2
    means, mean_diff, q = np.split(packed, [kept.size, kept.size + pairs])
    assert q.size == pairs
    ref = anova_tukey_arrays(
        counts, ref_means[kept][None, :], ref_squares[kept][None, :], scale=1.0
    )
    np.testing.assert_array_equal(np.array([f]), ref[0])
    np.testing.assert_array_equal(means, ref_means[kept] * unit)
    np.testing.assert_array_equal(mean_diff, ref[6][0] * unit)
    np.testing.assert_array_equal(q, ref[7][0])


def test_numeric_feature_f_is_scipys_f_oneway() -> None:
    from scipy import stats

    from detector.stats.group_kernels import numeric_feature

    stars, x = _cases()[1]
    _, _, f, _ = numeric_feature(stars, x, 2, NOISE)
    present = ~np.isnan(x)
    samples = [x[present & (stars == s)] for s in range(5)]
    assert f == pytest.approx(stats.f_oneway(*samples).statistic, rel=1e-10)


def test_numeric_feature_with_one_kept_level_is_untestable() -> None:
    from detector.stats.group_kernels import numeric_feature

    stars = np.array([0, 0, 0, 1], dtype=np.intp)
    known, summary, f, packed = numeric_feature(stars, np.array([1.0, 2.0, 3.0, 4.0]), 2, NOISE)
    assert known.tolist() == [3, 1, 0, 0, 0] and summary[1] == 3
    assert np.isnan(f) and packed.size == 0
