"""The star-group leans and the combined evidence E (issue 13), against independent references:
the Wald log-odds-ratio test recomputed with statsmodels, planted nulls, planted leans."""

import numpy as np
import pytest
from scipy import stats

from detector.direction import combined
from detector.reviewers.evidence import HISTORY_MARGIN, UNVERIFIED_MARGIN, lean_p_values


def _table_p(a: int, b: int, c: int, d: int, margin: float) -> float:
    """One-sided Wald p of log OR > log margin, from statsmodels' Table2x2 (Haldane +½)."""
    from statsmodels.stats.contingency_tables import Table2x2

    table = Table2x2(np.array([[a, b], [c, d]], dtype=float) + 0.5)
    z = (table.log_oddsratio - np.log(margin)) / table.log_oddsratio_se
    return float(stats.norm.sf(z))


def test_the_unverified_lean_matches_statsmodels_on_a_hand_made_table():
    ratings = np.array([5] * 100 + [4] * 60)
    verified = np.ones(160, dtype=bool)
    verified[:30] = False  # 30 of 100 five-star reviews unverified
    verified[100:106] = False  # 6 of 60 others
    found = lean_p_values(ratings, history=np.full(160, np.nan), verified=verified)
    assert set(found) == {"unverified_5star"}
    assert found["unverified_5star"] == pytest.approx(_table_p(30, 70, 6, 54, UNVERIFIED_MARGIN))


def test_the_history_lean_is_two_sided_over_the_five_and_one_star_groups():
    ratings = np.array([1] * 40 + [3] * 80 + [5] * 80)
    history = np.full(200, 10.0)
    history[:25] = 1  # 25 of 40 one-star reviews from one-review accounts
    history[40:48] = 1  # 8 of 160 others
    found = lean_p_values(ratings, history=history, verified=None)
    one_star = _table_p(25, 15, 8, 152, HISTORY_MARGIN)
    assert found["reviewer_history"] == pytest.approx(min(1.0, 2 * one_star))
    assert found["reviewer_history"] < 1e-6


def test_leans_hold_their_rate_on_planted_nulls():
    rng = np.random.default_rng(13)
    small = 0
    for _ in range(400):
        n = int(rng.integers(30, 3000))
        ratings = rng.choice(np.arange(1, 6), size=n, p=[0.08, 0.04, 0.08, 0.2, 0.6])
        history = rng.negative_binomial(0.8, 0.8 / 12.8, n).astype(float)
        verified = rng.random(n) < 0.88
        found = lean_p_values(ratings, history=history, verified=verified)
        small += min(found.values()) < 0.01
    assert small / 400 <= 0.01  # margins make them conservative under independence


def test_combined_evidence_is_calibrated_on_uniform_nulls():
    rng = np.random.default_rng(7)
    values = np.array([combined(list(rng.random(8))) for _ in range(20000)])
    for cut in (0.05, 0.01, 0.002):
        assert np.mean(values < cut) <= cut * 1.15


def test_combined_evidence_takes_one_strong_p_or_many_moderate_ones():
    one_strong = [1e-6] + [0.9] * 7
    many_moderate = [0.02] * 5 + [0.5] * 3
    assert combined(one_strong) == pytest.approx(2 * 8 * 1e-6)
    fisher = stats.combine_pvalues(many_moderate, method="fisher").pvalue
    assert combined(many_moderate) == pytest.approx(2 * fisher)
    assert combined([]) is None
