"""The posting clock in the feature-in-time scan (issue 13): planted nulls, planted campaigns."""

import numpy as np
import pytest

from detector.consistency.feature_scan import clock_sequence, feature_scan_p, scan_p

START = np.datetime64("2021-01-04T00:00:00", "s")


def _honest(rng, days=400, rate=2.0):
    """Bursty daily counts (gamma-Poisson), each review at an evening-peaked hour drawn
    independently of its day, sorted by time as ``prepare_reviews`` sorts them."""
    counts = rng.poisson(rate * rng.gamma(0.5, 2.0, days))
    day = np.repeat(np.arange(days), counts)
    hours = np.mod(np.round(rng.normal(20, 3.5, day.size)), 24)
    return _sorted(day, hours, rng)


def _sorted(day, hours, rng):
    seconds = day * 86400 + hours * 3600 + rng.integers(0, 3600, day.size)
    order = np.argsort(seconds, kind="stable")
    posted = START + seconds[order].astype("timedelta64[s]")
    return posted, hours[order].astype(np.float64)


@pytest.mark.parametrize("rate", [2.0, 8.0])
def test_the_clock_holds_its_rate_on_honest_products(rate):
    rng = np.random.default_rng(3)
    p = []
    for _ in range(300):
        posted, hours = _honest(rng, rate=rate)
        p.append(feature_scan_p(clock_sequence(hours, posted)))
    assert np.mean(np.array(p) < 0.01) <= 0.02


def test_in_arrival_order_the_same_clock_alarms_on_honest_products():
    """Why the clock is scanned in day order: sorted within a day, hours are autocorrelated."""
    rng = np.random.default_rng(3)
    alarms = 0
    for _ in range(100):
        _, hours = _honest(rng, rate=8.0)
        blocks, counts = np.unique(np.floor(hours / 4), return_counts=True)
        rarest = np.argsort(counts, kind="stable")
        quiet = blocks[rarest[np.cumsum(counts[rarest]) <= counts.sum() / 2]]
        arrival = np.isin(np.floor(hours / 4), quiet).astype(float)
        alarms += feature_scan_p(arrival) < 0.01
    assert alarms / 100 > 0.2


def test_two_months_posted_at_office_hours_are_found():
    rng = np.random.default_rng(11)
    posted, hours = _honest(rng)
    day = (posted - START).astype("timedelta64[D]").astype(np.int64)
    campaign_day = np.repeat(np.arange(200, 260), 2)  # two a day for two months
    campaign_hours = rng.integers(8, 17, campaign_day.size).astype(np.float64)
    all_day = np.concatenate([day, campaign_day])
    all_hours = np.concatenate([hours, campaign_hours])
    posted, hours = _sorted(all_day, all_hours, rng)
    assert feature_scan_p(clock_sequence(hours, posted)) < 1e-3


def test_the_clock_joins_the_scan_only_with_days():
    rng = np.random.default_rng(5)
    posted, hours = _honest(rng)
    features = {"hour_of_day": hours}
    assert scan_p(features) == (None, {})
    p, found = scan_p(features, posted)
    assert set(found) == {"hour_of_day"}
    assert p == min(1.0, 2.0 * found["hour_of_day"])
