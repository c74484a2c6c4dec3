"""Reviewer profiles of the demo shop, derived from simulated reviews.

A profile is a pure function of the review, seeded by a hash of its ``user_id``, so the demo
market can render any reviewer's page without storing anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from detector.simulate import SimulatedProduct, SimulatedReview


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
