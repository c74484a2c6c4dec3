"""Blocks of genuine and fake reviews, and their assembly into one product's columns.

Genuine reviews: stars i.i.d. from the product's mix (given by the caller); verified purchases
(≈90%, Vine reviews excepted); helpful votes negative-binomial and heavy-tailed, larger for
critical and for older reviews; reviewers' review counts log-normal (Vine reviewers prolific);
a few photos; the reviewer's variant from the product's variant popularity.

Fake reviews carry the fingerprints campaigns show: all inside a short window, most on a few
campaign days and around one or two clock hours (UTC); one star level; short generic texts and
stock titles; mostly unverified; new accounts (0–3 reviews); hardly any helpful votes or photos;
often the same variant and, for some campaigns, one foreign marketplace.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np

from . import timeline
from .catalog import Listing
from .draws import categorical, random_ids
from .records import ReviewColumns
from .text import fake_texts, fake_titles, genuine_texts, genuine_titles

# Mean helpful votes of a one-year-old genuine review, by star (index 1..5).
_HELPFUL_MEAN = np.array([0.0, 2.6, 2.0, 1.2, 0.8, 0.7])
_HELPFUL_DISPERSION = 0.35  # negative binomial shape: small = heavy tail
_PHOTO_CHANCE = np.array([0.0, 0.12, 0.09, 0.06, 0.07, 0.09])


@dataclass(frozen=True)
class Block:
    """Reviews of one origin (genuine or fake), in no particular order."""

    seconds: np.ndarray  # int64 seconds since the epoch, UTC
    rating: np.ndarray
    title: list[str]
    text: list[str]
    verified_purchase: np.ndarray
    helpful_votes: np.ndarray
    country: np.ndarray  # index into timeline.COUNTRIES
    reviewer_review_count: np.ndarray
    is_fake: np.ndarray
    vine: np.ndarray
    image_count: np.ndarray
    variant: np.ndarray  # index into the listing's variants


def genuine_seconds(
    rng: np.random.Generator,
    n: int,
    launch: date,
    life_days: int,
    *,
    season: float | None = None,
    surge: tuple[int, int, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """UTC posting times (ascending) and country index of ``n`` genuine reviews (``season``,
    ``surge``: see ``timeline.daily_intensity``)."""
    days = timeline.epoch_day(launch) + timeline.genuine_days(
        rng, n, launch, life_days, season=season, surge=surge
    )
    countries = timeline.genuine_countries(rng, n)
    local = timeline.local_clock_seconds(rng, n)
    seconds = days * timeline.SECONDS_PER_DAY + local
    seconds -= timeline.utc_offsets_seconds(rng, countries)
    order = np.argsort(seconds, kind="stable")
    return seconds[order], countries[order]


def genuine_block(
    rng: np.random.Generator,
    *,
    listing: Listing,
    ratings: np.ndarray,
    seconds: np.ndarray,
    countries: np.ndarray,
    start_day: int,
    crawled_at: int,
) -> Block:
    """Genuine reviews with the given stars and times (see the module docstring)."""
    n = ratings.size
    early = seconds < (start_day + 60) * timeline.SECONDS_PER_DAY
    vine = rng.random(n) < np.where(early, 0.12, 0.004)
    verified = ~vine & (rng.random(n) < 0.9)
    age_years = np.clip((crawled_at - seconds) / (365.0 * timeline.SECONDS_PER_DAY), 0.05, 3.0)
    helpful = _negative_binomial(rng, _HELPFUL_MEAN[ratings] * np.sqrt(age_years))
    counts = 1 + np.floor(rng.lognormal(np.log(5.0), 1.3, size=n))
    counts[vine] += np.floor(rng.lognormal(np.log(150.0), 0.8, size=int(vine.sum())))
    photos = np.where(rng.random(n) < _PHOTO_CHANCE[ratings], rng.geometric(0.55, size=n), 0)
    popularity = rng.dirichlet(np.full(len(listing.variants), 2.0))
    return Block(
        seconds=seconds,
        rating=ratings,
        title=genuine_titles(rng, ratings, noun=listing.noun),
        text=genuine_texts(rng, ratings, noun=listing.noun, brand=listing.brand),
        verified_purchase=verified,
        helpful_votes=helpful,
        country=countries,
        reviewer_review_count=np.minimum(counts, 5000),
        is_fake=np.zeros(n, dtype=bool),
        vine=vine,
        image_count=np.minimum(photos, 9),
        variant=categorical(rng, popularity, n),
    )


def fake_block(
    rng: np.random.Generator,
    *,
    listing: Listing,
    n: int,
    rating: int,
    window_first_day: int,
    window_days: int,
) -> Block:
    """``n`` campaign reviews of ``rating`` stars, posted on days [first, first + window_days)."""
    campaign_days = rng.choice(
        window_days, size=min(window_days, int(rng.integers(2, 5))), replace=False
    )
    day_weights = rng.dirichlet(np.full(campaign_days.size, 2.0))
    days = np.where(
        rng.random(n) < 0.85,
        campaign_days[categorical(rng, day_weights, n)],
        rng.integers(0, window_days, size=n),
    )
    hour_centers = rng.integers(0, 24, size=int(rng.integers(1, 3)))
    hours = (
        hour_centers[rng.integers(0, hour_centers.size, size=n)]
        + np.rint(rng.normal(0, 0.8, size=n))
    ) % 24
    seconds = (window_first_day + days) * timeline.SECONDS_PER_DAY + hours.astype(np.int64) * 3600
    seconds += rng.integers(0, 3600, size=n)
    foreign = int(rng.integers(1, len(timeline.COUNTRIES)))
    campaign_country = foreign if rng.random() < 0.5 else timeline.HOME_COUNTRY
    countries = np.where(rng.random(n) < 0.7, campaign_country, timeline.HOME_COUNTRY)
    target_variant = int(rng.integers(len(listing.variants)))
    variants = np.where(
        rng.random(n) < 0.85, target_variant, rng.integers(0, len(listing.variants), size=n)
    )
    ratings = np.full(n, rating, dtype=np.int64)
    return Block(
        seconds=seconds,
        rating=ratings,
        title=fake_titles(rng, ratings),
        text=fake_texts(rng, ratings, noun=listing.noun),
        verified_purchase=rng.random(n) < 0.2,
        helpful_votes=_negative_binomial(rng, np.full(n, 0.1)),
        country=countries,
        reviewer_review_count=rng.integers(0, 4, size=n),
        is_fake=np.ones(n, dtype=bool),
        vine=np.zeros(n, dtype=bool),
        image_count=(rng.random(n) < 0.02).astype(np.int64),
        variant=variants,
    )


def assemble(rng: np.random.Generator, listing: Listing, blocks: list[Block]) -> ReviewColumns:
    """Merge blocks in arrival order (stable: ties keep block order) and give out ids."""
    seconds = np.concatenate([block.seconds for block in blocks])
    order = np.argsort(seconds, kind="stable")
    n = order.size

    def merged(name: str) -> np.ndarray:
        return np.concatenate([getattr(block, name) for block in blocks])[order]

    def merged_list(name: str) -> tuple[str, ...]:
        pooled = [item for block in blocks for item in getattr(block, name)]
        return tuple(pooled[i] for i in order.tolist())

    return ReviewColumns(
        review_id=random_ids(rng, n, prefix="R", length=14),
        user_id=random_ids(rng, n, prefix="AE", length=28),
        rating=merged("rating").astype(np.int8),
        title=merged_list("title"),
        text=merged_list("text"),
        posted_at=seconds[order].astype("datetime64[s]"),
        verified_purchase=merged("verified_purchase").astype(bool),
        helpful_votes=merged("helpful_votes").astype(np.int32),
        country=np.asarray(timeline.COUNTRIES)[merged("country")],
        reviewer_review_count=merged("reviewer_review_count").astype(np.int32),
        is_fake=merged("is_fake").astype(bool),
        vine=merged("vine").astype(bool),
        image_count=merged("image_count").astype(np.int8),
        variant=np.asarray(listing.variants)[merged("variant")],
    )


def _negative_binomial(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    """Counts with the given means and a heavy tail (variance = mean + mean²/0.35)."""
    shape = _HELPFUL_DISPERSION
    return rng.negative_binomial(shape, shape / (shape + mean))
