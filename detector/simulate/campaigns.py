"""Campaigns beyond the short burst (issue 13), each planted among honest reviews with its truth.

* ``launch_boost``: 5-star fakes on every day of the first 2–6 weeks after launch, 20–40% of
  all reviews.
* ``slow_drip``: a few 5-star fakes every week of the product's life, 10–20% of all reviews:
  no change interval, only who wrote them shows.
* ``camouflage``: 4- and 5-star fakes (40/60), honest texts and lengths, 70% verified purchases,
  aged accounts, posted on every weekday (Monday–Friday) of two months, 10–25% of all reviews;
  half the campaigns post at their workers' office hours, half at the shoppers' evening clock.
* ``badmouth2``: 2-star bad-mouthing (80% 2-star, 20% 1-star) over 1–3 weeks, 15–30%.
* ``incentivised``: a block of one month of long (two honest bodies), unverified (10%
  verified) 5- and 4-star reviews (70/30) from accounts with histories at the shoppers' clock,
  15–30%.

Every campaign's shape is a ``Style``: the share of verified purchases, of new accounts (0–2
reviews; the others draw an honest-looking log-normal history), the texts ("short": the stock
phrases of ``text.fake_texts``; "honest": ``text.genuine_texts``; "long": two of them) and the
clock ("worker": local office hours 9–17 in one time zone, often abroad; "honest": the home
market's diurnal curve).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal, Unpack

import numpy as np

from . import reviews, timeline
from .catalog import Listing
from .records import GroundTruth, SimulatedProduct
from .scenarios import (
    ProductOptions,
    Seed,
    _as_tuple,
    _draw_int,
    _Life,
    _life,
    _middle_start,
    _product,
    _stars,
    generator,
)
from .text import fake_texts, fake_titles, genuine_texts, genuine_titles

_WORKER_OFFSETS = np.array([-5.0, 0.0, 1.0, 3.0, 5.5, 6.0, 7.0, 8.0])


@dataclass(frozen=True)
class Style:
    """How a campaign's reviews look (module docstring)."""

    verified: float
    new_accounts: float
    texts: Literal["short", "honest", "long"]
    clock: Literal["worker", "honest"]
    helpful_mean: float = 0.1


def launch_boost(
    seed: Seed = None, *, fake_share: float | None = None, **options: Unpack[ProductOptions]
) -> SimulatedProduct:
    """5-star fakes on the first 2–6 weeks' days, 20–40% of the reviews (module docstring)."""
    rng, life, n_fake = _start(seed, fake_share, (0.2, 0.4), options)
    window = min(_draw_int(rng, (14, 42)), life.days)
    days = rng.integers(0, window, size=n_fake)
    ratings = np.full(n_fake, 5)
    style = Style(verified=0.25, new_accounts=0.8, texts="short", clock="worker")
    return _planted(rng, life, "launch_boost", days, ratings, style, (0, window))


