"""The change interval recovers the planted campaign, over many seeds (as ruptures' tests do).

The simulator's ground truth gives the campaign as ``fake_index_range`` (first and last fake, in
arrival order). The interval found is the union of the change intervals in the campaign's
direction that overlap it (a single genuine review inside the campaign can split one change in two:
the statistic touches 0 there). The CUSUM's own delays bound how far it may be from the truth:

* it starts where the statistic last left 0, so within a few reviews of the first fake (before it
  when the genuine reviews just before happened to lean the same way);
* it ends at the last alarm, and after an alarm (and its reset) a run of k fakes is needed for the
  next one, k = ⌈h_d / (|fake star − μ0| − ν/2)⌉: at most k fakes are left after the interval, or
  2k where genuine reviews thin the campaign's tail and pull the statistic back.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import detector
from detector.simulate import simulate

SEEDS = range(30)
START_TOLERANCE = 10  # reviews
END_OVERSHOOT = 3  # reviews past the last fake (none seen: the statistic falls after it)
# A boost on a well-rated product barely moves the mean; on a poorly rated one it is a clear change.
CAMPAIGNS = [
    ("badmouth", "down", {}),
    ("boost", "up", {"star_mix": (0.25, 0.25, 0.25, 0.15, 0.10)}),
]


@pytest.fixture(scope="module")
def model():
    return detector.default_reference_model()


def recovered(scenario, direction, options, seed, model):
    """(product, start, end of the interval found, k) for one seed."""
    product = simulate(scenario, seed=seed, **options)
    consistency = detector.analyze(product.to_arrays(), reference=model).consistency
    first, last = product.truth.fake_index_range
    hits = [
        interval
        for interval in consistency.intervals
        if interval.direction == direction and interval.start <= last and interval.end >= first
    ]
    assert hits, f"seed {seed}: no {direction} interval overlaps the campaign {first}–{last}"
    step = abs(product.truth.fake_rating - consistency.mu0) - consistency.nu / 2
    k = math.ceil(consistency.threshold / step)
    return product, min(i.start for i in hits), max(i.end for i in hits), k


@pytest.mark.slow
@pytest.mark.parametrize(("scenario", "direction", "options"), CAMPAIGNS, ids=["1-star", "5-star"])
def test_the_interval_starts_and_ends_where_the_campaign_does(model, scenario, direction, options):
    tight = 0
    for seed in SEEDS:
        product, start, end, k = recovered(scenario, direction, options, seed, model)
        first, last = product.truth.fake_index_range
        assert abs(start - first) <= START_TOLERANCE, f"seed {seed}: starts {start}, fakes {first}"
        assert end <= last + END_OVERSHOOT, f"seed {seed}: ends {end}, last fake {last}"
        left = int(np.count_nonzero(product.columns.is_fake[end + 1 :]))
        assert left <= 2 * k, f"seed {seed}: {left} fakes after the interval, k = {k}"
        tight += left <= k
    assert tight >= len(SEEDS) - 2, f"only {tight} of {len(SEEDS)} seeds end within k fakes"
