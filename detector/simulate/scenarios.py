"""The scenarios: honest products, a genuine quality change, boosting, bad-mouthing, tiny products.

Every scenario is a function ``(seed, *, <its own parameters>, **ProductOptions) ->
SimulatedProduct``; ``seed`` is an int (or a numpy ``Generator`` to draw from) and the output
depends on nothing else. Product options not given (or None) are drawn: review count uniform on
150–800, launch between 2018-01-01 and 2022-06-30, life 1–3 years, the listing, and the product's
own star mix, Dirichlet(30 · p̄) around the J-shaped p̄ = (0.10, 0.05, 0.08, 0.17, 0.60), so
products differ as real ones do.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, TypedDict, TypeVar, Unpack

import numpy as np

from . import reviews, timeline
from .catalog import Listing, random_listing
from .draws import categorical
from .records import GroundTruth, ReviewColumns, SimulatedProduct

Seed = int | np.random.Generator | None
_T = TypeVar("_T")

HONEST_STAR_MIX = (0.10, 0.05, 0.08, 0.17, 0.60)
BAD_BATCH_STAR_MIX = (0.34, 0.14, 0.12, 0.14, 0.26)
MIX_CONCENTRATION = 30.0
REVIEW_COUNT_RANGE = (150, 800)
LIFE_DAYS_RANGE = (365, 1095)
TINY_LIMIT = 20  # tiny products have fewer reviews than the detector's minimum
ATTACK_SHARE_RANGE = (0.15, 0.30)  # drawn from when ``fake_share=None``
WINDOW_DAYS_RANGE = (3, 10)
_FIRST_LAUNCH, _LAST_LAUNCH = date(2018, 1, 1), date(2022, 6, 30)


def generator(seed: Seed) -> np.random.Generator:
    """The random generator a scenario draws from: ``seed`` itself or a fresh one seeded by it."""
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


class ProductOptions(TypedDict, total=False):
    """What every scenario lets the caller fix instead of drawing (see the module docstring)."""

    n_reviews: int
    start: date  # launch day
    life_days: int  # reviews arrive over [start, start + life_days)
    star_mix: Sequence[float]  # P(1★..5★) of the genuine reviews
    listing: Listing


@dataclass(frozen=True)
class _Life:
    listing: Listing
    launch: date
    days: int
    n_reviews: int
    star_mix: np.ndarray

    @property
    def first_day(self) -> int:
        return timeline.epoch_day(self.launch)

    @property
    def crawled_at(self) -> int:
        """When the reviews are read (the end of the life), in seconds: helpful votes' age."""
        return (self.first_day + self.days) * timeline.SECONDS_PER_DAY


def honest(seed: Seed = None, **options: Unpack[ProductOptions]) -> SimulatedProduct:
    """Genuine reviews only, stars i.i.d. from the product's mix: what the detector must pass."""
    rng = generator(seed)
    life = _life(rng, options)
    columns = _genuine_only(rng, life, [(life.star_mix, life.n_reviews)])
    return _product(life, columns, GroundTruth("honest", star_mix=_as_tuple(life.star_mix)))


def tiny(seed: Seed = None, **options: Unpack[ProductOptions]) -> SimulatedProduct:
    """An honest product with fewer than 20 reviews (default 3–19 over 1–13 months)."""
    rng = generator(seed)
    n = _given(options, "n_reviews", lambda: _draw_int(rng, (3, TINY_LIMIT - 1)))
    if not 1 <= n < TINY_LIMIT:
        raise ValueError(f"a tiny product has 1 to {TINY_LIMIT - 1} reviews, not {n}")
    days = _given(options, "life_days", lambda: _draw_int(rng, (30, 400)))
    life = _life(rng, {**options, "n_reviews": n, "life_days": days})
    columns = _genuine_only(rng, life, [(life.star_mix, n)])
    return _product(life, columns, GroundTruth("tiny", star_mix=_as_tuple(life.star_mix)))


def genuine_change(
    seed: Seed = None,
    *,
    direction: Literal["down", "up"] = "down",
    change_fraction: float | None = None,
    severity: float | None = None,
    **options: Unpack[ProductOptions],
) -> SimulatedProduct:
    """A real quality change: from review ``change_index`` on, stars come from another mix.

    ``down`` (a bad batch) moves from the product's honest mix to
    ``(1 − severity)·mix + severity·bad`` with ``bad`` ~ Dirichlet(30 · (0.34, 0.14, 0.12, 0.14,
    0.26)) redrawn until its mean is at least 0.8 stars below the mix's; ``up`` (a fix) goes the
    other way. ``change_fraction`` (default 0.3–0.7) places the change among the reviews;
    ``severity`` defaults to 0.7–1.0, so the mean moves by about 0.6–1.4 stars. Nothing but the
    stars changes: the reviews keep honest fingerprints, so ERO should not fire (CUSUM will,
    rightly).
    """
    if direction not in ("down", "up"):
        raise ValueError(f"direction must be 'down' or 'up', not {direction!r}")
    rng = generator(seed)
    life = _life(rng, options)
    good = life.star_mix
    bad = _bad_batch_mix(rng, good)
    weight = severity if severity is not None else float(rng.uniform(0.7, 1.0))
    worse = (1.0 - weight) * good + weight * bad
    before, after = (good, worse) if direction == "down" else (worse, good)
    return _changed_stars(rng, life, "genuine_change", before, after, change_fraction)


