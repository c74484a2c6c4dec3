"""A review page is stored in one transaction by one upsert, with the rules of the item-by-item
store: a recrawl updates in place, a review keeps the source it was first stored with, an item
the catalog cannot hold is refused with its reason while the rest of the page is stored.

Runs on SQLite here and on PostgreSQL in CI (``INSERT … ON CONFLICT DO UPDATE`` on both).
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from scrapy.utils.test import get_crawler

from crawler.pipelines import DjangoStorePipeline
from crawler.store import store_review, store_reviews
from reviewsec.catalog.models import Product, Review, Reviewer
from tests.crawler.test_pipelines import ASIN, review_item
from tests.factories import make_product, make_review

pytestmark = pytest.mark.django_db


def page(n: int = 10, **changes: object) -> list:
    return [
        review_item(
            review_id=f"RPAGE{k:05d}",
            reviewer_profile_id=f"amzn1.account.PAGE{k % 7:04d}",  # some reviewers twice
            reviewer_name=f"Shopper {k % 7}",
            helpful_votes=k,
            **changes,
        )
        for k in range(n)
    ]


def test_a_page_costs_the_same_few_queries_whatever_its_size() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    store_reviews([review_item(review_id="RFIRST001")])  # the product exists from now on
    with CaptureQueriesContext(connection) as small:
        done = store_reviews(page(10))
    with CaptureQueriesContext(connection) as large:  # new reviews and reviewers, 3× as many
        store_reviews(
            [
                dataclasses.replace(item, review_id=f"RBIG{n:06d}", reviewer_profile_id=f"p{n}")
                for n, item in enumerate(page(30))
            ]
        )
    assert (done.stored, done.refused) == (10, [])
    # Savepoints included; the item-by-item store took about ten a review.
    assert len(small) == len(large) <= 8
    assert (Review.objects.count(), Reviewer.objects.count(), Product.objects.count()) == (
        41,
        38,
        1,
    )


def test_a_page_stores_what_the_item_by_item_store_would(django_assert_max_num_queries) -> None:
    items = page(10)
    for item in items:
        store_review(item)
    one_by_one = {row["review_id"]: row for row in Review.objects.values().order_by("review_id")}
    Review.objects.all().delete()
    Reviewer.objects.all().delete()

    store_reviews(items)

    paged = {row["review_id"]: row for row in Review.objects.values().order_by("review_id")}
    ignored = {"id", "product_id", "reviewer_id", "crawled_at"}
    assert set(paged) == set(one_by_one)
    for review_id, row in paged.items():
        assert {k: v for k, v in row.items() if k not in ignored} == {
            k: v for k, v in one_by_one[review_id].items() if k not in ignored
        }
    assert all(
        review.reviewer.display_name.startswith("Shopper") for review in Review.objects.all()
    )


def test_a_recrawled_page_updates_in_place_and_keeps_the_first_source() -> None:
    product = make_product(asin=ASIN)
    make_review(product, review_id="RPAGE00003", source="extension", rating=2)
    store_reviews(page(10))

    store_reviews(page(10, body="Edited"))

    assert Review.objects.count() == 10
    assert set(Review.objects.values_list("body", flat=True)) == {"Edited"}
    kept = Review.objects.get(review_id="RPAGE00003")
    assert (kept.source, kept.rating) == ("extension", 5)  # updated, still attributed
    assert Reviewer.objects.get(profile_id="amzn1.account.PAGE0001").display_name == "Shopper 1"


def test_bad_items_are_refused_with_reasons_and_the_rest_of_the_page_is_stored() -> None:
    items = page(5)
    undated = dataclasses.replace(items[1], review_id="RUNDATED1", posted_date=None)
    malformed = dataclasses.replace(items[2], review_id="R1<script>")
    duplicate = dataclasses.replace(items[0], helpful_votes=99)  # the same review, later on

    done = store_reviews([*items, undated, malformed, duplicate])

    assert done.stored == 5
    reasons = {item.review_id: reason for item, reason in done.refused}
    assert set(reasons) == {"RUNDATED1", "R1<script>"}
    assert "no readable date" in reasons["RUNDATED1"]
    assert Review.objects.get(review_id=items[0].review_id).helpful_votes == 99


@pytest.mark.django_db(transaction=True)
def test_the_pipeline_stores_a_page_when_the_spider_says_it_is_parsed() -> None:
    crawler = get_crawler(settings_dict={"REVIEWSEC_STORE_TO_DB": True})
    pipeline = DjangoStorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    items = page(10)

    async def feed() -> None:
        pending = [asyncio.ensure_future(pipeline.process_item(item)) for item in items]
        await asyncio.sleep(0)  # every item has joined the page
        pipeline.page_parsed()
        await asyncio.wait_for(asyncio.gather(*pending), timeout=10)

    try:
        asyncio.run(feed())
    finally:
        pipeline.close_spider()
    assert Review.objects.count() == 10
    assert crawler.stats.get_value("reviewsec/items_stored") == 10
