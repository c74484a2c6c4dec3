"""Crawled items land in the catalog by natural key: a recrawl updates, never duplicates."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from crawler.items import HistoryEntry, ProductItem, ReviewerItem, ReviewItem
from crawler.pipelines import DjangoStorePipeline
from crawler.store import store_product, store_review, store_reviewer
from reviewsec.catalog.models import Product, Review, Reviewer, ReviewerHistory
from tests.factories import make_product, make_review

pytestmark = pytest.mark.django_db

ASIN = "B0BBPNPZTC"


def product_item(**changes: object) -> ProductItem:
    values: dict[str, object] = {
        "marketplace": "amazon.com",
        "asin": ASIN,
        "title": "Dawn Ultra",
        "brand": "Dawn",
        "price": Decimal("4.99"),
        "currency": "USD",
        "shop_average_rating": 4.8,
        "shop_rating_count": 5849,
        "star_histogram": {"5": 89, "4": 6, "3": 1, "2": 1, "1": 3},
    }
    return ProductItem(**(values | changes))


def review_item(**changes: object) -> ReviewItem:
    values: dict[str, object] = {
        "marketplace": "amazon.com",
        "asin": ASIN,
        "review_id": "RIY0N097PYR7K",
        "rating": 5,
        "title": "Name brand and performance",
        "posted_date": dt.date(2024, 7, 1),
        "country": "United States",
        "verified_purchase": True,
        "helpful_votes": 0,
        "reviewer_name": "Tina",
        "reviewer_profile_id": "amzn1.account.AGRF5MX43S4IU37JOGQ5LBIKLOWA",
    }
    return ReviewItem(**(values | changes))


def test_a_recrawled_product_is_updated_in_place() -> None:
    store_product(product_item())
    store_product(product_item(price=Decimal("3.99"), shop_rating_count=5900, title=""))
    product = Product.objects.get()
    assert (product.price, product.shop_rating_count) == (Decimal("3.99"), 5900)
    assert product.title == "Dawn Ultra"  # not shown this time: kept, not erased
    assert product.star_histogram == {"5": 89, "4": 6, "3": 1, "2": 1, "1": 3}
    assert product.last_crawled_at is not None


def test_a_recrawled_review_is_updated_in_place_with_its_reviewer() -> None:
    store_review(review_item())
    store_review(review_item(helpful_votes=7, body="Edited"))
    review = Review.objects.get()
    assert (review.helpful_votes, review.body, review.source) == (7, "Edited", "crawler")
    assert review.product == Product.objects.get(marketplace="amazon.com", asin=ASIN)
    assert review.reviewer == Reviewer.objects.get()
    assert review.reviewer.display_name == "Tina"
    assert (Review.objects.count(), Reviewer.objects.count(), Product.objects.count()) == (1, 1, 1)


def test_a_review_first_sent_by_the_extension_keeps_its_source() -> None:
    product = make_product(asin=ASIN)
    make_review(product, review_id="RIY0N097PYR7K", source="extension", rating=4)
    store_review(review_item())
    review = Review.objects.get()
    assert (review.rating, review.source) == (5, "extension")


def test_a_review_from_another_country_has_no_reviewer_row() -> None:
    store_review(review_item(reviewer_profile_id="", review_id="R23Y85MITCAAJQ"))
    assert Review.objects.get().reviewer is None
    assert not Reviewer.objects.exists()


def test_a_review_without_a_date_is_refused() -> None:
    with pytest.raises(ValueError, match="no readable date"):
        store_review(review_item(posted_date=None))
    assert not Review.objects.exists()


def test_a_recrawled_reviewer_updates_profile_and_history_without_duplicates() -> None:
    history = [HistoryEntry("B0DEMO0001", 1, "Steel Water Bottle", dt.date(2021, 3, 3))]
    item = ReviewerItem(
        marketplace="amazon.com",
        profile_id="amzn1.account.A",
        display_name="Rita Vale",
        badges=["vine_voice"],
        total_reviews=10,
        helpful_votes=3,
        history=history,
    )
    store_reviewer(item)
    item.total_reviews = 11
    item.history = [
        HistoryEntry("B0DEMO0001", 2, "Steel Water Bottle", dt.date(2021, 3, 3)),
        HistoryEntry("B0DEMO0002", 5, "Trail Socks", None),
    ]
    store_reviewer(item)
    reviewer = Reviewer.objects.get()
    assert (reviewer.total_reviews, reviewer.badges) == (11, ["vine_voice"])
    assert reviewer.crawled_at is not None
    assert sorted(ReviewerHistory.objects.values_list("product_asin", "rating")) == [
        ("B0DEMO0001", 2),
        ("B0DEMO0002", 5),
    ]


def test_the_pipeline_is_off_unless_storing_is_asked_for() -> None:
    with pytest.raises(NotConfigured):
        DjangoStorePipeline.from_crawler(get_crawler(settings_dict={}))


@pytest.mark.django_db(transaction=True)
def test_the_pipeline_stores_on_its_own_thread_and_drops_undated_reviews() -> None:
    crawler = get_crawler(settings_dict={"REVIEWSEC_STORE_TO_DB": True})
    pipeline = DjangoStorePipeline.from_crawler(crawler)
    pipeline.open_spider()

    async def feed() -> None:
        await pipeline.process_item(product_item())
        await pipeline.process_item(review_item())
        await pipeline.process_item(review_item(helpful_votes=2))  # the same review again
        with pytest.raises(DropItem):
            await pipeline.process_item(review_item(review_id="RNODATE", posted_date=None))

    try:
        asyncio.run(feed())
    finally:
        pipeline.close_spider()
    assert (Product.objects.count(), Review.objects.count()) == (1, 1)
    assert Review.objects.get().helpful_votes == 2