def _changed_stars(
    rng: np.random.Generator,
    life: _Life,
    scenario: str,
    before: np.ndarray,
    after: np.ndarray,
    change_fraction: float | None,
) -> SimulatedProduct:
    """Honest reviews whose stars come from ``before`` until ``change_index`` and from ``after``
    from there on; ``change_fraction`` (default uniform 0.3–0.7) of the reviews come before,
    at least one on each side. Shared by ``genuine_change`` and ``honest_kinds.revision``."""
    fraction = change_fraction if change_fraction is not None else float(rng.uniform(0.3, 0.7))
    n = life.n_reviews
    change_index = min(max(round(fraction * n), 1), n - 1)
    columns = _genuine_only(rng, life, [(before, change_index), (after, n - change_index)])
    truth = GroundTruth(
        scenario,
        star_mix=_as_tuple(before),
        change_index=change_index,
        change_at=_utc(columns.posted_at[change_index]),
        star_mix_after=_as_tuple(after),
    )
    return _product(life, columns, truth)


def _middle_start(rng: np.random.Generator, life: _Life, length: int) -> int:
    """The first day of a ``length``-day window drawn in the middle of the life: uniform on
    ``[0.2·days, max(0.8·days − length, 0)]`` (campaigns' windows, a viral surge)."""
    return _draw_int(rng, (int(0.2 * life.days), max(int(0.8 * life.days) - length, 0)))


def boost(
    seed: Seed = None,
    *,
    fake_share: float | None = 0.2,
    window_days: int | None = None,
    attack_start: date | None = None,
    **options: Unpack[ProductOptions],
) -> SimulatedProduct:
    """Honest reviews plus a burst of fake 5-star reviews (see :func:`attack`)."""
    return attack(
        seed, scenario="boost", rating=5, fake_share=fake_share, window_days=window_days,
        attack_start=attack_start, **options,
    )  # fmt: skip


def badmouth(
    seed: Seed = None,
    *,
    fake_share: float | None = 0.2,
    window_days: int | None = None,
    attack_start: date | None = None,
    **options: Unpack[ProductOptions],
) -> SimulatedProduct:
    """Honest reviews plus a burst of fake 1-star reviews (see :func:`attack`)."""
    return attack(
        seed, scenario="badmouth", rating=1, fake_share=fake_share, window_days=window_days,
        attack_start=attack_start, **options,
    )  # fmt: skip


def attack(
    seed: Seed = None,
    *,
    scenario: str,
    rating: int,
    fake_share: float | None,
    window_days: int | None = None,
    attack_start: date | None = None,
    **options: Unpack[ProductOptions],
) -> SimulatedProduct:
    """``round(fake_share · n_reviews)`` fake ``rating``-star reviews among honest ones.

    All fakes fall on days [attack_start, attack_start + window_days) (UTC). ``fake_share=None``
    draws it from 0.15–0.30; ``window_days`` defaults to 3–10; ``attack_start`` to a day between
    20% and 80% of the product's life.
    """
    if rating not in (1, 5):
        raise ValueError(f"campaigns post 1-star or 5-star reviews, not {rating}-star ones")
    rng = generator(seed)
    life = _life(rng, options)
    n = life.n_reviews
    share = fake_share if fake_share is not None else float(rng.uniform(*ATTACK_SHARE_RANGE))
    n_fake = round(share * n)
    if not 1 <= n_fake < n:
        raise ValueError(f"fake_share {share} of {n} reviews leaves no fake or no genuine review")
    window = window_days if window_days is not None else _draw_int(rng, WINDOW_DAYS_RANGE)
    first_day = _attack_first_day(rng, life, window, attack_start)
    seconds, countries = reviews.genuine_seconds(rng, n - n_fake, life.launch, life.days)
    genuine = reviews.genuine_block(
        rng,
        listing=life.listing,
        ratings=_stars(rng, life.star_mix, n - n_fake),
        seconds=seconds,
        countries=countries,
        start_day=life.first_day,
        crawled_at=life.crawled_at,
    )
    fakes = reviews.fake_block(
        rng,
        listing=life.listing,
        n=n_fake,
        rating=rating,
        window_first_day=life.first_day + first_day,
        window_days=window,
    )
    columns = reviews.assemble(rng, life.listing, [genuine, fakes])
    fake_positions = np.flatnonzero(columns.is_fake)
    window_start = datetime.combine(life.launch, time(), UTC) + timedelta(days=first_day)
    truth = GroundTruth(
        scenario,
        star_mix=_as_tuple(life.star_mix),
        fake_share=n_fake / n,
        fake_rating=rating,
        window_start=window_start,
        window_end=window_start + timedelta(days=window),
        fake_index_range=(int(fake_positions[0]), int(fake_positions[-1])),
    )
    return _product(life, columns, truth)


