"""What the spiders yield: plain dataclasses, one per kind of row the catalog stores.

Every item carries a ``kind`` so a JSON Lines export mixing them (``scrapy crawl … -O out.jsonl``)
can be read back without guessing; pipelines dispatch on the class.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class ProductItem:
    """A product page as a shopper sees it; ``None`` where the page did not show the value."""

    marketplace: str
    asin: str
    title: str = ""
    brand: str = ""
    seller_id: str = ""  # the buy box's seller ("A1B2C3D4E5F6G7"); "" when the page shows no id
    seller_name: str = ""  # "Amazon.com", "Hachette Book Group"; "" when not shown
    category: str = ""  # "Books › Mystery, Thriller & Suspense › Thrillers & Suspense"
    price: Decimal | None = None
    list_price: Decimal | None = None
    discount_percent: int | None = None
    currency: str = ""
    image_url: str = ""
    shop_average_rating: float | None = None
    shop_rating_count: int | None = None
    star_histogram: dict[str, int] = field(default_factory=dict)  # {"5": 61, "4": 20, ...} %
    kind: str = field(default="product", init=False)


@dataclass
class ReviewItem:
    """One review on a review-list or product page."""

    marketplace: str
    asin: str
    review_id: str
    rating: int
    title: str = ""
    body: str = ""
    posted_date: dt.date | None = None
    posted_at: dt.datetime | None = None  # Amazon shows no time of day; other sources may
    country: str = ""  # as the page names it: "United States", "Italia"; "" when not shown
    verified_purchase: bool = False
    vine: bool = False
    helpful_votes: int = 0
    variant: str = ""  # "Format: Hardcover", "Colour: Red | Size: M"
    image_count: int = 0
    reviewer_name: str = ""
    reviewer_profile_id: str = ""  # "amzn1.account.…"; "" for reviews from other countries
    source: str = "crawler"
    kind: str = field(default="review", init=False)


@dataclass
class HistoryEntry:
    """One of a reviewer's other reviews, as their profile lists it."""

    product_asin: str
    rating: int
    product_title: str = ""
    posted_date: dt.date | None = None


@dataclass
class ReviewerItem:
    """A reviewer's public profile. Totals are ``None`` when the profile did not show them."""

    marketplace: str
    profile_id: str
    display_name: str = ""
    location: str = ""
    badges: list[str] = field(default_factory=list)  # ["vine_voice", "top_1000"]
    total_reviews: int | None = None
    helpful_votes: int | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    kind: str = field(default="reviewer", init=False)
