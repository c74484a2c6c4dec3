import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import expit, logit
from scipy.stats import mannwhitneyu

from detector.reviewers.campaign import (
    CENTRE_BIN,
    campaign_cells,
    campaign_posterior,
    side_log_ratio,
)
from detector.reviewers.mixture import N_BINS, MixtureFit
from detector.reviewers.suspicion import reviewer_scores

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))


def test_the_em_reaches_the_fixed_point_of_each_cell_solved_directly():
    rng = np.random.default_rng(1)
    log_ratio = rng.normal(-1.0, 2.0, 300)
    cell = rng.integers(0, 3, 300)
    prior, k = 0.04, 20.0
    _, share = campaign_posterior(log_ratio, cell, 3, prior, pseudo_reviews=k, tol=1e-12)
    for c in range(3):
        lam = log_ratio[cell == c]

        def equation(pi: float, lam: np.ndarray = lam) -> float:
            return (k * prior + expit(lam + logit(pi)).sum()) / (k + lam.size) - pi

        assert share[c] == pytest.approx(brentq(equation, 1e-9, 1 - 1e-9), abs=1e-9)


def test_a_campaign_raises_its_own_reviews_and_leaves_established_ones_and_other_products():
    # product 0's upper side: 30 reviews with Λ = 10 (short history, unverified) among 70 with
    # Λ = 0.1; product 1 the same 70 and only 3 such reviews
    lam = np.log(
        np.concatenate([np.full(30, 10.0), np.full(70, 0.1), np.full(3, 10.0), np.full(70, 0.1)])
    )
    cell = np.array([2] * 100 + [5] * 73)
    posterior, share = campaign_posterior(lam, cell, 6, 0.03)
    assert 0.15 < share[2] < 0.3 and share[5] < 0.06  # 30% planted, shrunk towards 3%
    assert posterior[:30].min() > 0.65  # the campaign's reviews (0.25 at the graph's share)
    assert posterior[100:103].max() < 0.4  # the same evidence on a product without a campaign
    assert posterior[30:100].max() < 0.05  # established reviewers stay low under the high prior
    assert share[[0, 1, 3, 4]] == pytest.approx(0.03)  # empty cells keep the graph's share


def test_the_side_ratio_is_each_side_share_of_the_suspect_table_against_the_honest_one():
    honest = np.full(N_BINS, 1.0 / N_BINS)
    suspect = np.zeros(N_BINS)
    suspect[:CENTRE_BIN] = 0.6 / CENTRE_BIN
    suspect[CENTRE_BIN] = 0.1
    suspect[CENTRE_BIN + 1 :] = 0.3 / (N_BINS - CENTRE_BIN - 1)
    fit = MixtureFit(np.array([0.95, 0.05]), np.vstack([honest, suspect]))
    below, within, above = CENTRE_BIN / N_BINS, 1 / N_BINS, (N_BINS - CENTRE_BIN - 1) / N_BINS
    np.testing.assert_allclose(
        side_log_ratio(fit), np.log([0.6 / below, 0.1 / within, 0.3 / above])
    )
    cells = campaign_cells(np.array([0, 0, 0, 4]), np.array([-1.0, 0.1, 0.8, 3.0]))
    assert cells.tolist() == [0, 1, 2, 14]


def test_on_a_planted_market_the_campaign_prior_ranks_fakes_better_than_the_reviewer_posterior():
    from eval_reviewers_adjusted import simulate_market

    market = simulate_market(11, n_products=120)
    with_campaign = reviewer_scores(market.graph).review_suspicion
    without = reviewer_scores(market.graph, campaign=False).review_suspicion

    def auc(score: np.ndarray) -> float:
        fake, real = score[market.fake], score[~market.fake]
        return float(mannwhitneyu(fake, real).statistic / (fake.size * real.size))

    assert auc(with_campaign) > auc(without)
    assert auc(with_campaign) > 0.95
