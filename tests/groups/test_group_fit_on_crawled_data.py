"""The default fit over what a crawl of the demo shop's campaign products stores — those
products, their reviews, and every author's dated profile history (products seen only there
have no seller) — finds the planted pool and nothing else."""

import pytest

from detector.groups import GroupParams
from reviewsec.catalog.models import ReviewerHistory
from reviewsec.demo_market.products import demo_paid_pool
from reviewsec.groups.models import FitStatus
from reviewsec.groups.services import group_fit_run
from tests.groups.demo_data import pool_reviewer_pks, store_demo_crawl

pytestmark = pytest.mark.django_db


def test_the_default_fit_finds_the_pool_in_crawled_data(db) -> None:
    pool = demo_paid_pool()
    store_demo_crawl(pool.products)
    assert ReviewerHistory.objects.filter(posted_date__isnull=False).exists()

    fit = group_fit_run()

    assert fit.status == FitStatus.SUCCEEDED, fit.error
    groups = list(fit.groups.order_by("rank"))
    assert len(groups) == 1, [(g.member_count, g.product_count, g.score) for g in groups]
    group = groups[0]
    members = set(group.members.values_list("pk", flat=True))
    planted = pool_reviewer_pks()
    assert len(members & planted) >= 0.9 * len(planted)
    assert len(members & planted) >= 0.9 * len(members)
    assert set(group.products.values_list("asin", flat=True)) == set(pool.products)
    assert {seller.seller_id for seller in group.sellers.all()} == set(pool.sellers)


def test_without_the_floor_the_pool_is_the_strongest_block_and_the_rest_is_far_below(db) -> None:
    """Without the fixed floor the pool is still the strongest block, and whatever honest
    shoppers' bursts put over the Bonferroni bar scores far under the floor: the floor, not the
    multiple-testing bar, is what keeps honest blocks out (``score_bar``'s docstring)."""
    pool = demo_paid_pool()
    store_demo_crawl(pool.products)
    floor = GroupParams().min_score
    groups = list(group_fit_run(params={"min_score": 0.0}).groups.order_by("rank"))
    top = groups[0]
    assert set(top.members.values_list("pk", flat=True)) == pool_reviewer_pks()
    assert set(top.products.values_list("asin", flat=True)) == set(pool.products)
    assert top.score >= floor + 5
    assert all(g.score <= floor / 2 for g in groups[1:]), [g.score for g in groups]
