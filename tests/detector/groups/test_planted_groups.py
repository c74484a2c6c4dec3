"""find_groups against planted ground truth (detector.simulate.groups): the campaigns' members and
products are found, honest look-alikes and unattacked products are not."""

import numpy as np
import pytest

from detector.groups import (
    GroupParams,
    find_groups,
    product_group_evidence,
    review_events,
    review_membership,
)
from detector.simulate.groups import GroupScenario, simulate_groups

pytestmark = pytest.mark.slow
SMALL = GroupScenario(
    sellers=150, honest_reviewers=8000, campaigns=5, agencies=2, fan_brands=6, orders=800,
    deal_hunters=80, deal_products=60,
)  # fmt: skip


@pytest.fixture(scope="module")
def planted():  # type: ignore[no-untyped-def]
    market = simulate_groups(SMALL, seed=11)
    events = review_events(
        reviewer_id=market.reviewer_id, product_id=market.product_id,
        seller_id=market.seller_id, rating=market.rating, timestamp_ms=market.timestamp_ms,
    )  # fmt: skip
    return market, events, find_groups(events, params=GroupParams(rank=32))


def test_members_are_recovered(planted) -> None:  # type: ignore[no-untyped-def]
    market, _, groups = planted
    members = market.truth.members()
    found = {r for g in groups for r in g.reviewers}
    assert len(found & members) / len(members) >= 0.8
    assert len(found & members) / len(found) >= 0.8


def test_honest_reviewers_and_unattacked_products_stay_out(planted) -> None:  # type: ignore[no-untyped-def]
    market, events, groups = planted
    members = market.truth.members()
    honest = set(events.reviewer_labels) - members
    found = {r for g in groups for r in g.reviewers}
    assert len(found - members) / len(honest) <= 0.01
    attacked = market.truth.attacked_products()
    flagged = {p for g in groups for p in g.products}
    assert len(flagged - attacked) / (len(set(events.product_labels)) - len(attacked)) <= 0.05


def test_groups_describe_their_block_and_mark_reviews(planted) -> None:  # type: ignore[no-untyped-def]
    _, events, groups = planted
    group = groups[0]
    line = group.to_dict()
    assert set(line) >= {"reviewers", "products", "sellers", "start", "end", "rating", "score"}
    assert line["start"] < line["end"] and line["score"] >= GroupParams().min_score
    rows = np.asarray(group.review_rows)
    assert set(np.asarray(events.reviewer_labels)[events.reviewer[rows]]) == set(group.reviewers)
    membership = review_membership(events, groups)
    assert (membership[rows] == 0).all() and (membership >= 0).sum() >= rows.size
    evidence = product_group_evidence(events, groups)
    facts = evidence[group.products[0]]
    assert facts.reviewers_in_groups >= 1
    assert "of these reviewers also gave" in facts.sentence
    assert not any(r in facts.sentence for r in group.reviewers)
