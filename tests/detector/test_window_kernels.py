"""The compiled star-window side and chart series against numpy, scipy and plain loops: the mark's
share and standardisation as numpy computes them, θ by scipy's brentq, the excursion by a loop,
the whole-day widening by ``np.searchsorted``, the chart's running mean and rounding by numpy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize

from detector.consistency.kernel import (
    chart_series,
    clock_codes,
    clock_marks,
    law_statistics,
    mark_rows,
    whole_days,
    window_stretch,
)

HALF_NU = 0.25


def _excursion(z: np.ndarray, half_nu: float) -> tuple[float, int, int]:
    """max g⁺ of z without resets and its stretch (one after the last zero, to the peak)."""
    g, top, last_zero, start, end = 0.0, 0.0, -1, 0, 0
    for i, value in enumerate(z.tolist()):
        g = max(0.0, g + value - half_nu)
        if g == 0.0:
            last_zero = i
        elif g > top:
            top, start, end = g, last_zero + 1, i
    return top, start, end


@pytest.mark.parametrize("top", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_window_stretch_is_numpys_side_and_scipys_root(top, seed):
    rng = np.random.default_rng(seed)
    for n in (2, 7, 20, 61, 300, 4000):
        stars = rng.choice(np.arange(1, 6), n, p=rng.dirichlet(np.ones(5))).astype(np.int64)
        day = np.sort(rng.integers(18_000, 18_000 + max(1, n // 3), n)).astype(np.int64)
        share, theta, excursion, first, last = window_stretch(stars, top, HALF_NU, day)
        x = (stars >= 4) if top else (stars <= 2)
        expected_share = x.mean()
        assert share == expected_share
        if expected_share in (0.0, 1.0):
            assert (first, last) == (0, -1)
            continue
        sd = math.sqrt(expected_share * (1.0 - expected_share))
        z = (x - expected_share) / sd
        expected, start, end = _excursion(z, HALF_NU)
        assert excursion == expected
        assert first == np.searchsorted(day, day[start], side="left")
        assert last == np.searchsorted(day, day[end], side="right") - 1
        steps = np.array([-expected_share / sd, (1.0 - expected_share) / sd]) - HALF_NU
        weights = np.array([1.0 - expected_share, expected_share])

        def excess(t: float, steps: np.ndarray = steps, weights: np.ndarray = weights) -> float:
            with np.errstate(over="ignore"):
                return float((weights * np.exp(t * steps)).sum() - 1.0)

        root = optimize.brentq(excess, 1e-6, 1e3, xtol=1e-14)
        assert theta == pytest.approx(root, rel=1e-9)


def test_whole_days_widens_to_the_days_of_both_ends():
    day = np.array([5, 5, 6, 6, 6, 9, 10, 10], dtype=np.int64)
    for start in range(day.size):
        for end in range(start, day.size):
            found = whole_days(day, start, end)
            assert found == (
                np.searchsorted(day, day[start], side="left"),
                np.searchsorted(day, day[end], side="right") - 1,
            )


@pytest.mark.parametrize("seed", range(4))
def test_chart_series_is_numpys_running_mean_and_rounding(seed):
    rng = np.random.default_rng(seed)
    for n in (0, 1, 9, 250, 5000):
        ratings = rng.integers(1, 6, n).astype(np.float64)
        if seed == 1:  # not whole
            ratings = ratings + rng.random(n) * (rng.random(n) < 0.1)
        g_plus = rng.normal(0.0, 10.0 ** (seed - 1), n)
        g_minus = np.abs(rng.normal(0.0, 3.0, n))
        if n > 3:
            g_plus[:3] = (-0.00004, 0.00005, 0.00015)  # ties, and a −0.0 from rint
        running, up, down, whole = chart_series(ratings, g_plus, g_minus)
        expected = (np.cumsum(ratings) / np.arange(1, n + 1)).round(4)
        for found, numpy_value in ((running, expected), (up, g_plus.round(4))):
            assert found.tobytes() == numpy_value.tobytes()  # to the bit, −0.0 included
        assert down.tobytes() == g_minus.round(4).tobytes()
        assert whole == bool((ratings == np.round(ratings)).all())


def test_chart_series_calls_nan_not_whole():
    ratings = np.array([1.0, np.nan, 3.0])
    assert chart_series(ratings, np.zeros(3), np.zeros(3))[3] is False


@pytest.mark.parametrize("seed", range(4))
def test_law_statistics_are_numpys_and_scipys(seed):
    rng = np.random.default_rng(seed)
    for n in (1, 2, 30, 500):
        ratings = rng.choice(np.arange(1.0, 6.0), n, p=rng.dirichlet(np.ones(5)))
        mu0 = float(ratings.mean())
        theta_up, theta_down, g_plus, g_minus, top_up, top_down = law_statistics(ratings, mu0, 0.3)
        up, down, expected_up, expected_down = 0.0, 0.0, [], []
        for value in ratings.tolist():  # the recursions, written out
            up = max(0.0, up + (value - mu0) - 0.3)
            down = max(0.0, down - (value - mu0) - 0.3)
            expected_up.append(up)
            expected_down.append(down)
        np.testing.assert_array_equal(g_plus, expected_up)
        np.testing.assert_array_equal(g_minus, expected_down)
        assert (top_up, top_down) == (max(expected_up), max(expected_down))
        support, counts = np.unique(np.round(ratings, 3), return_counts=True)
        weights = counts / counts.sum()
        for sign, theta in ((1.0, theta_up), (-1.0, theta_down)):
            steps = sign * (support - mu0) - 0.3
            if not (steps > 0).any():
                assert theta == np.inf
                continue

            def excess(t: float, steps: np.ndarray = steps, p: np.ndarray = weights) -> float:
                with np.errstate(over="ignore"):
                    return float((p * np.exp(t * steps)).sum() - 1.0)

            root = optimize.brentq(excess, 1e-7, 1e3, xtol=1e-14)
            assert theta == pytest.approx(root, rel=1e-8)


@pytest.mark.parametrize("seed", range(4))
def test_clock_marks_are_numpys_quiet_hours_in_day_order(seed):
    rng = np.random.default_rng(seed)
    for n in (1, 20, 333, 3000):
        hours = rng.choice(24, n, p=rng.dirichlet(np.ones(24) * 0.5)).astype(np.float64)
        day = np.sort(rng.integers(0, max(1, n // (seed + 1)), n)).astype(np.int64)
        tie = rng.permutation(n)
        blocks = (hours // 4).astype(np.intp)
        counts = np.bincount(blocks)
        rarest = np.argsort(counts, kind="stable")
        quiet = np.zeros(counts.size, dtype=bool)
        quiet[rarest[np.cumsum(counts[rarest]) <= 0.5 * counts.sum()]] = True
        order = np.argsort((day - day.min()) * n + tie, kind="stable")
        expected = quiet[blocks].astype(np.float64)[order]
        np.testing.assert_array_equal(clock_marks(hours, day, tie, 4.0), expected)


def test_clock_codes_are_numpys_star_and_block_codes():
    rng = np.random.default_rng(5)
    stars = rng.integers(1, 6, 500).astype(np.int64)
    hours = rng.integers(0, 24, 500).astype(np.float64)
    hours[rng.random(500) < 0.2] = np.nan
    known = np.isfinite(hours)
    block = np.where(known, np.floor(np.where(known, hours, 0.0) / 4), 0.0)
    expected = np.where(known, 6 * (stars - 1) + block.astype(np.intp), 30)
    np.testing.assert_array_equal(clock_codes(stars, hours, 4.0, 6, 30), expected)


def test_mark_rows_are_numpys_marks():
    rng = np.random.default_rng(6)
    for n in (0, 1, 40, 700):
        verified = rng.random(n) < 0.8
        history = rng.integers(0, 4, n).astype(np.float64)
        history[rng.random(n) < 0.25] = np.nan
        rows, marking, known = mark_rows(verified, history)
        finite = np.isfinite(history)
        np.testing.assert_array_equal(rows[0], (~verified).astype(np.int8))
        np.testing.assert_array_equal(rows[1], np.where(finite, history <= 1, -1))
        assert marking.tolist() == [bool((~verified).any()), bool((finite & (history <= 1)).any())]
        assert known == np.count_nonzero(finite)
