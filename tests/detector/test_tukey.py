"""Tukey's HSD (Tukey–Kramer) and the studentized range against statsmodels, scipy and R.

statsmodels' ``pairwise_tukeyhsd`` takes its p-values from ``scipy.stats.studentized_range`` when
scipy has it (scipy ≥ 1.7); only without it does it fall back to ``libqsturng.psturng``, an
interpolated table accurate to about 1e-3 and clipped to [0.001, 0.9]. We compare at 1e-6 and skip
when the fallback is in use. scipy's own ``studentized_range.sf`` is accurate to about 1e-10 for
the degrees of freedom used here (it is off by up to ~3e-6 above ν ≈ 1e5, where we compare with
the exact two-group case instead).
"""

import csv
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from statsmodels.sandbox.stats import multicomp
from statsmodels.stats.multicomp import pairwise_tukeyhsd

from detector.stats.studentized_range import studentized_range_logsf, studentized_range_sf
from detector.stats.tukey import tukey_hsd

DATA = Path(__file__).parent / "data"


def unbalanced_sample(seed: int, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 60, size=n_groups)
    groups = np.repeat(np.arange(1, n_groups + 1), sizes)
    shifts = rng.normal(0.0, 0.6, size=n_groups)
    values = rng.normal(10.0, 2.0, size=groups.size) + shifts[groups - 1]
    return values, groups


def read_r_pairs(name: str) -> list[dict[str, str]]:
    with open(DATA / f"{name}_tukey.csv") as file:
        return [{key: value.strip() for key, value in row.items()} for row in csv.DictReader(file)]


def read_r_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    with open(DATA / f"{name}_data.csv") as file:
        rows = list(csv.DictReader(file))
    return np.array([float(r["value"]) for r in rows]), np.array([r["group"] for r in rows])


@pytest.mark.parametrize("n_groups", [2, 4, 6])
@pytest.mark.parametrize("seed", range(3))
def test_p_values_and_mean_differences_match_scipy_tukey_hsd(seed: int, n_groups: int) -> None:
    values, groups = unbalanced_sample(seed, n_groups)
    reference = stats.tukey_hsd(*[values[groups == g] for g in range(1, n_groups + 1)])
    for pair in tukey_hsd(values, groups):
        i, j = pair.a - 1, pair.b - 1
        assert pair.p_adj == pytest.approx(reference.pvalue[i, j], abs=1e-6)
        assert pair.mean_diff == pytest.approx(-reference.statistic[i, j], abs=1e-9)


@pytest.mark.skipif(
    multicomp.studentized_range is not stats.studentized_range,
    reason="this statsmodels uses libqsturng.psturng, accurate only to about 1e-3",
)
@pytest.mark.parametrize("n_groups", [2, 4, 6])
@pytest.mark.parametrize("seed", range(3))
def test_p_values_and_mean_differences_match_statsmodels(seed: int, n_groups: int) -> None:
    values, groups = unbalanced_sample(seed, n_groups)
    reference = pairwise_tukeyhsd(values, groups, alpha=0.05)
    ours = tukey_hsd(values, groups, alpha=0.05)
    labels = reference.groupsunique
    index_a, index_b = np.triu_indices(len(labels), k=1)
    assert [(p.a, p.b) for p in ours] == list(zip(labels[index_a], labels[index_b], strict=True))
    np.testing.assert_allclose([p.p_adj for p in ours], reference.pvalues, rtol=0, atol=1e-6)
    np.testing.assert_allclose([p.mean_diff for p in ours], reference.meandiffs, rtol=0, atol=1e-9)
    assert [p.reject for p in ours] == list(reference.reject)


