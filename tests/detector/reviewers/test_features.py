"""Reviewer features against their definitions, one review at a time (no shared sums), and the
whole fit's independence of the row order (the passes run on rows grouped by reviewer)."""

import numpy as np
import pytest

from detector.reviewers.features import reviewer_features
from detector.reviewers.graph import review_graph_from_codes
from detector.reviewers.mixture import RESIDUAL_EDGES
from detector.reviewers.suspicion import reviewer_scores

DAY = 86_400_000


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(7)
    n = 240
    reviewer = rng.integers(0, 50, n)
    reviewer[:3] = [49, 48, 47]  # a few one-review accounts at least
    product = rng.integers(0, 12, n)
    rating = rng.integers(1, 6, n).astype(float)
    times = rng.integers(0, 20 * DAY, n)
    verified = rng.random(n) < 0.7
    graph = review_graph_from_codes(
        reviewer=reviewer, product=product, rating=rating, timestamp_ms=times, verified=verified
    )
    weight = rng.uniform(0.2, 3.0, graph.n_reviewers)
    mass = rng.uniform(0.1, 1.0, graph.n_reviewers)
    return graph, weight, mass


def _expected(graph, weight, mass, mu, lam, shape):
    """Per review: the leave-one-out quality, the residual and ẽ straight from the formulas."""
    n = graph.n_reviews
    rows = np.arange(n)
    w, m = weight[graph.reviewer], mass[graph.reviewer]
    pooled_num = pooled_den = 0.0
    for i in np.unique(graph.product):
        own = graph.product == i
        centre = np.dot(w[own], graph.rating[own]) / w[own].sum()
        pooled_num += m[own].sum()
        pooled_den += np.dot(w[own], (graph.rating[own] - centre) ** 2)
    pooled = pooled_num / pooled_den
    residual, scaled = np.empty(n), np.empty(n)
    for k in range(n):
        others = (graph.product == graph.product[k]) & (rows != k)
        x = (lam * mu + np.dot(w[others], graph.rating[others])) / (lam + w[others].sum())
        squares = np.dot(w[others], (graph.rating[others] - x) ** 2)
        beta = (shape + 0.5 * m[others].sum()) / (shape / pooled + 0.5 * squares)
        residual[k] = graph.rating[k] - x
        scaled[k] = residual[k] * np.sqrt(beta / pooled)
    return residual, scaled


def test_the_per_review_residuals_and_bins_follow_their_definitions(small):
    graph, weight, mass = small
    got = reviewer_features(
        graph, weight=weight, prior_mean=3.1, prior_precision=1.5, mass=mass, spread_shape=2.5
    )
    residual, scaled = _expected(graph, weight, mass, 3.1, 1.5, 2.5)
    np.testing.assert_allclose(got.review_residual, residual, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got.review_deviation, scaled, rtol=1e-12, atol=1e-12)
    assert got.review_bins is not None
    assert got.review_bins.tolist() == np.digitize(scaled, RESIDUAL_EDGES).tolist()
    counts = np.bincount(graph.reviewer, minlength=graph.n_reviewers)
    deviation = [np.abs(scaled[graph.reviewer == u]).mean() for u in range(graph.n_reviewers)]
    np.testing.assert_allclose(got.deviation[counts > 0], np.array(deviation)[counts > 0])
    plain = reviewer_features(
        graph, weight=weight, prior_mean=3.1, prior_precision=1.5, standardise=False
    )
    np.testing.assert_allclose(plain.review_deviation, residual, rtol=1e-12, atol=1e-12)


def test_the_history_features_follow_their_definitions(small):
    graph, weight, _ = small
    got = reviewer_features(graph, weight=weight, prior_mean=3.0, window_ms=DAY)
    for u in range(graph.n_reviewers):
        own = np.flatnonzero(graph.reviewer == u)
        assert got.reviews[u] == own.size
        if own.size == 0:
            continue
        times = graph.timestamp_ms[own]
        gaps = np.abs(times[:, None] - times[None, :]) <= DAY
        np.fill_diagonal(gaps, False)
        assert got.burstiness[u] == pytest.approx(gaps.any(axis=1).mean())
        stars = graph.rating[own]
        assert got.extremity[u] == pytest.approx(np.isin(stars, [1, 5]).mean())
        assert got.verified_share[u] == pytest.approx(graph.verified[own].mean())
        deviations = []
        for k in own:
            others = (graph.product == graph.product[k]) & (np.arange(graph.n_reviews) != k)
            if others.any():
                deviations.append(abs(graph.rating[k] - graph.rating[others].mean()))
        if deviations:
            assert got.deviation_from_mean[u] == pytest.approx(np.mean(deviations))
        else:
            assert np.isnan(got.deviation_from_mean[u])
    assert got.one_review.tolist() == (got.history <= 1).tolist()


@pytest.mark.parametrize("options", [{}, {"directional": True}, {"scale": "rank"}])
def test_the_fit_does_not_depend_on_the_row_order(small, options):
    graph, _, _ = small
    shuffle = np.random.default_rng(3).permutation(graph.n_reviews)
    shuffled = review_graph_from_codes(
        reviewer=graph.reviewer[shuffle],
        product=graph.product[shuffle],
        rating=graph.rating[shuffle],
        timestamp_ms=graph.timestamp_ms[shuffle],
        verified=graph.verified[shuffle],
    )
    a, b = reviewer_scores(graph, **options), reviewer_scores(shuffled, **options)
    np.testing.assert_allclose(b.reviewer_suspicion, a.reviewer_suspicion, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        b.review_suspicion, a.review_suspicion[shuffle], rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(
        b.features.review_residual, a.features.review_residual[shuffle], rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(b.reliability.alpha, a.reliability.alpha, rtol=1e-9)
    if a.review_suspicion_others is not None:
        np.testing.assert_allclose(
            b.review_suspicion_others, a.review_suspicion_others[shuffle], rtol=1e-9, atol=1e-12
        )