def _life(rng: np.random.Generator, options: ProductOptions) -> _Life:
    """The product's listing, launch, life, review count and star mix: given or drawn."""
    unknown = set(options) - ProductOptions.__optional_keys__
    if unknown:
        raise TypeError(f"unknown product options {sorted(unknown)}")
    listing = _given(options, "listing", lambda: random_listing(rng))
    start = _given(options, "start", lambda: _draw_day(rng, _FIRST_LAUNCH, _LAST_LAUNCH))
    days = _given(options, "life_days", lambda: _draw_int(rng, LIFE_DAYS_RANGE))
    n = _given(options, "n_reviews", lambda: _draw_int(rng, REVIEW_COUNT_RANGE))
    if n < 1 or days < 1:
        raise ValueError("a product needs at least one review and one day of life")
    return _Life(listing, start, days, n, _mix(rng, options.get("star_mix"), HONEST_STAR_MIX))


def _given(options: ProductOptions, key: str, draw: Callable[[], _T]) -> _T:
    """The caller's value for ``key``, or a draw when it is missing or None."""
    value = options.get(key)
    return draw() if value is None else value  # type: ignore[return-value]


def _draw_int(rng: np.random.Generator, bounds: tuple[int, int]) -> int:
    """Uniform on the closed range ``bounds``."""
    return int(rng.integers(bounds[0], bounds[1] + 1))


def _draw_day(rng: np.random.Generator, first: date, last: date) -> date:
    return first + timedelta(days=_draw_int(rng, (0, (last - first).days)))


def _mix(
    rng: np.random.Generator, given: Sequence[float] | None, center: Sequence[float]
) -> np.ndarray:
    """``given`` checked, or a product's own mix drawn from Dirichlet(30 · center)."""
    if given is None:
        return rng.dirichlet(MIX_CONCENTRATION * np.asarray(center))
    mix = np.asarray(given, dtype=float)
    if mix.shape != (5,) or np.any(mix < 0) or not np.isclose(mix.sum(), 1.0):
        raise ValueError(f"star_mix must be five probabilities for 1..5 stars, not {given}")
    return mix


def _bad_batch_mix(rng: np.random.Generator, good: np.ndarray) -> np.ndarray:
    """A bad batch's star mix, at least 0.8 stars below ``good`` on average (a change to notice)."""
    stars = np.arange(1, 6)
    for _ in range(100):
        bad = rng.dirichlet(MIX_CONCENTRATION * np.asarray(BAD_BATCH_STAR_MIX))
        if stars @ good - stars @ bad >= 0.8:
            return bad
    return np.array([0.6, 0.2, 0.1, 0.05, 0.05])  # ``good`` is already poor: go clearly lower


def _stars(rng: np.random.Generator, mix: np.ndarray, n: int) -> np.ndarray:
    return categorical(rng, mix, n) + 1


def _genuine_only(
    rng: np.random.Generator,
    life: _Life,
    segments: list[tuple[np.ndarray, int]],
    *,
    season: float | None = None,
    surge: tuple[int, int, float] | None = None,
) -> ReviewColumns:
    """Honest reviews whose stars come from each (mix, count) segment in turn, in arrival order
    (``season``, ``surge``: see ``timeline.daily_intensity``)."""
    n = sum(count for _, count in segments)
    seconds, countries = reviews.genuine_seconds(
        rng, n, life.launch, life.days, season=season, surge=surge
    )
    ratings = np.concatenate([_stars(rng, mix, count) for mix, count in segments])
    block = reviews.genuine_block(
        rng,
        listing=life.listing,
        ratings=ratings,
        seconds=seconds,
        countries=countries,
        start_day=life.first_day,
        crawled_at=life.crawled_at,
    )
    return reviews.assemble(rng, life.listing, [block])


def _attack_first_day(
    rng: np.random.Generator, life: _Life, window: int, attack_start: date | None
) -> int:
    """The window's first day, counted from launch: given, or drawn in 20–80% of the life."""
    if window < 1 or window > life.days:
        raise ValueError(f"window_days must be 1 to the product's life ({life.days}), not {window}")
    if attack_start is not None:
        first = (attack_start - life.launch).days
        if not 0 <= first <= life.days - window:
            raise ValueError(f"attack window from {attack_start} lies outside the product's life")
        return first
    high = max(int(0.8 * life.days) - window, 0)
    low = min(int(0.2 * life.days), high)
    return int(rng.integers(low, high + 1))


def _utc(moment: np.datetime64) -> datetime:
    naive: datetime = moment.astype(datetime)
    return naive.replace(tzinfo=UTC)


def _as_tuple(mix: np.ndarray) -> tuple[float, ...]:
    return tuple(float(p) for p in mix)


def _product(life: _Life, columns: ReviewColumns, truth: GroundTruth) -> SimulatedProduct:
    listing = life.listing
    return SimulatedProduct(
        asin=listing.asin,
        parent_asin=listing.parent_asin,
        title=listing.title,
        brand=listing.brand,
        category=listing.category,
        price=listing.price,
        list_price=listing.list_price,
        variants=listing.variants,
        scenario=truth.scenario,
        truth=truth,
        columns=columns,
    )
