"""The demo shop's paid-review pool is planted as its ground truth says: shared accounts,
5 stars on part of five products of two sellers inside one four-week window, a small share of
each product's reviews, and honest-looking camouflage on other sellers' products."""

from collections import defaultdict

from reviewsec.demo_market.catalogue import shop
from reviewsec.demo_market.pool import DECOY_ASINS, POOL_SIZE
from reviewsec.demo_market.products import demo_catalogue, demo_paid_pool
from reviewsec.demo_market.sellers import seller_of
from reviewsec.demo_market.shoppers import SHARED_ASINS


def pool_reviews() -> dict[str, list]:
    members = set(demo_paid_pool().members)
    by_member = defaultdict(list)
    for product in demo_catalogue():
        for review in product.reviews:
            if review.user_id in members:
                by_member[review.user_id].append(review)
    return by_member


def test_the_pool_works_for_two_sellers_inside_its_window() -> None:
    pool = demo_paid_pool()
    assert len(set(pool.members)) == POOL_SIZE
    assert {seller_of(asin).name for asin in pool.products} == {
        "Zentrix Direct",
        "Halcyon Trading Co.",
    }
    paid = 0
    for member, reviews in pool_reviews().items():
        campaign = [r for r in reviews if r.asin in pool.products]
        assert 3 <= len({r.asin for r in campaign}) <= 4, member  # part of the products
        assert len({r.posted_at.date() for r in campaign}) == len(campaign)  # different days
        for review in campaign:
            assert review.rating == 5 and review.is_fake
            assert pool.window_start <= review.posted_at < pool.window_end
        paid += len(campaign)
    assert paid == pool.paid_reviews


def test_the_pool_is_a_small_share_of_each_products_reviews() -> None:
    pool = demo_paid_pool()
    for product in demo_catalogue():
        if product.asin in pool.products:
            assert 0.02 <= product.columns.is_fake.mean() <= 0.08, product.asin
            assert product.truth.window_start == pool.window_start


def test_members_also_rate_other_sellers_products_honestly() -> None:
    pool = demo_paid_pool()
    camouflage = [
        review
        for reviews in pool_reviews().values()
        for review in reviews
        if review.asin in DECOY_ASINS
    ]
    assert len({review.user_id for review in camouflage}) == POOL_SIZE  # every member
    assert not any(review.is_fake for review in camouflage)
    assert {review.rating for review in camouflage} != {5}
    outside = [r for r in camouflage if not pool.window_start <= r.posted_at < pool.window_end]
    assert len(outside) > len(camouflage) / 2


def test_honest_shoppers_review_several_products_too() -> None:
    members = set(demo_paid_pool().members)
    products_of = defaultdict(set)
    for product in demo_catalogue():
        if product.asin in SHARED_ASINS:
            for review in product.reviews:
                if review.user_id not in members:
                    products_of[review.user_id].add(review.asin)
    regulars = [asins for asins in products_of.values() if len(asins) >= 2]
    assert len(regulars) >= 50
    assert max(len(asins) for asins in regulars) >= 5  # heavy-tailed activity


def test_a_members_profile_lists_their_reviews_across_the_shop() -> None:
    member = demo_paid_pool().members[0]
    profile = shop().profiles[f"amzn1.account.{member}"]
    assert len({product.asin for product, _ in profile.reviews}) >= 4
    assert all(profile.about.joined_on <= review.posted_at.date() for _, review in profile.reviews)