def slow_drip(
    seed: Seed = None, *, fake_share: float | None = None, **options: Unpack[ProductOptions]
) -> SimulatedProduct:
    """A few 5-star fakes every week of the life, 10–20% of the reviews (module docstring)."""
    rng, life, n_fake = _start(seed, fake_share, (0.10, 0.20), options)
    weeks = max(life.days // 7, 1)
    week = np.sort(rng.integers(0, weeks, size=n_fake))
    days = np.minimum(week * 7 + rng.integers(0, 7, size=n_fake), life.days - 1)
    ratings = np.full(n_fake, 5)
    style = Style(verified=0.3, new_accounts=0.7, texts="short", clock="worker")
    return _planted(rng, life, "slow_drip", days, ratings, style, (0, life.days))


def camouflage(
    seed: Seed = None, *, fake_share: float | None = None, **options: Unpack[ProductOptions]
) -> SimulatedProduct:
    """4/5-star fakes with honest looks on the weekdays of two months (module docstring)."""
    rng, life, n_fake = _start(seed, fake_share, (0.10, 0.25), options)
    window = min(60, life.days)
    first = _middle_start(rng, life, window)
    offsets = np.arange(first, first + window)
    weekdays = offsets[timeline.weekday_of(life.first_day + offsets) < 5]
    days = np.sort(weekdays[rng.integers(0, weekdays.size, size=n_fake)])
    ratings = np.where(rng.random(n_fake) < 0.4, 4, 5)
    clock: Literal["worker", "honest"] = "worker" if rng.random() < 0.5 else "honest"
    style = Style(verified=0.7, new_accounts=0.1, texts="honest", clock=clock, helpful_mean=0.4)
    return _planted(rng, life, "camouflage", days, ratings, style, (first, first + window))


def badmouth2(
    seed: Seed = None, *, fake_share: float | None = None, **options: Unpack[ProductOptions]
) -> SimulatedProduct:
    """2-star (and some 1-star) fakes over 1–3 weeks, 15–30% of the reviews."""
    rng, life, n_fake = _start(seed, fake_share, (0.15, 0.30), options)
    window = min(_draw_int(rng, (7, 21)), life.days)
    first = _middle_start(rng, life, window)
    days = first + rng.integers(0, window, size=n_fake)
    ratings = np.where(rng.random(n_fake) < 0.8, 2, 1)
    style = Style(verified=0.2, new_accounts=0.8, texts="short", clock="worker")
    return _planted(rng, life, "badmouth2", days, ratings, style, (first, first + window))


def incentivised(
    seed: Seed = None, *, fake_share: float | None = None, **options: Unpack[ProductOptions]
) -> SimulatedProduct:
    """A month of long, unverified 5/4-star reviews, 15–30% of the reviews."""
    rng, life, n_fake = _start(seed, fake_share, (0.15, 0.30), options)
    window = min(30, life.days)
    first = _middle_start(rng, life, window)
    days = first + rng.integers(0, window, size=n_fake)
    ratings = np.where(rng.random(n_fake) < 0.7, 5, 4)
    style = Style(verified=0.1, new_accounts=0.05, texts="long", clock="honest", helpful_mean=0.5)
    return _planted(rng, life, "incentivised", days, ratings, style, (first, first + window))


def _start(
    seed: Seed, given: float | None, bounds: tuple[float, float], options: ProductOptions
) -> tuple[np.random.Generator, _Life, int]:
    """Every campaign's first draws, in this order: the product's life, then the fake share
    (``given``, else uniform on ``bounds``); the fakes are ``round(share * n_reviews)``."""
    rng = generator(seed)
    life = _life(rng, options)
    share = given if given is not None else float(rng.uniform(*bounds))
    return rng, life, _fakes(share, life.n_reviews)


def _fakes(share: float, n: int) -> int:
    n_fake = round(share * n)
    if not 1 <= n_fake < n:
        raise ValueError(f"fake_share {share} of {n} reviews leaves no fake or no genuine review")
    return n_fake


def _planted(
    rng: np.random.Generator,
    life: _Life,
    scenario: str,
    days: np.ndarray,
    ratings: np.ndarray,
    style: Style,
    window: tuple[int, int],
) -> SimulatedProduct:
    """Honest reviews for the rest of the product and the campaign's, merged, with the truth."""
    n_fake = int(ratings.size)
    n_genuine = life.n_reviews - n_fake
    seconds, countries = reviews.genuine_seconds(rng, n_genuine, life.launch, life.days)
    genuine = reviews.genuine_block(
        rng,
        listing=life.listing,
        ratings=_stars(rng, life.star_mix, n_genuine),
        seconds=seconds,
        countries=countries,
        start_day=life.first_day,
        crawled_at=life.crawled_at,
    )
    fakes = campaign_block(rng, life.listing, life.first_day + days, ratings, style)
    columns = reviews.assemble(rng, life.listing, [genuine, fakes])
    positions = np.flatnonzero(columns.is_fake)
    launch = datetime.combine(life.launch, time(), UTC)
    truth = GroundTruth(
        scenario,
        star_mix=_as_tuple(life.star_mix),
        fake_share=n_fake / life.n_reviews,
        fake_rating=int(np.bincount(ratings).argmax()),
        window_start=launch + timedelta(days=window[0]),
        window_end=launch + timedelta(days=window[1]),
        fake_index_range=(int(positions[0]), int(positions[-1])),
    )
    return _product(life, columns, truth)


def campaign_block(
    rng: np.random.Generator,
    listing: Listing,
    days: np.ndarray,
    ratings: np.ndarray,
    style: Style,
) -> reviews.Block:
    """Campaign reviews of ``ratings`` on epoch ``days``, looking as ``style`` says."""
    n = int(ratings.size)
    home = np.full(n, timeline.HOME_COUNTRY)
    if style.clock == "worker":
        offset = float(rng.choice(_WORKER_OFFSETS))
        local = rng.integers(9 * 3600, 17 * 3600, size=n)
        seconds = days * timeline.SECONDS_PER_DAY + local - int(offset * 3600)
        abroad = int(rng.integers(1, len(timeline.COUNTRIES)))
        countries = np.where(rng.random(n) < 0.7, abroad if rng.random() < 0.5 else 0, home)
    else:
        countries = home
        local = timeline.local_clock_seconds(rng, n)
        seconds = days * timeline.SECONDS_PER_DAY + local
        seconds -= timeline.utc_offsets_seconds(rng, countries)
    new = rng.random(n) < style.new_accounts
    aged = 1 + np.floor(rng.lognormal(np.log(5.0), 1.3, size=n))
    return reviews.Block(
        seconds=seconds.astype(np.int64),
        rating=ratings.astype(np.int64),
        title=_titles(rng, ratings, style, listing),
        text=_texts(rng, ratings, style, listing),
        verified_purchase=rng.random(n) < style.verified,
        helpful_votes=rng.poisson(style.helpful_mean, size=n),
        country=countries,
        reviewer_review_count=np.where(new, rng.integers(0, 3, size=n), np.minimum(aged, 5000)),
        is_fake=np.ones(n, dtype=bool),
        vine=np.zeros(n, dtype=bool),
        image_count=(rng.random(n) < 0.02).astype(np.int64),
        variant=rng.integers(0, len(listing.variants), size=n),
    )


def _texts(
    rng: np.random.Generator, ratings: np.ndarray, style: Style, listing: Listing
) -> list[str]:
    if style.texts == "short":  # the stock phrases exist for 1 and 5 stars
        return fake_texts(rng, np.where(ratings >= 3, 5, 1), noun=listing.noun)
    first = genuine_texts(rng, ratings, noun=listing.noun, brand=listing.brand)
    if style.texts == "honest":
        return first
    second = genuine_texts(rng, ratings, noun=listing.noun, brand=listing.brand)
    return [f"{a} {b}" for a, b in zip(first, second, strict=True)]


def _titles(
    rng: np.random.Generator, ratings: np.ndarray, style: Style, listing: Listing
) -> list[str]:
    if style.texts == "short":
        return fake_titles(rng, np.where(ratings >= 3, 5, 1))
    return genuine_titles(rng, ratings, noun=listing.noun)
