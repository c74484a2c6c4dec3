"""The independent group generator's ground truth agrees with the reviews it writes: campaigns
have the sizes issue 17 names, their fake reviews are where the truth says, and the file reads
back through the CLI's reader."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from detector.io import iter_rows

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from independent_groups_sim import DAY_MS, MarketParams, simulate, write

SMALL = MarketParams(
    sellers=60, products=600, honest_reviewers=4000, brand_fans=80, multi_item_buyers=150,
    deal_hunters=60, deal_events=15, campaigns=8,
)  # fmt: skip


@pytest.fixture(scope="module")
def market():
    return simulate(5, SMALL)


def test_the_same_seed_draws_the_same_market():
    one, two = simulate(9, SMALL), simulate(9, SMALL)
    assert np.array_equal(one.reviewer_id, two.reviewer_id)
    assert np.array_equal(one.timestamp_ms, two.timestamp_ms)
    assert one.truth.to_dict() == two.truth.to_dict()
    assert not np.array_equal(simulate(10, SMALL).rating[:50], one.rating[:50])


def test_an_account_reviews_a_product_once_and_a_product_has_one_seller(market):
    pairs = np.char.add(market.reviewer_id.astype(str), market.product_id.astype(str))
    assert np.unique(pairs).size == market.n_reviews
    for product, seller in zip(market.product_id, market.seller_id, strict=True):
        assert market.product_seller[product] == seller


def test_campaigns_have_the_shapes_the_issue_names(market):
    for campaign in market.truth.campaigns:
        assert 8 <= len(campaign.members) <= 40
        assert 3 <= len(campaign.products) <= 10
        assert 1 <= len(campaign.sellers) <= 3
        weeks = (campaign.end_ms - campaign.start_ms) / (7 * DAY_MS)
        assert 3 - 1e-6 <= weeks <= 12 + 1e-6
        assert {market.product_seller[p] for p in campaign.products} == set(campaign.sellers)
        assert set(campaign.aged) <= set(campaign.members)
        assert campaign.kind in {"inflate", "deflate"}


def test_fake_reviews_are_the_members_on_their_campaign_products_in_the_window(market):
    truth = market.truth
    assert set(market.reviewer_id[market.fake].tolist()) == truth.members()
    assert set(market.product_id[market.fake].tolist()) == truth.attacked_products()
    explained = np.zeros(market.n_reviews, dtype=bool)
    for campaign in truth.campaigns:
        inside = np.isin(market.product_id, campaign.products)
        in_window = (market.timestamp_ms >= campaign.start_ms) & (
            market.timestamp_ms < campaign.end_ms
        )
        ours = market.fake & inside & in_window & np.isin(market.reviewer_id, campaign.members)
        explained |= ours
        rated = [np.sum(ours & (market.reviewer_id == m)) for m in campaign.members]
        assert np.mean(rated) < 0.9 * len(campaign.products) or len(campaign.products) == 3
        for member in campaign.members:
            own = ours & (market.reviewer_id == member)
            days = market.timestamp_ms[own] // DAY_MS
            assert own.sum() >= 2
            assert np.unique(days).size == days.size  # different days
            assert ((market.reviewer_id == member) & ~market.fake).any()  # camouflage
    assert np.array_equal(explained, market.fake)


def test_aged_members_have_a_history_before_the_window(market):
    for campaign in market.truth.campaigns:
        for member in campaign.aged:
            before = (market.reviewer_id == member) & (market.timestamp_ms < campaign.start_ms)
            assert before.sum() >= 2


def test_look_alikes_are_honest_and_distinct(market):
    members = market.truth.members()
    kinds = market.truth.lookalike
    assert all(kinds[k] for k in ("brand_fan", "multi_item", "deal_hunter"))
    seen: set[str] = set()
    for ids in kinds.values():
        assert not set(ids) & members
        assert not set(ids) & seen
        seen |= set(ids)
        assert not market.fake[np.isin(market.reviewer_id, ids)].any()


def test_fakes_are_a_minority_of_most_attacked_products(market):
    shares = [market.fake[market.product_id == p].mean() for p in market.truth.attacked_products()]
    assert np.median(shares) < 0.5


def test_the_written_file_reads_back_through_the_cli_reader(market, tmp_path):
    write(market, tmp_path, 5)
    rows = list(iter_rows(tmp_path / "reviews.jsonl"))
    assert len(rows) == market.n_reviews
    first = json.loads((tmp_path / "reviews.jsonl").open().readline())
    assert first["seller_id"] == market.seller_id[0]
    assert first["timestamp"] == market.timestamp_ms[0]
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert set(truth["members"]) == market.truth.members()
    assert set(truth["attacked_products"]) == market.truth.attacked_products()
    assert len(truth["campaigns"]) == SMALL.campaigns
