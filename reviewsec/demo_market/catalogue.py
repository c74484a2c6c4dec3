"""The demo shop's stock: its products and reviewer profiles, indexed for page rendering.

Built once per process (a few hundred simulated reviews per product, well under a second) and
kept read-only, so every page and every test sees the same shop for the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from detector.simulate import SimulatedProduct, SimulatedReview
from reviewsec.demo_market.products import DEMO_ROBOT_CHECK_ASIN, demo_catalogue
from reviewsec.demo_market.profiles import ReviewerProfile, reviewer_profile

REVIEWS_PER_PAGE = 10
HINTS = {
    "honest": "honest reviews",
    "genuine_change": "a real quality change",
    "boost": "a burst of fake 5-star reviews",
    "badmouth": "a burst of fake 1-star reviews",
    "tiny": "only a handful of reviews",
    "paid_pool": "a paid-review pool shared with the seller's other products",
}


@dataclass(frozen=True)
class Profile:
    """A reviewer's page: who they are and every review of theirs in the shop."""

    about: ReviewerProfile
    reviews: tuple[tuple[SimulatedProduct, SimulatedReview], ...]

    @property
    def helpful_votes(self) -> int:
        return sum(review.helpful_votes for _, review in self.reviews)


@dataclass(frozen=True)
class Shop:
    products: dict[str, SimulatedProduct]
    profiles: dict[str, Profile]  # by profile id (amzn1.account.…)
    authors: dict[str, ReviewerProfile]  # by user id


@lru_cache(maxsize=1)
def shop() -> Shop:
    products = {product.asin: product for product in demo_catalogue()}
    by_user: dict[str, list[tuple[SimulatedProduct, SimulatedReview]]] = {}
    for product in products.values():
        for review in product.reviews:
            by_user.setdefault(review.user_id, []).append((product, review))
    # A profile is derived from the account's first review, so it joined before any of them.
    authors = {
        user_id: reviewer_profile(min((r for _, r in reviews), key=lambda r: r.posted_at))
        for user_id, reviews in by_user.items()
    }
    profiles = {
        authors[user_id].profile_id: Profile(authors[user_id], tuple(reviews))
        for user_id, reviews in by_user.items()
    }
    return Shop(products=products, profiles=profiles, authors=authors)


def demo_url(asin: str) -> str:
    """The product's address in the demo shop, as a shopper would paste it."""
    return f"{settings.DEMO_MARKET_BASE_URL.rstrip('/')}/dp/{asin}"


def demo_products_for_home() -> list[dict[str, str]]:
    entries = [
        {
            "asin": product.asin,
            "title": product.title,
            "url": demo_url(product.asin),
            "hint": f"{product.n_reviews} reviews · {HINTS.get(product.scenario, '')}",
        }
        for product in shop().products.values()
    ]
    entries.append(
        {
            "asin": DEMO_ROBOT_CHECK_ASIN,
            "title": "A product behind a robot check",
            "url": demo_url(DEMO_ROBOT_CHECK_ASIN),
            "hint": "the shop answers with a captcha",
        }
    )
    return entries
