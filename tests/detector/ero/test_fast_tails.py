"""The ERO's direct tails and X² against scipy's public functions (the references)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from detector.ero.calibration import _noncentral_sf, tail_p_values
from detector.ero.features import _pearson


@pytest.mark.parametrize("seed", range(20))
def test_chi_square_matches_scipy_chi2_contingency(seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = rng.integers(1, 40, size=(int(rng.integers(2, 6)), int(rng.integers(2, 8))))
    ours = _pearson(table.tolist())
    theirs = stats.chi2_contingency(table, correction=False)
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-12)
    assert ours.p == pytest.approx(theirs.pvalue, rel=1e-10)
    assert ours.dof == theirs.dof
    assert ours.low_expected_share == float(np.mean(theirs.expected_freq < 5.0))


def test_noncentral_tails_match_scipy() -> None:
    value = np.array([0.5, 3.0, 12.0, 60.0, 300.0])[:, None]
    lam = np.array([0.0, 0.3, 5.0, 80.0])[None, :]
    chi = _noncentral_sf("chi_square", value, np.array(4.0), np.array(0.0), lam)
    expected = np.where(
        lam == 0, stats.chi2.sf(value, 4), stats.ncx2.sf(value, 4, lam + (lam == 0))
    )
    np.testing.assert_allclose(chi, expected, rtol=1e-12, atol=0)
    f = _noncentral_sf("anova_f", value / 10, np.array(3.0), np.array(200.0), lam)
    expected = np.where(
        lam == 0, stats.f.sf(value / 10, 3, 200), stats.ncf.sf(value / 10, 3, 200, lam + (lam == 0))
    )
    np.testing.assert_allclose(f, expected, rtol=1e-12, atol=0)


def test_batched_tail_p_equals_one_at_a_time() -> None:
    batch = tail_p_values(
        [0.1, 0.2], [0.03, 0.05], "anova_f", [2.0, 9.0], [4, 4], [300, 80], [305, 85]
    )
    single = [
        float(tail_p_values(0.1, 0.03, "anova_f", 2.0, 4, 300, 305)),
        float(tail_p_values(0.2, 0.05, "anova_f", 9.0, 4, 80, 85)),
    ]
    np.testing.assert_allclose(batch, single, rtol=1e-14)  # the matrix product's summation order


@pytest.mark.parametrize("kind", ["chi_square", "anova_f"])
@pytest.mark.parametrize(("location", "scale"), [(0.1, 0.05), (0.02, 0.03), (-0.05, 0.03)])
def test_a_statistic_of_zero_is_no_evidence_and_p_falls_with_the_statistic(
    kind: str, location: float, scale: float
) -> None:
    """p(0) = 1 (T' ≥ 0 for every λ; the Boost ncx2 ufunc said 0 there, leaving only the nodes
    below u = 0), and p is non-increasing in T and continuous at 0 on a grid from 0 up."""
    grid = np.concatenate([[0.0, 1e-300, 1e-12, 1e-6], np.linspace(1e-3, 40.0, 400)])
    p = tail_p_values(location, scale, kind, grid, 2, 60, 80)
    assert p[0] == 1.0
    assert float(tail_p_values(location, scale, kind, 0.0, 2, 60, 80)) == 1.0
    assert np.all(np.diff(p) <= 0.0)
    assert p[1] == pytest.approx(1.0, abs=1e-12)
    assert np.all((p > 0.0) & (p <= 1.0))


@pytest.mark.parametrize("kind", ["chi_square", "anova_f"])
def test_the_tail_is_scipys_central_tail_when_every_node_is_at_zero_effect(kind: str) -> None:
    """With the whole N(m, s²) below u = 0 (λ = 0 at every node) the calibrated p is the raw
    χ² (F) tail - the reading a sparse table's Fisher p relies on - including p(0) = 1."""
    value = np.array([0.0, 0.2, 1.0, 3.84, 9.0, 25.0])
    p = tail_p_values(-1.0, 0.03, kind, value, 3, 120, 125)
    raw = stats.chi2.sf(value, 3) if kind == "chi_square" else stats.f.sf(value, 3, 120)
    np.testing.assert_allclose(p, raw, rtol=1e-12, atol=0)
    assert p[0] == 1.0


def test_the_reference_sum_gives_a_statistic_of_zero_p_one() -> None:
    """The schema /1 sum (1 + Σ P(T' ≥ T | λ_j)) / (n + 1) is 1 at T = 0 too."""
    from detector.ero.calibration import FeatureCalibration
    from detector.ero.results import OmnibusStatistic

    effects = tuple(float(e) for e in np.linspace(0.0, 0.05, 25))
    feature = FeatureCalibration("chi_square", effects, (100,) * 25, effects)
    zero = OmnibusStatistic(kind="chi_square", value=0.0, df1=2, df2=0, reviews=100)
    assert feature.calibrated_p(zero) == 1.0
