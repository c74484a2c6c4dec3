"""Upserts of crawled items into the catalog, by natural key.

Plain synchronous Django code, so tests call it directly; the Scrapy pipeline runs it on a
worker thread. A recrawl updates rows in place and never duplicates them. A value the page did
not show this time (``""``/``None``) does not erase what an earlier crawl saw. A review keeps
the source it was first stored with (a review first submitted through the extension stays
attributed to it). Products and reviewers are stored one transaction per item; a review page is
stored whole in one transaction (``store_reviews``: one INSERT … ON CONFLICT DO UPDATE for its
reviews, on PostgreSQL and SQLite alike), so a crawl that dies half-way leaves whole pages.
Import only after ``django.setup()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.db import DataError, IntegrityError, transaction
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
    review_id = _review_checked(item)
    product, _ = Product.objects.get_or_create(marketplace=item.marketplace, asin=item.asin)
    reviewer = None
    if item.reviewer_profile_id:
        reviewer, _ = Reviewer.objects.get_or_create(
            marketplace=item.marketplace,
            profile_id=item.reviewer_profile_id,
            defaults={"display_name": item.reviewer_name[:255]},
        )
    values = {"product": product, "reviewer": reviewer, **_review_values(item)}
    review, _ = Review.objects.update_or_create(
        marketplace=item.marketplace,
        review_id=review_id,
        defaults=values,
        # A review first submitted through the extension stays attributed to it.
        create_defaults={**values, "source": ReviewSource.CRAWLER},
    )
    return review


# What a recrawl updates in place: everything but the natural key, the source and submission.
_REVIEW_UPDATED = (
    "product", "reviewer", "reviewer_name", "rating", "title", "body", "posted_date",
    "posted_at", "country", "verified_purchase", "vine", "helpful_votes", "variant",
    "image_count", "crawled_at",
)  # fmt: skip


@dataclass(frozen=True)
class PageStored:
    """What ``store_reviews`` did with one page: reviews upserted, and the items refused."""

    stored: int
    refused: list[tuple[ReviewItem, str]]


def store_reviews(items: Sequence[ReviewItem]) -> PageStored:
    """One page of reviews (one product) in one transaction: the product and the reviewers
    fetched or created in bulk, the reviews upserted by one statement.

    Same rules as ``store_review``, item by item: an item the catalog cannot hold (no date, a
    malformed id, a rating outside 1–5) is refused with its reason and the rest stored; within
    the page the last of two items with one review id wins, as it would one after the other."""
    refused: list[tuple[ReviewItem, str]] = []
    by_id: dict[tuple[str, str], ReviewItem] = {}
    for item in items:
        try:
            by_id[(item.marketplace, _review_checked(item))] = item
        except ValueError as error:
            refused.append((item, str(error)))
    if not by_id:
        return PageStored(stored=0, refused=refused)
    try:
        return _page_upsert(by_id, refused)
    except (IntegrityError, DataError):  # one row the database refuses: store them one by one
        return _one_by_one(list(by_id.values()), refused)


def _one_by_one(items: list[ReviewItem], refused: list[tuple[ReviewItem, str]]) -> PageStored:
    stored = 0
    for item in items:
        try:
            store_review(item)
            stored += 1
        except (ValueError, IntegrityError, DataError) as error:
            refused.append((item, str(error)))
    return PageStored(stored=stored, refused=refused)


def _page_upsert(
    by_id: dict[tuple[str, str], ReviewItem], refused: list[tuple[ReviewItem, str]]
) -> PageStored:
    with transaction.atomic():
        products = _products_for(by_id.values())
        reviewers = _reviewers_for(by_id.values())
        rows = [
            Review(
                marketplace=marketplace,
                review_id=review_id,
                product=products[(item.marketplace, item.asin)],
                reviewer=reviewers.get((item.marketplace, item.reviewer_profile_id)),
                source=ReviewSource.CRAWLER,  # for new rows only: not in update_fields
                **_review_values(item),
            )
            for (marketplace, review_id), item in by_id.items()
        ]
        Review.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["marketplace", "review_id"],
            update_fields=list(_REVIEW_UPDATED),
        )
    return PageStored(stored=len(rows), refused=refused)


def _review_checked(item: ReviewItem) -> str:
    """The item's clean review id; ``ValueError`` for an item the catalog cannot hold."""
    if item.posted_date is None:
        raise ValueError(f"review {item.review_id} has no readable date")
    if not 1 <= item.rating <= 5:
        raise ValueError(f"review {item.review_id} has a rating of {item.rating}, not 1-5")
    return limits.review_id_clean(item.review_id)


def _products_for(items: Iterable[ReviewItem]) -> dict[tuple[str, str], Product]:
    wanted = {(item.marketplace, item.asin) for item in items}
    found: dict[tuple[str, str], Product] = {}
    for marketplace, asin in wanted:  # one product a page, in practice
        found[(marketplace, asin)], _ = Product.objects.get_or_create(
            marketplace=marketplace, asin=asin
        )
    return found


def _reviewers_for(items: Iterable[ReviewItem]) -> dict[tuple[str, str], Reviewer]:
    """The page's reviewers by (marketplace, profile id): the missing ones created in one
    INSERT (a name seen first is kept, as ``get_or_create`` keeps it), then all read back."""
    names: dict[tuple[str, str], str] = {}
    for item in items:
        if item.reviewer_profile_id:
            names.setdefault((item.marketplace, item.reviewer_profile_id), item.reviewer_name)
    if not names:
        return {}
    Reviewer.objects.bulk_create(
        [
            Reviewer(marketplace=marketplace, profile_id=profile_id, display_name=name[:255])
            for (marketplace, profile_id), name in names.items()
        ],
        ignore_conflicts=True,
    )
    found: dict[tuple[str, str], Reviewer] = {}
    for marketplace in {key[0] for key in names}:
        ids = [profile_id for market, profile_id in names if market == marketplace]
        for reviewer in Reviewer.objects.filter(marketplace=marketplace, profile_id__in=ids):
            found[(marketplace, reviewer.profile_id)] = reviewer
    return found


def _review_values(item: ReviewItem) -> dict[str, Any]:
    """The crawled fields, cut to the field limits rather than refused (``catalog.limits``)."""
    return {
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
