"""The demo marketplace's fixed catalogue, and reviewer profiles derived from simulated reviews.

The catalogue is the same on every start (stable ASINs ``B0DEMO0001``…, fixed seeds): three honest
products, one with a genuine quality change, one boosted, one bad-mouthed and one with too few
reviews to judge. ``DEMO_ROBOT_CHECK_ASIN`` is reserved for the product whose page answers with
a robot check; the demo market serves that page itself, so it has no reviews here.

Profiles are a pure function of the review, seeded by a hash of its ``user_id``, so the demo
market can render any reviewer's page without storing anything.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .catalog import Listing
from .records import SimulatedProduct, SimulatedReview
from .scenarios import SCENARIOS

DEMO_ROBOT_CHECK_ASIN = "B0DEMO0099"


@dataclass(frozen=True)
class _DemoItem:
    listing: Listing
    scenario: str
    n_reviews: int
    start: date
    life_days: int
    params: dict[str, object] = field(default_factory=dict)


def _listing(
    asin: str,
    title: str,
    brand: str,
    category: str,
    price: float,
    list_price: float | None,
    variants: tuple[str, ...],
    noun: str,
) -> Listing:
    return Listing(asin, asin, title, brand, category, price, list_price, variants, noun)


_LAMP = _listing(
    "B0DEMO0001",
    "Lumora Bamboo Desk Lamp, Dimmable, with USB Charging Port",
    "Lumora",
    "Tools & Home Improvement › Lighting & Ceiling Fans › Lamps & Shades › Desk Lamps",
    32.99,
    45.99,
    ("Color: Natural Wood", "Color: Black"),
    "lamp",
)
_SKILLET = _listing(
    "B0DEMO0002",
    "Nordvik Cast Iron Skillet 12 Inch, Pre-Seasoned, Oven Safe",
    "Nordvik",
    "Home & Kitchen › Kitchen & Dining › Cookware › Skillets",
    29.99,
    None,
    ("Size: 10 Inch", "Size: 12 Inch"),
    "skillet",
)
_YOGA_MAT = _listing(
    "B0DEMO0003",
    "Tidewell Non Slip Yoga Mat 1/4 Inch, Extra Thick, with Carrying Strap",
    "Tidewell",
    "Sports & Outdoors › Exercise & Fitness › Yoga › Yoga Mats",
    24.99,
    34.99,
    ("Color: Purple", "Color: Teal", "Color: Black"),
    "mat",
)
_CHARGER = _listing(
    "B0DEMO0004",
    "Veloce 65W USB C Charger, GaN Charger Block, Foldable Plug",
    "Veloce",
    "Electronics › Computers & Accessories › Chargers & Adapters",
    27.99,
    None,
    ("Color: White",),
    "charger",
)
_SERUM = _listing(
    "B0DEMO0005",
    "Emberly Vitamin C Serum for Face, with Vitamin E, Fragrance Free",
    "Emberly",
    "Beauty & Personal Care › Skin Care › Face › Serums",
    17.99,
    29.99,
    ("Size: 1 Fl Oz", "Size: 2 Fl Oz"),
    "serum",
)
_GRINDER = _listing(
    "B0DEMO0006",
    "Oakhaven Electric Burr Coffee Grinder, 18 Grind Settings",
    "Oakhaven",
    "Home & Kitchen › Kitchen & Dining › Coffee, Tea & Espresso › Coffee Grinders",
    49.99,
    59.99,
    ("Color: Black", "Color: Silver"),
    "grinder",
)
_PENS = _listing(
    "B0DEMO0007",
    "Quillon Fountain Pen Set, Fine Point, Assorted Colors",
    "Quillon",
    "Office Products › Office & School Supplies › Writing & Correction Supplies › Pens",
    14.99,
    None,
    ("Style: Assorted",),
    "pen set",
)
_CATALOGUE = (
    _DemoItem(_LAMP, "honest", 240, date(2022, 9, 12), 760),
    _DemoItem(_SKILLET, "honest", 320, date(2021, 11, 2), 1040),
    _DemoItem(_YOGA_MAT, "honest", 180, date(2023, 1, 16), 620),
    _DemoItem(
        _CHARGER,
        "genuine_change",
        300,
        date(2022, 3, 7),
        900,
        {"direction": "down", "change_fraction": 0.55, "severity": 0.9},
    ),
    _DemoItem(
        _SERUM,
        "boost",
        260,
        date(2022, 6, 20),
        820,
        {"fake_share": 0.25, "window_days": 5, "attack_start": date(2023, 5, 8)},
    ),
    _DemoItem(
        _GRINDER,
        "badmouth",
        220,
        date(2022, 10, 3),
        700,
        {"fake_share": 0.22, "window_days": 4, "attack_start": date(2023, 11, 20)},
    ),
    _DemoItem(_PENS, "tiny", 12, date(2024, 2, 5), 150),
)


DEMO_SEED = 7


def demo_catalogue(seed: int = DEMO_SEED) -> list[SimulatedProduct]:
    """The demo market's products, identical for the same ``seed`` (ASINs do not depend on it).

    ``DEMO_SEED`` is chosen so that each demo product shows its scenario's *usual* verdict: the
    demo teaches what the page means, and a product from the detector's misses would teach the
    wrong thing. The misses are real and measured on a population, not hidden:
    ``benchmarks/eval_detection.py`` reports, e.g., the share of boosts that go unnoticed (five-star
    fakes on a product whose own mean is already about 4.5 move the CUSUM by only 0.15 a review).
    ``tests/detector/test_simulate_demo.py`` pins the demo verdicts so a detector change that
    moves them is seen.
    """
    return [
        SCENARIOS[item.scenario](
            np.random.default_rng([seed, index]),
            listing=item.listing,
            n_reviews=item.n_reviews,
            start=item.start,
            life_days=item.life_days,
            **item.params,
        )
        for index, item in enumerate(_CATALOGUE)
    ]


@dataclass(frozen=True)
class ReviewerProfile:
    """What a reviewer's public profile page shows."""

    user_id: str
    profile_id: str  # as in /gp/profile/amzn1.account.<id>
    display_name: str
    location: str  # empty when the reviewer shows none
    joined_on: date
    review_count: int
    badges: tuple[str, ...]


_FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Carlos", "Susan", "Wei", "Jessica", "Daniel", "Sarah",
    "Matthew", "Karen", "Anthony", "Priya", "Mark", "Nancy", "Kevin", "Lisa", "Brian", "Emily",
)  # fmt: skip
_LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Nguyen", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Lee",
    "Patel", "Harris", "Clark", "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott",
)  # fmt: skip
_PLACES = {
    "United States": (
        "Austin, TX", "Columbus, OH", "Portland, OR", "Raleigh, NC", "Denver, CO",
        "Tampa, FL", "Madison, WI", "Phoenix, AZ", "Albany, NY", "Boise, ID", "Richmond, VA",
        "Sacramento, CA", "Minneapolis, MN", "Nashville, TN", "Pittsburgh, PA",
    ),
    "Canada": ("Toronto, ON", "Calgary, AB", "Halifax, NS"),
    "United Kingdom": ("Leeds, UK", "Bristol, UK", "Glasgow, UK"),
    "Germany": ("Köln, Deutschland", "Leipzig, Deutschland"),
    "India": ("Pune, India", "Jaipur, India"),
}  # fmt: skip


def reviewer_profile(review: SimulatedReview) -> ReviewerProfile:
    """The profile of the review's author, derived deterministically from the review.

    Genuine reviewers mostly show a name and often a city, and joined months or years before
    reviewing; campaign accounts are "Amazon Customer" or a name with digits, show no location,
    and joined days before the review.
    """
    digest = hashlib.blake2b(review.user_id.encode(), digest_size=8).digest()
    rng = np.random.default_rng(int.from_bytes(digest, "big"))
    first = _FIRST_NAMES[rng.integers(len(_FIRST_NAMES))]
    last = _LAST_NAMES[rng.integers(len(_LAST_NAMES))]
    posted = review.posted_at.date()
    if review.is_fake:
        name = "Amazon Customer" if rng.random() < 0.4 else f"{first}{rng.integers(10, 2000)}"
        location = ""
        joined = posted - timedelta(days=int(rng.integers(1, 21)))
    else:
        name = _genuine_name(rng, first, last)
        places = _PLACES.get(review.country, ())
        location = places[rng.integers(len(places))] if places and rng.random() < 0.6 else ""
        joined = posted - timedelta(days=int(rng.lognormal(np.log(900), 0.8)) + 1)
    badges = ("Vine Voice",) if review.vine else ()
    if review.reviewer_review_count >= 1000:
        badges += ("Top 1000 Reviewer",)
    return ReviewerProfile(
        user_id=review.user_id,
        profile_id=f"amzn1.account.{review.user_id}",
        display_name=name,
        location=location,
        joined_on=joined,
        review_count=review.reviewer_review_count,
        badges=badges,
    )


def reviewer_profiles(product: SimulatedProduct) -> dict[str, ReviewerProfile]:
    """Profiles of all of a product's reviewers, by ``user_id``."""
    return {review.user_id: reviewer_profile(review) for review in product.reviews}


def _genuine_name(rng: np.random.Generator, first: str, last: str) -> str:
    style = rng.random()
    if style < 0.55:
        return f"{first} {last[0]}."
    if style < 0.75:
        return f"{first} {last}"
    if style < 0.9:
        return "Amazon Customer"
    return f"{first.lower()}{last.lower()}{rng.integers(60, 100)}"
