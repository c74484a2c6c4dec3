"""Upserts of crawled items into the catalog, by natural key, one transaction per item.

Plain synchronous Django code, so tests call it directly; the Scrapy pipeline runs it on a
worker thread. A recrawl updates rows in place and never duplicates them. A value the page did
not show this time (``""``/``None``) does not erase what an earlier crawl saw.
Import only after ``django.setup()``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from crawler.items import ProductItem, ReviewerItem, ReviewItem
from reviewsec.catalog import limits
from reviewsec.catalog.limits import text_truncated
from reviewsec.catalog.models import Product, Review, Reviewer, ReviewerHistory, ReviewSource
from reviewsec.catalog.sellers import seller_upsert

_PRODUCT_FIELDS = (
    "title", "brand", "category", "price", "list_price", "discount_percent", "currency",
    "image_url", "shop_average_rating", "shop_rating_count", "star_histogram",
)  # fmt: skip
_LIMITS = {"brand": 255, "currency": 3, "image_url": 1000}


def store_item(item: Any) -> None:
    """Store any crawler item; raises ValueError for one the catalog cannot hold."""
    if isinstance(item, ProductItem):
        store_product(item)
    elif isinstance(item, ReviewItem):
        store_review(item)
    elif isinstance(item, ReviewerItem):
        store_reviewer(item)
    else:
        raise ValueError(f"not a crawler item: {type(item).__name__}")


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    """Only the values the page showed, cut to the column sizes."""
    kept = {key: value for key, value in values.items() if value not in ("", None, {}, [])}
    for key, limit in _LIMITS.items():
        if isinstance(kept.get(key), str):
            kept[key] = kept[key][:limit]
    return kept


@transaction.atomic
def store_product(item: ProductItem) -> Product:
    facts = _shown({name: getattr(item, name) for name in _PRODUCT_FIELDS})
    seller = seller_upsert(
        marketplace=item.marketplace, seller_id=item.seller_id, name=item.seller_name
    )
    if seller is not None:  # a page that shows no seller keeps the one seen before
        facts["seller"] = seller
    product, _ = Product.objects.update_or_create(
        marketplace=item.marketplace,
        asin=item.asin,
        defaults={**facts, "last_crawled_at": timezone.now()},
    )
    return product


@transaction.atomic
def store_review(item: ReviewItem) -> Review:
    if item.posted_date is None:
        raise ValueError(f"review {item.review_id} has no readable date")
    review_id = limits.review_id_clean(item.review_id)
    product, _ = Product.objects.get_or_create(marketplace=item.marketplace, asin=item.asin)
    reviewer = None
    if item.reviewer_profile_id:
        reviewer, _ = Reviewer.objects.get_or_create(
            marketplace=item.marketplace,
            profile_id=item.reviewer_profile_id,
            defaults={"display_name": item.reviewer_name[:255]},
        )
    # A shop's page is cut to the field limits rather than refused (reviewsec.catalog.limits).
    values = {
        "product": product,
        "reviewer": reviewer,
        "reviewer_name": text_truncated(item.reviewer_name, limits.REVIEWER_NAME_MAX),
        "rating": item.rating,
        "title": text_truncated(item.title, limits.TITLE_MAX),
        "body": text_truncated(item.body, limits.BODY_MAX),
        "posted_date": item.posted_date,
        "posted_at": item.posted_at,
        "country": text_truncated(item.country, limits.COUNTRY_MAX),
        "verified_purchase": item.verified_purchase,
        "vine": item.vine,
        "helpful_votes": min(item.helpful_votes, limits.HELPFUL_VOTES_MAX),
        "variant": text_truncated(item.variant, limits.VARIANT_MAX),
        "image_count": min(item.image_count, limits.IMAGE_COUNT_MAX),
    }
    review, _ = Review.objects.update_or_create(
        marketplace=item.marketplace,
        review_id=review_id,
        defaults=values,
        # A review first submitted through the extension stays attributed to it.
        create_defaults={**values, "source": ReviewSource.CRAWLER},
    )
    return review


@transaction.atomic
def store_reviewer(item: ReviewerItem) -> Reviewer:
    facts = _shown(
        {
            "display_name": item.display_name[:255],
            "location": item.location[:255],
            "badges": item.badges,
            "total_reviews": item.total_reviews,
            "helpful_votes": item.helpful_votes,
        }
    )
    reviewer, _ = Reviewer.objects.update_or_create(
        marketplace=item.marketplace,
        profile_id=item.profile_id,
        defaults={**facts, "crawled_at": timezone.now()},
    )
    for entry in item.history:
        fields = asdict(entry)
        ReviewerHistory.objects.update_or_create(
            reviewer=reviewer,
            product_asin=fields.pop("product_asin"),
            defaults=fields,
        )
    return reviewer
