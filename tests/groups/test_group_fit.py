"""The scheduled group fit over stored reviews finds the demo shop's planted paid pool and
stores it: members, products, sellers, window, evidence, and what product pages may say."""

import pytest

from reviewsec.catalog.models import Product
from reviewsec.demo_market.catalogue import shop
from reviewsec.demo_market.pool import WINDOW_DAYS
from reviewsec.demo_market.products import demo_paid_pool
from reviewsec.groups.models import FitStatus, GroupFit
from reviewsec.groups.selectors import product_groups_public
from reviewsec.groups.services import GroupParamsInvalid, group_fit_run
from tests.groups.demo_data import pool_reviewer_pks

pytestmark = pytest.mark.django_db


def test_the_fit_finds_the_planted_pool_and_nothing_else(demo_shop) -> None:
    fit = group_fit_run()
    pool = demo_paid_pool()
    assert fit.status == FitStatus.SUCCEEDED and fit.groups_found == 1
    group = fit.groups.get()
    assert set(group.members.values_list("pk", flat=True)) == pool_reviewer_pks()
    assert sorted(group.products.values_list("asin", flat=True)) == sorted(pool.products)
    assert {seller.seller_id for seller in group.sellers.all()} == set(pool.sellers)
    assert group.window_start <= pool.window_start + (pool.window_end - pool.window_start) / 2
    assert pool.window_start - (pool.window_end - pool.window_start) <= group.window_start
    assert group.rating == 5.0
    assert group.review_count == group.reviews.count() == pool.paid_reviews
    assert group.evidence["star_level"] == 5


def test_the_fit_row_counts_what_it_read(demo_shop) -> None:
    fit = group_fit_run()
    assert fit.reviews == sum(product.reviews.count() for product in Product.objects.all())
    assert fit.products == Product.objects.count()
    assert fit.sellers == len({p.seller_id for p in Product.objects.all()})
    assert fit.labels == 0 and fit.seconds > 0 and fit.finished_at is not None


def test_product_pages_get_an_aggregate_sentence_without_names(demo_shop) -> None:
    group_fit_run()
    product = Product.objects.get(asin="B0DEMO0011")
    public = product_groups_public(product=product)
    assert public is not None
    paid_here = {
        review.user_id
        for review in shop().products["B0DEMO0011"].reviews
        if review.user_id in demo_paid_pool().members and review.is_fake
    }
    assert public["reviewers_in_groups"] == len(paid_here)
    assert (public["other_products"], public["other_sellers"], public["star_level"]) == (4, 1, 5)
    weeks = -(-WINDOW_DAYS // 7)  # the pool's days, on week-aligned windows: one more at most
    assert public["window_weeks"] in (weeks, weeks + 1)
    assert public["sentence"] == (
        f"{len(paid_here)} of these reviewers also gave 5 stars to 4 other products"
        f" (of 1 other seller too) within {public['window_weeks']} weeks"
    )
    text = repr(public)
    assert not any(str(pk) in text.split() for pk in pool_reviewer_pks())
    assert "amzn1" not in text and "AE" not in text
    decoy = Product.objects.get(asin="B0DEMO0016")
    assert product_groups_public(product=decoy) is None


def test_an_empty_catalogue_is_a_fit_with_no_groups(db) -> None:
    fit = group_fit_run()
    assert (fit.status, fit.groups_found, fit.reviews) == (FitStatus.SUCCEEDED, 0, 0)


def test_unknown_parameters_are_refused_readably(db) -> None:
    with pytest.raises(GroupParamsInvalid, match="unknown group fit parameters: windw_days"):
        group_fit_run(params={"windw_days": 3})
    assert not GroupFit.objects.exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"window_days": 0}, "window_days must be from 1 to 366"),
        ({"alpha": 0}, "alpha must lie strictly between 0 and 1"),
        ({"min_reviewers": "five"}, "min_reviewers must be a number"),
        ({"method": "magic"}, "method must be logistic_cp or dense_block"),
    ],
)
def test_bad_parameter_values_are_refused_before_the_fit(db, params, message) -> None:
    with pytest.raises(GroupParamsInvalid, match=message):
        group_fit_run(params=params)
    assert not GroupFit.objects.exists()
