"""The reviewer evidence's compiled weight passes against the numpy expressions they replace.

``gated_weights`` (``detector.reviewers.adjusted``) against clip / mean of booleans / 1 − g(1 − w)
written out in numpy; ``_critics_kept`` and ``_sandwich_sum`` (``detector.reviewers.evidence``)
against the boolean mask, ``ndarray.sum``, ``np.count_nonzero`` and ``np.sum(w**2 * (r − m)**2)``;
all compared bit for bit (``assert_array_equal`` on doubles, ``==`` on the sums)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import fisher_exact

from detector.reviewers.adjusted import _clip, gate_share, gated_weights
from detector.reviewers.evidence import (
    SUSPICION_LOW,
    _critics_kept,
    _sandwich_sum,
    fisher_greater,
)


def _numpy_gate(own: float, n: int, base: float) -> float:
    """The z gate as numpy wrote it before (np.clip and np.sqrt on scalars)."""
    base = float(np.clip(base, 1e-3, 1 - 1e-3))
    z = (own - base) * np.sqrt(n / (base * (1 - base)))
    return float(np.clip((z - 1.0) / 2.0, 0, 1))


@pytest.mark.parametrize("seed", range(6))
def test_gated_weights_are_numpys(seed):
    rng = np.random.default_rng(seed)
    for n in (1, 2, 7, 8, 9, 130, 1000, 4099):
        suspicion = rng.random(n) ** rng.uniform(0.3, 3)
        suspicion[rng.random(n) < 0.05] = 1.0
        suspicion[rng.random(n) < 0.05] = 0.0
        suspicion[rng.random(n) < 0.02] = -0.25  # outside [0, 1]: clipped
        suspicion[rng.random(n) < 0.02] = 1.5
        suspicion[rng.random(n) < 0.02] = np.nan
        base = float(rng.uniform(0.0, 0.4))
        low, high = (0.0, 1.0) if seed % 2 else (0.7, 0.85)
        clipped = np.clip((high - suspicion) / (high - low), 0.0, 1.0)
        own = float(np.mean(clipped < 0.5))
        opened = _numpy_gate(own, n, base)
        expected = 1.0 - opened * (1.0 - clipped)
        weights, share = gated_weights(suspicion, base_suspect_share=base, low=low, high=high)
        assert share == own
        np.testing.assert_array_equal(weights, expected)
        assert np.signbit(weights).tolist() == np.signbit(expected).tolist()


def test_gated_weights_pass_nan_through_and_all_suspect_without_prior():
    suspicion = np.array([0.2, np.nan, 0.9])
    weights, _ = gated_weights(suspicion, base_suspect_share=0.1)
    opened = _numpy_gate(float(np.mean(np.clip(1.0 - suspicion, 0, 1) < 0.5)), 3, 0.1)
    expected = 1.0 - opened * (1.0 - np.clip(1.0 - suspicion, 0.0, 1.0))
    np.testing.assert_array_equal(weights, expected)  # NaN where NaN
    assert math.isnan(weights[1])
    weights, share = gated_weights(np.ones(4), base_suspect_share=0.1, prior_reviews=0)
    np.testing.assert_array_equal(weights, np.ones(4))
    assert share == 0.0


@pytest.mark.parametrize(
    "value", [-1.0, -0.0, 0.0, 1e-300, 0.3, 1.0, 1.0000000000000002, 7.0, math.nan, math.inf]
)
def test_scalar_clip_is_numpys(value):
    for low, high in ((0.0, 1.0), (1e-3, 1 - 1e-3)):
        expected = float(np.clip(value, low, high))
        found = _clip(value, low, high)
        assert (math.isnan(found) and math.isnan(expected)) or (
            found == expected and math.copysign(1, found) == math.copysign(1, expected)
        )


def test_gate_share_is_numpys():
    rng = np.random.default_rng(5)
    for _ in range(2000):
        n = int(rng.integers(1, 5000))
        own, base = float(rng.random()), float(rng.choice([0.0, 1.0, rng.random() * 0.3]))
        assert gate_share(own, n, base) == _numpy_gate(own, n, base)
        ratio = float(np.clip((own - base) / max(base, 1e-9), 0, 1))
        assert gate_share(own, n, base, "ratio") == ratio


@pytest.mark.parametrize("seed", range(6))
def test_critics_kept_and_sandwich_sum_are_numpys(seed):
    rng = np.random.default_rng(seed)
    for n in (1, 2, 7, 8, 9, 64, 129, 1000, 4099):
        ratings = rng.integers(1, 6, n).astype(np.int64)
        history = rng.integers(0, 5, n).astype(np.float64)
        history[rng.random(n) < 0.2] = np.nan
        suspicion = rng.random(n)
        suspicion[rng.random(n) < 0.05] = np.nan
        weights = rng.random(n)
        weights[rng.random(n) < 0.1] = 0.0
        has_scores = seed % 2 == 0
        established = history >= 2
        if has_scores:
            established &= suspicion < SUSPICION_LOW
        expected = weights.copy()
        expected[established & (ratings <= 2)] = 1.0
        found = weights.copy()
        total, nonzero, below = _critics_kept(found, ratings, history, suspicion, has_scores)
        np.testing.assert_array_equal(found, expected)
        assert total == float(expected.sum())
        assert nonzero == int(np.count_nonzero(expected))
        assert below == int(np.count_nonzero(expected < 0.5))
        stars = ratings.astype(np.float64)
        mean = float(np.dot(expected, stars) / total)
        assert _sandwich_sum(expected, stars, mean) == float(
            np.sum(expected**2 * (stars - mean) ** 2)
        )


def test_fisher_greater_still_matches_scipy_at_the_clip():
    for table in ((3, 10, 0, 40), (10, 10, 0, 40), (1, 2, 30, 31), (5, 6, 1, 400)):
        a, n_group, b, n_rest = table
        expected = fisher_exact([[a, n_group - a], [b, n_rest - b]], alternative="greater").pvalue
        assert fisher_greater(*table) == pytest.approx(expected, rel=1e-12, abs=0)
