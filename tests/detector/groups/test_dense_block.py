"""The dense-block baseline (detector.groups.dense_block): its density is CrossSpot's Poisson
log-likelihood ratio, and on a planted market it proposes blocks the judge accepts (it used to
return none: the arithmetic average mass made the densest block a years-long slab of busy
reviewers)."""

import math

import numpy as np
import pytest
from scipy import stats

from detector.groups import GroupParams, find_groups, review_events
from detector.groups.dense_block import suspiciousness
from detector.simulate.groups import GroupScenario, simulate_groups


@pytest.mark.parametrize(
    ("mass", "sizes", "region_mass", "region_sizes"),
    [(40, [1, 8, 5, 1, 6], 5000, [50, 3000, 400, 5, 40]), (3, [2, 2, 2, 2, 2], 90, [9] * 5)],
)
def test_suspiciousness_is_the_poisson_likelihood_ratio(mass, sizes, region_mass, region_sizes):  # type: ignore[no-untyped-def]
    """ρ = log P(M_B | Poisson(M_B)) − log P(M_B | Poisson(λ)) + the Stirling-free terms, i.e.
    the log-likelihood ratio of the block's mass at its own rate against the region's rate
    λ = M_R · Π |B_n|/|R_n| (scipy's Poisson pmf; the log M_B! terms cancel)."""
    expected = region_mass * math.prod(b / r for b, r in zip(sizes, region_sizes, strict=True))
    ratio = stats.poisson.logpmf(mass, mass) - stats.poisson.logpmf(mass, expected)
    assert suspiciousness(mass, sizes, region_mass, region_sizes) == pytest.approx(ratio)


@pytest.mark.slow
def test_the_peel_finds_planted_campaigns() -> None:
    scenario = GroupScenario(
        sellers=150, honest_reviewers=8000, campaigns=5, agencies=2, fan_brands=6, orders=800,
        deal_hunters=80, deal_products=60,
    )  # fmt: skip
    market = simulate_groups(scenario, seed=11)
    events = review_events(
        reviewer_id=market.reviewer_id, product_id=market.product_id,
        seller_id=market.seller_id, rating=market.rating, timestamp_ms=market.timestamp_ms,
    )  # fmt: skip
    groups = find_groups(events, params=GroupParams(method="dense_block"))
    members = market.truth.members()
    found = {r for g in groups for r in g.reviewers}
    assert groups, "the baseline found no group"
    assert len(found & members) / len(found) >= 0.8
    assert len(found & members) >= GroupParams().min_reviewers
    assert np.isfinite([g.score for g in groups]).all()