@pytest.mark.parametrize("name", ["chickwts", "warpbreaks"])
def test_results_match_r_tukeyhsd_on_classic_data_sets(name: str) -> None:
    values, groups = read_r_data(name)
    ours = {(p.a, p.b): p for p in tukey_hsd(values, groups)}
    reference = read_r_pairs(name)
    assert len(ours) == len(reference)
    for row in reference:
        a, b = row["a"], row["b"]
        pair, sign = (ours[a, b], 1.0) if (a, b) in ours else (ours[b, a], -1.0)
        assert sign * pair.mean_diff == pytest.approx(float(row["diff"]), abs=1e-9)
        # R's ptukey is accurate in absolute terms (its tiny p-values differ from ours in the
        # 5th significant digit), so compare absolutely.
        assert pair.p_adj == pytest.approx(float(row["p_adj"]), abs=1e-9)


def test_reject_flags_follow_alpha() -> None:
    values, groups = unbalanced_sample(11, 5)
    for alpha in (0.01, 0.05, 0.2):
        assert all(p.reject == (p.p_adj < alpha) for p in tukey_hsd(values, groups, alpha=alpha))


def test_constant_groups_with_different_means_are_perfectly_separated() -> None:
    values = np.array([1.0, 1.0, 1.0, 2.0, 2.0, 1.0, 1.0])
    groups = np.array([1, 1, 1, 2, 2, 3, 3])
    pairs = {(p.a, p.b): p for p in tukey_hsd(values, groups)}
    assert pairs[1, 2].p_adj == 0.0 and pairs[1, 2].statistic == np.inf
    assert pairs[1, 3].p_adj == 1.0 and pairs[1, 3].mean_diff == 0.0


def test_fewer_than_two_groups_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="two groups"):
        tukey_hsd([1.0, 2.0, 3.0], [1, 1, 1])


@pytest.mark.parametrize("df", [1, 2, 5, 30, 1000, 9995, 1e5, 1e6, 1e8])
def test_studentized_range_is_exact_for_two_means(df: float) -> None:
    # With k = 2 the studentized range is √2·|t_ν|, so sf(q) = 2·t.sf(q/√2, ν).
    q = np.array([0.01, 0.3, 1.0, 2.0, 4.0, 8.0, 12.0, 30.0])
    exact = np.log(2.0) + stats.t.logsf(q / np.sqrt(2.0), df)
    np.testing.assert_allclose(studentized_range_logsf(q, 2, df), exact, rtol=0, atol=1e-9)


@pytest.mark.parametrize("k", [3, 5, 10])
@pytest.mark.parametrize("df", [1, 10, 400, 9995])
def test_studentized_range_matches_scipy(k: int, df: int) -> None:
    q = np.array([0.05, 0.5, 1.5, 2.5, 3.5, 4.5, 6.0, 8.0])
    expected = stats.studentized_range.sf(q, k, df)
    np.testing.assert_allclose(studentized_range_sf(q, k, df), expected, rtol=0, atol=1e-8)


def test_studentized_range_with_infinite_df_is_the_normal_range() -> None:
    q = np.array([0.5, 2.0, 3.5, 5.0])
    expected = stats.studentized_range.sf(q, 5, np.inf)
    np.testing.assert_allclose(studentized_range_sf(q, 5, np.inf), expected, rtol=0, atol=1e-9)


def test_studentized_range_keeps_relative_precision_far_in_the_tail() -> None:
    # P(Q > 40) for k = 2, ν = 1000 is about 1e-170: still a number, to many digits.
    exact = np.log(2.0) + stats.t.logsf(40.0 / np.sqrt(2.0), 1000)
    assert studentized_range_logsf(40.0, 2, 1000) == pytest.approx(exact, rel=1e-9)


def test_studentized_range_edge_values_are_defined() -> None:
    result = studentized_range_sf([0.0, -1.0, np.inf, np.nan], 5, 20)
    assert result[:3].tolist() == [1.0, 1.0, 0.0]
    assert np.isnan(result[3])


@pytest.mark.parametrize(("k", "df"), [(1, 10), (2.5, 10), (3, 0), (3, -1)])
def test_studentized_range_refuses_impossible_parameters(k: float, df: float) -> None:
    with pytest.raises(ValueError):
        studentized_range_sf(1.0, k, df)
