"""One-way ANOVA against scipy.stats.f_oneway and R's aov()."""

import csv
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from detector.ero import analyze_ero
from detector.stats.tukey import one_way_anova

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("seed", range(6))
def test_f_and_p_match_scipy_f_oneway_on_unbalanced_groups(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_groups = int(rng.integers(2, 7))
    groups = np.repeat(np.arange(n_groups), rng.integers(2, 80, size=n_groups))
    values = rng.gamma(2.0, 50.0, size=groups.size) + 5.0 * groups
    reference = stats.f_oneway(*[values[groups == g] for g in range(n_groups)])
    result = one_way_anova(values, groups)
    assert result.f == pytest.approx(reference.statistic, rel=1e-10)
    assert result.p == pytest.approx(reference.pvalue, rel=1e-8, abs=1e-15)
    assert (result.df_between, result.df_within) == (n_groups - 1, groups.size - n_groups)


def test_large_offsets_do_not_cost_precision() -> None:
    rng = np.random.default_rng(5)
    groups = np.repeat([1, 2, 3], [40, 55, 31])
    values = 1e9 + rng.normal(size=groups.size) + 0.3 * groups
    shifted = one_way_anova(values - 1e9, groups)
    assert one_way_anova(values, groups).f == pytest.approx(shifted.f, rel=1e-6)


@pytest.mark.parametrize("name", ["chickwts", "warpbreaks"])
def test_f_and_p_match_r_aov_on_classic_data_sets(name: str) -> None:
    with open(DATA / f"{name}_data.csv") as file:
        rows = list(csv.DictReader(file))
    with open(DATA / f"{name}_anova.csv") as file:
        expected = next(csv.DictReader(file))
    result = one_way_anova([float(r["value"]) for r in rows], [r["group"] for r in rows])
    assert result.f == pytest.approx(float(expected["f"]), rel=1e-12)
    assert result.p == pytest.approx(float(expected["p"]), rel=1e-9)
    assert result.df_between == int(expected["df_between"])
    assert result.df_within == int(expected["df_within"])


def test_the_ero_anova_of_a_numeric_feature_is_the_anova_by_star_rating() -> None:
    rng = np.random.default_rng(8)
    ratings = rng.choice([1, 2, 3, 4, 5], size=400, p=[0.15, 0.05, 0.1, 0.2, 0.5])
    length = rng.lognormal(5.0, 0.7, size=400) * np.where(ratings == 1, 1.4, 1.0)
    feature = analyze_ero(ratings, {"text_length": length}).feature("text_length")
    reference = stats.f_oneway(*[length[ratings == star] for star in range(1, 6)])
    assert feature.anova is not None
    assert feature.anova.f == pytest.approx(reference.statistic, rel=1e-10)
    assert feature.anova.p == pytest.approx(reference.pvalue, rel=1e-8)


def test_constant_values_are_a_clear_error() -> None:
    with pytest.raises(ValueError, match="constant"):
        one_way_anova([3.0] * 6, [1, 1, 2, 2, 3, 3])


def test_every_group_constant_but_different_gives_an_infinite_f() -> None:
    result = one_way_anova([1.0, 1.0, 2.0, 2.0], [1, 1, 2, 2])
    assert result.f == np.inf and result.p == 0.0
    assert result.to_dict()["f"] is None  # JSON has no infinity
