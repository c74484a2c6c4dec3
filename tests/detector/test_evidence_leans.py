"""The star-group leans and the combined evidence E (issue 13), against independent references:
the Wald log-odds-ratio test recomputed with statsmodels and scipy, planted nulls, planted leans,
planted honest laws for the reference-calibrated margins."""

import numpy as np
import pytest
from scipy import stats

from detector.direction import combined
from detector.leans import (
    HISTORY_MARGIN,
    MARGIN_FLOOR,
    SPREAD_FLOOR,
    UNVERIFIED_MARGIN,
    LeanCalibration,
    LeanMargin,
    LeanStatistic,
    lean_p_values,
    lean_statistics,
    robust_margin,
)


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


def test_the_joint_lean_counts_reviews_that_are_new_and_unverified():
    ratings = np.array([5] * 100 + [4] * 60)
    history = np.full(160, 10.0)
    verified = np.ones(160, dtype=bool)
    history[:20], verified[:30] = 1, False  # 20 of 100 five-star both new and unverified
    history[100:103], verified[100:110] = 0, False  # 3 of 60 others both
    found = lean_p_values(ratings, history=history, verified=verified)
    assert found["new_unverified_5star"] == pytest.approx(
        _table_p(20, 80, 3, 57, UNVERIFIED_MARGIN)
    )


def test_a_margin_p_is_the_normal_tail_with_both_spreads():
    margin = LeanMargin(location=0.2, spread=0.3)
    statistic = LeanStatistic(log_odds=1.1, se=0.4)
    assert margin.p(statistic) == pytest.approx(stats.norm.sf(1.1, loc=0.2, scale=0.5))


def _planted(rng, n_products, location, spread):
    se = rng.uniform(0.08, 0.6, n_products)
    theta = rng.normal(location, spread, n_products)
    return rng.normal(theta, se), se


def test_the_robust_margin_recovers_a_planted_honest_law():
    rng = np.random.default_rng(4)
    y, se = _planted(rng, 2000, 0.5, 0.25)
    location, spread = robust_margin(y, se)
    assert location == pytest.approx(0.5, abs=0.04)
    assert spread == pytest.approx(0.25, abs=0.05)


def test_the_robust_margin_moves_little_when_some_products_lean():
    """The fit runs on the members the reference's fixed point kept, where few campaigns remain:
    15% leaning products move the location by under 0.1 (the plain mean moves by 0.2)."""
    rng = np.random.default_rng(5)
    y, se = _planted(rng, 600, 0.3, 0.2)
    y[:90] += rng.uniform(0.8, 2.0, 90)  # campaigns raise the odds ratio
    location, spread = robust_margin(y, se)
    assert location == pytest.approx(0.3, abs=0.1)
    assert spread == pytest.approx(0.2, abs=0.1)
    assert np.mean(y) - 0.3 > 0.18


def test_the_floors_hold_where_honest_products_show_no_lean():
    rng = np.random.default_rng(6)
    y, se = _planted(rng, 500, 0.0, 0.0)
    location, spread = robust_margin(y, se)
    assert location == pytest.approx(np.log(MARGIN_FLOOR))
    assert SPREAD_FLOOR <= spread <= 0.12  # the true spread is 0; its estimate is noisy


def _product(rng, n, odds_ratio):
    """Honest reviews whose 5-star group draws one-review accounts ``odds_ratio`` times as often."""
    ratings = rng.choice(np.arange(1, 6), size=n, p=[0.08, 0.04, 0.08, 0.2, 0.6])
    base = 0.15
    odds = np.where(ratings == 5, odds_ratio * base / (1 - base), base / (1 - base))
    history = np.where(rng.random(n) < odds / (1 + odds), 1.0, 8.0)
    verified = rng.random(n) < 0.88
    return ratings, history, verified


def test_calibrated_leans_hold_their_rate_where_honest_products_lean():
    """Honest products on which one-review accounts give 5 stars 1.6 times as often (more than
    the fixed margin): the fixed margin alarms on large ones, the calibrated one holds."""
    rng = np.random.default_rng(8)
    reference = [_statistics(_product(rng, int(rng.integers(50, 3000)), 1.6)) for _ in range(300)]
    calibration = LeanCalibration.fit(reference)
    fixed = calibrated = 0
    for _ in range(300):
        ratings, history, verified = _product(rng, int(rng.integers(50, 3000)), 1.6)
        kwargs = {"history": history, "verified": verified}
        fixed += lean_p_values(ratings, **kwargs)["reviewer_history"] < 0.01
        calibrated += (
            lean_p_values(ratings, **kwargs, calibration=calibration)["reviewer_history"] < 0.01
        )
    assert fixed / 300 > 0.1
    assert calibrated / 300 <= 0.02


def _statistics(product):
    ratings, history, verified = product
    return lean_statistics(ratings, history=history, verified=verified)


def test_a_lean_calibration_round_trips_through_json():
    calibration = LeanCalibration({"history_5": LeanMargin(0.2, 0.1, 40)})
    assert LeanCalibration.from_dict(calibration.to_dict()) == calibration
    assert calibration.margin("unverified_5").location == pytest.approx(np.log(UNVERIFIED_MARGIN))


def _statistics_by_masks(ratings, history, verified):
    """Each side's table from boolean masks, one side at a time (the definition in
    ``lean_statistics``' docstring), counted with ``np.count_nonzero`` and passed to
    ``table_log_odds_ratio``."""
    from detector.leans import LEAN_MIN_REVIEWS, table_log_odds_ratio

    found = {}

    def put(side, group, marked):
        if group.any() and not group.all():
            found[side] = table_log_odds_ratio(
                int(group.size),
                int(np.count_nonzero(group)),
                int(np.count_nonzero(marked & group)),
                int(np.count_nonzero(marked)),
            )

    known = np.isfinite(history)
    one = known & (np.nan_to_num(history, nan=99.0) <= 1)
    if known.sum() >= LEAN_MIN_REVIEWS:
        for level in (5, 1):
            put(f"history_{level}", ratings[known] == level, one[known])
    if verified is not None and verified.size >= LEAN_MIN_REVIEWS:
        put("unverified_5", ratings == 5, ~verified)
        if known.sum() >= LEAN_MIN_REVIEWS:
            put("new_unverified_5", ratings[known] == 5, (~verified & one)[known])
            for level in (5, 1):
                inside = known & (ratings == level)
                if inside.sum() >= LEAN_MIN_REVIEWS:
                    put(f"together_{level}", ~verified[inside], one[inside])
    return found


@pytest.mark.parametrize("seed", range(6))
def test_the_one_pass_tables_give_the_statistics_of_the_masks(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(15, 400))
    ratings = np.where(rng.random(n) < 0.6, 5, rng.integers(1, 6, n))
    history = np.where(rng.random(n) < 0.3, 1.0, rng.integers(0, 40, n).astype(float))
    history[rng.random(n) < 0.25 * (seed % 3)] = np.nan
    verified = None if seed == 5 else rng.random(n) < 0.8
    expected = _statistics_by_masks(ratings, history, verified)
    assert lean_statistics(ratings, history=history, verified=verified) == expected
