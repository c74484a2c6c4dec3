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
