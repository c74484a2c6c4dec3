"""``calibration.mixed_tail_p_values`` (compiled grid and fill-in) is ``tail_p_values`` bit for
bit, one kind alone or both in one pass; the tail itself is checked against scipy's ncx2/ncf in
test_fast_tails.py."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from detector.ero.calibration import mixed_tail_p_values, tail_p_values


def _one_kind(kind: str, location: list[float], scale: list[float], value: list[float],
              df1: list[int], df2: list[int], reviews: list[int]) -> list[float]:  # fmt: skip
    """``mixed_tail_p_values`` of features all of ``kind``."""
    chi_square = len(value) if kind == "chi_square" else 0
    return mixed_tail_p_values(chi_square, location, scale, value, df1, df2, reviews)


@pytest.mark.parametrize("kind", ["chi_square", "anova_f"])
@pytest.mark.parametrize("features", [1, 2, 4, 7])
def test_one_kind_is_tail_p_values_bit_for_bit(kind: str, features: int) -> None:
    rng = np.random.default_rng(features)
    for _ in range(40):
        location = rng.normal(0.05, 0.1, features).tolist()  # some wholly below u = 0
        scale = rng.uniform(0.03, 0.2, features).tolist()
        value = rng.choice([0.0, 0.01, 0.5, 3.0, 12.0, 80.0, np.nan], features).tolist()
        df1 = rng.integers(1, 30, features).tolist()
        reviews = rng.integers(20, 5000, features).tolist()
        df2 = [n - d - 1 for n, d in zip(reviews, df1, strict=True)]
        if kind == "chi_square":
            df2 = [0] * features
        ours = _one_kind(kind, location, scale, value, df1, df2, reviews)
        expected = tail_p_values(location, scale, kind, value, df1, df2, reviews)
        assert ours == expected.tolist()


def test_one_kind_is_the_central_tail_below_zero_effect() -> None:
    value = [0.2, 3.84, 25.0]
    p = _one_kind("chi_square", [-1.0] * 3, [0.03] * 3, value, [3] * 3, [0] * 3, [99] * 3)
    np.testing.assert_allclose(p, stats.chi2.sf(value, 3), rtol=1e-12, atol=0)


@pytest.mark.parametrize("kind", ["chi_square", "anova_f"])
def test_a_statistic_next_to_zero_at_a_large_effect_has_no_evidence(kind: str) -> None:
    """Boost's ncx2 raises OverflowError at T ~ 1e-9, λ ≥ ~500 (a nearly proportional table of
    a large product); the tail there is 1 (scipy's central tail at such T is 1 - 2.5e-5·√T)."""
    df2 = [0, 0] if kind == "chi_square" else [4000, 4000]
    p = _one_kind(kind, [0.4, 0.4], [0.1, 0.1], [1e-9, 3.0], [1, 1], df2, [5000, 5000])
    expected = tail_p_values([0.4, 0.4], [0.1, 0.1], kind, [1e-9, 3.0], [1, 1], df2, [5000, 5000])
    assert p == expected.tolist()
    assert p[0] == pytest.approx(1.0, abs=1e-4) and p[1] < 1.0


@pytest.mark.parametrize("chi_square,anova", [(0, 3), (4, 0), (4, 3), (1, 1), (5, 2)])
def test_both_kinds_in_one_pass_are_each_kind_alone_bit_for_bit(
    chi_square: int, anova: int
) -> None:
    rng = np.random.default_rng(10 * chi_square + anova)
    for _ in range(40):
        features = chi_square + anova
        location = rng.normal(0.05, 0.1, features).tolist()
        scale = rng.uniform(0.03, 0.2, features).tolist()
        value = rng.choice([0.0, 0.01, 0.5, 3.0, 12.0, 80.0, np.nan], features).tolist()
        df1 = rng.integers(1, 30, features).tolist()
        reviews = rng.integers(20, 5000, features).tolist()
        df2 = [0] * chi_square + [n - d - 1 for n, d in zip(reviews, df1, strict=True)][chi_square:]
        ours = mixed_tail_p_values(chi_square, location, scale, value, df1, df2, reviews)
        expected = []
        kinds = (("chi_square", slice(0, chi_square)), ("anova_f", slice(chi_square, None)))
        for kind, part in kinds:
            if part.start == features or part.stop == 0:
                continue
            columns = [column[part] for column in (location, scale, value, df1, df2, reviews)]
            expected += tail_p_values(columns[0], columns[1], kind, *columns[2:]).tolist()
        assert ours == expected
