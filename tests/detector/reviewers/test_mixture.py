"""The suspicion mixture: collapsed patterns give the per-reviewer E step, stored tables round-trip,
the EM stops at a fixed point, and equal reviewers get equal posteriors."""

import sys
from pathlib import Path

import numpy as np
import pytest

from detector.reviewers.mixture import (
    MixtureFit,
    _class_responsibilities,
    _m_step,
    _unique_rows,
    feature_bins,
    fit_mixture,
    mixture_posterior,
    mixture_without_review,
    residual_bins,
    reviewer_patterns,
)
from detector.reviewers.suspicion import reviewer_scores

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))


@pytest.fixture(scope="module")
def scored():
    from eval_reviewers_adjusted import simulate_market

    market = simulate_market(7, n_products=60)
    return market, reviewer_scores(market.graph)


def _bins(graph, scores):
    f = scores.features
    return feature_bins(f.reviews, f.burstiness, f.verified_share, True)


def test_the_collapsed_em_posterior_is_the_per_reviewer_e_step(scored):
    market, scores = scored
    graph, mixture = market.graph, scores.mixture
    direct = mixture_posterior(
        mixture,
        graph.reviewer,
        scores.features.review_deviation,
        _bins(graph, scores),
        graph.n_reviewers,
    )
    np.testing.assert_allclose(direct, scores.reviewer_suspicion, atol=1e-12)
    again = mixture_posterior(
        MixtureFit.from_dict(mixture.to_dict()),
        graph.reviewer,
        scores.features.review_deviation,
        _bins(graph, scores),
        graph.n_reviewers,
    )
    np.testing.assert_allclose(again, direct, atol=1e-12)


def test_em_stops_at_a_fixed_point_of_its_own_m_step(scored):
    market, scores = scored
    graph = market.graph
    residual, bins = scores.features.review_deviation, _bins(graph, scores)
    suspicion, fit = fit_mixture(graph.reviewer, residual, bins, scores.reviewer_suspicion)
    patterns = reviewer_patterns(graph.reviewer, residual_bins(residual), graph.n_reviewers, bins)
    s = np.bincount(patterns.inverse, suspicion, patterns.weight.size) / patterns.weight
    mass = np.column_stack([patterns.weight * (1 - s), patterns.weight * s])
    sums = np.vstack([mass[:, c] @ _indicator(patterns) for c in range(2)])
    table, _, prior = _m_step(patterns, sums, mass.sum(axis=0), bins, False)
    np.testing.assert_allclose(table, fit.residual_table, atol=1e-4)
    np.testing.assert_allclose(prior, fit.class_prior, atol=1e-4)


def _indicator(patterns):
    """(P, columns): residual-bin counts, then each feature one-hot (independent of the kernel)."""
    width = max(s.stop for s in patterns.columns.values())
    out = np.zeros((patterns.weight.size, width))
    out[:, : patterns.counts.shape[1]] = patterns.counts
    for j in range(patterns.cells.shape[1]):
        out[np.arange(patterns.weight.size), patterns.cells[:, j]] += 1
    return out


def test_reviewers_with_equal_histories_get_equal_posteriors_and_leaving_a_review_out_works(scored):
    market, scores = scored
    graph = market.graph
    patterns = reviewer_patterns(
        graph.reviewer,
        residual_bins(scores.features.review_deviation),
        graph.n_reviewers,
        _bins(graph, scores),
    )
    assert patterns.weight.sum() == graph.n_reviewers and patterns.weight.size < graph.n_reviewers
    for p in np.flatnonzero(patterns.weight > 1)[:20]:
        members = scores.reviewer_suspicion[patterns.inverse == p]
        assert np.ptp(members) < 1e-12
    others = mixture_without_review(
        scores.mixture, graph.reviewer, scores.features.review_deviation
    )
    one = graph.reviews_per_reviewer()[graph.reviewer] == 1
    # a one-review account without its one review is judged by its features and the prior only:
    # equal features, equal score, whatever the rating
    codes = {name: c[graph.reviewer] for name, (c, _) in _bins(graph, scores).items()}
    key = sum(codes[name] * 10**j for j, name in enumerate(sorted(codes)))
    for value in np.unique(key[one]):
        assert np.ptp(others[one & (key == value)]) < 1e-12
    assert others.min() >= 0 and others.max() <= 1


