"""The demo shop's products, sellers, reviewers and reviews stored as a crawl would store them
(bulk inserts: the crawl itself is exercised by the integration test)."""

from __future__ import annotations

from collections.abc import Iterable

from reviewsec.catalog.models import Product, Review, Reviewer, ReviewerHistory
from reviewsec.catalog.sellers import seller_upsert
from reviewsec.demo_market.catalogue import shop
from reviewsec.demo_market.products import demo_paid_pool
from reviewsec.demo_market.sellers import seller_of

MARKETPLACE = "demo"


def store_demo_shop() -> None:
    """Every demo product with its seller and reviews; every author as a ``Reviewer``."""
    stock = shop()
    reviewers = Reviewer.objects.bulk_create(
        Reviewer(
            marketplace=MARKETPLACE, profile_id=author.profile_id, display_name=author.display_name
        )
        for author in stock.authors.values()
    )
    by_user = {
        reviewer.profile_id.removeprefix("amzn1.account."): reviewer for reviewer in reviewers
    }
    if any(reviewer.pk is None for reviewer in reviewers):  # backends that return no pks
        by_user = {
            reviewer.profile_id.removeprefix("amzn1.account."): reviewer
            for reviewer in Reviewer.objects.filter(marketplace=MARKETPLACE)
        }
    for simulated in stock.products.values():
        demo_seller = seller_of(simulated.asin)
        seller = seller_upsert(
            marketplace=MARKETPLACE, seller_id=demo_seller.seller_id, name=demo_seller.name
        )
        product = Product.objects.create(
            marketplace=MARKETPLACE,
            asin=simulated.asin,
            title=simulated.title,
            brand=simulated.brand,
            seller=seller,
        )
        Review.objects.bulk_create(
            Review(
                marketplace=MARKETPLACE,
                review_id=review.review_id,
                product=product,
                reviewer=by_user[review.user_id],
                reviewer_name=by_user[review.user_id].display_name,
                rating=review.rating,
                posted_date=review.posted_at.date(),
                verified_purchase=review.verified_purchase,
                helpful_votes=review.helpful_votes,
                body=review.text,
            )
            for review in simulated.reviews
        )


def pool_reviewer_pks() -> set[int]:
    profiles = [f"amzn1.account.{member}" for member in demo_paid_pool().members]
    return set(Reviewer.objects.filter(profile_id__in=profiles).values_list("pk", flat=True))


def store_demo_crawl(asins: Iterable[str]) -> None:
    """What crawling ``asins`` stores: those products with their sellers and reviews, every
    author as a ``Reviewer``, and each author's profile (their other demo reviews, dated) as
    ``ReviewerHistory`` — the products only seen there have no ``Product`` row, so no seller."""
    stock = shop()
    crawled = set(asins)
    authors = {review.user_id for asin in crawled for review in stock.products[asin].reviews}
    reviewers = {
        user: Reviewer.objects.create(
            marketplace=MARKETPLACE,
            profile_id=stock.authors[user].profile_id,
            display_name=stock.authors[user].display_name,
        )
        for user in sorted(authors)
    }
    for asin in sorted(crawled):
        simulated = stock.products[asin]
        demo_seller = seller_of(asin)
        seller = seller_upsert(
            marketplace=MARKETPLACE, seller_id=demo_seller.seller_id, name=demo_seller.name
        )
        product = Product.objects.create(
            marketplace=MARKETPLACE, asin=asin, title=simulated.title, seller=seller
        )
        Review.objects.bulk_create(
            Review(
                marketplace=MARKETPLACE,
                review_id=review.review_id,
                product=product,
                reviewer=reviewers[review.user_id],
                rating=review.rating,
                posted_date=review.posted_at.date(),
            )
            for review in simulated.reviews
        )
    ReviewerHistory.objects.bulk_create(
        ReviewerHistory(
            reviewer=reviewers[user],
            product_asin=product.asin,
            rating=review.rating,
            posted_date=review.posted_at.date(),
        )
        for user in sorted(authors)
        for product, review in stock.profiles[stock.authors[user].profile_id].reviews
    )
