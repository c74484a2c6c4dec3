"""The star window's calendar (``kernel.calendar_arrays`` behind ``_Calendar.of``) against the
same quantities computed with numpy: bincount, cumulative sums and the within-week χ² of the
Poisson model with a level per 7-day block and one weekend-to-weekday ratio."""

from __future__ import annotations

import numpy as np
import pytest

from detector.consistency.star_window import _Calendar


def _prefix(values):
    return np.concatenate([[0.0], np.cumsum(values)])


def _dispersion(counts, weekend):
    """φ of the star window's docstring, with numpy (the definition)."""
    blocks = counts.size // 7
    if blocks == 0:
        mean = counts.mean()
        return max(1.0, counts.var() / mean) if mean > 0 else 1.0
    c = counts[: 7 * blocks].reshape(blocks, 7)
    end = weekend[: 7 * blocks].reshape(blocks, 7)
    rate = np.where(end, c[end].sum() / end.sum(), c[~end].sum() / (~end).sum())
    totals = c.sum(axis=1)
    used = totals > 0
    expected = totals[used, None] * rate[used] / rate[used].sum(axis=1, keepdims=True)
    cells = expected > 0
    residual = (c[used] - expected)[cells]
    chi2 = (residual * residual / expected[cells]).sum()
    df = 6 * int(used.sum()) - 1
    return max(1.0, chi2 / df) if df > 0 else 1.0


@pytest.mark.parametrize("seed", range(8))
def test_the_calendar_is_numpys(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    span = [3, 7, 13, 60, 400, 1500, 5, 200][seed]
    day = np.sort(rng.integers(19_000, 19_000 + span, n))
    if seed == 7:  # one busy day among quiet ones: overdispersed
        day = np.sort(np.concatenate([day, np.full(300, day[0] + 40)]))
    calendar = _Calendar.of(day)
    origin = int(day.min())
    counts = np.bincount(day - origin).astype(np.float64)
    weekend = (np.arange(counts.size) + origin + 3) % 7 >= 5
    assert calendar.origin == origin
    np.testing.assert_array_equal(calendar.weekend_reviews, _prefix(counts * weekend))
    np.testing.assert_array_equal(calendar.weekday_reviews, _prefix(counts * ~weekend))
    np.testing.assert_array_equal(calendar.weekend_days, _prefix(weekend.astype(float)))
    assert calendar.dispersion == pytest.approx(_dispersion(counts, weekend), rel=1e-12)
    if seed == 7:
        assert calendar.dispersion > 5


def test_a_calendar_of_one_day_and_of_one_review():
    for day in (np.full(30, 19_500), np.array([19_500])):
        calendar = _Calendar.of(day)
        assert calendar.dispersion == 1.0
        assert calendar.weekend_days.tolist() == [0.0, 0.0]  # 19,500 is a Tuesday