def test_directional_classes_split_boosters_from_bad_mouthers(scored):
    market, _ = scored
    graph = market.graph
    scores = reviewer_scores(graph, directional=True)
    assert scores.mixture.class_prior.size == 3
    responsibility = _class_responsibilities(scores.mixture.log_odds)  # (reviewers, B and D)
    boost = np.unique(graph.reviewer[market.fake & (graph.rating == 5)])
    bad = np.unique(graph.reviewer[market.fake & (graph.rating == 1)])
    boost, bad = np.setdiff1d(boost, bad), np.setdiff1d(bad, boost)
    assert np.mean(responsibility[boost, 0] > responsibility[boost, 1]) > 0.6
    assert np.mean(responsibility[bad, 1] > responsibility[bad, 0]) > 0.6
    assert np.median(scores.reviewer_suspicion[boost]) > 0.5


@pytest.mark.parametrize(
    ("rows", "high"),
    [
        (5000, [4, 3, 2]),
        (300, [50, 40, 30, 20]),
        (900, [2**40, 3, 2**15]),
        (2000, [2**40, 3, 2**30]),
    ],
)
def test_unique_rows_is_numpys_unique_whatever_the_key_space(rows, high):
    """Small key spaces go through a bincount, large ones through a sort, 2^62+ through
    np.unique(axis=0): the same distinct rows, inverse and counts as numpy's in every case."""
    rng = np.random.default_rng(len(high))
    matrix = np.stack([rng.integers(0, h, rows) for h in high], axis=1).astype(np.int64)
    unique, inverse, weight = _unique_rows(matrix)
    expected, expected_inverse, expected_weight = np.unique(
        matrix, axis=0, return_inverse=True, return_counts=True
    )
    np.testing.assert_array_equal(unique, expected)
    np.testing.assert_array_equal(inverse, expected_inverse.reshape(-1))
    np.testing.assert_array_equal(weight, expected_weight)


@pytest.mark.parametrize(
    ("reviewers", "reviews", "grouped"), [(400, 3000, False), (50, 4000, True)]
)
def test_patterns_without_the_matrix_are_numpys_unique_rows(reviewers, reviews, grouped):
    """The keys accumulated rating by rating give what np.unique(axis=0) gives on the matrix
    [bin counts per reviewer | feature codes] they replace (some reviewers without ratings)."""
    from detector.reviewers.mixture import N_BINS

    rng = np.random.default_rng(reviewers)
    reviewer = rng.integers(0, reviewers - 5, reviews)
    if grouped:
        reviewer = np.sort(reviewer)
    bins = rng.integers(0, N_BINS, reviews).astype(np.int8)
    features = {"b": (rng.integers(0, 3, reviewers), 3), "a": (rng.integers(0, 5, reviewers), 5)}
    patterns = reviewer_patterns(reviewer, bins, reviewers, features)
    matrix = np.zeros((reviewers, N_BINS + 2), dtype=np.int64)
    np.add.at(matrix, (reviewer, bins.astype(np.int64)), 1)
    matrix[:, N_BINS], matrix[:, N_BINS + 1] = features["a"][0], features["b"][0]
    unique, inverse, weight = np.unique(matrix, axis=0, return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(patterns.counts, unique[:, :N_BINS].astype(np.float64))
    np.testing.assert_array_equal(patterns.codes["a"], unique[:, N_BINS])
    np.testing.assert_array_equal(patterns.codes["b"], unique[:, N_BINS + 1])
    np.testing.assert_array_equal(patterns.inverse, inverse.reshape(-1))
    np.testing.assert_array_equal(patterns.weight, weight.astype(np.float64))
