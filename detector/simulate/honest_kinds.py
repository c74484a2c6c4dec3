"""Honest products of other shapes (issue 13): huge and seasonal, viral, small, revised.

What the detector must pass although their ratings are uneven in time or few:

* ``huge_seasonal``: 2,000–6,000 reviews over 2–3 years with a strong post-holiday peak
  (seasonal amplitude A = 0.5–0.9 in ``timeline.daily_intensity``, against 0.1–0.35).
* ``viral``: a genuine viral surge, 2–6 weeks in 20–80% of the life in which the daily volume
  is 5–20 times the usual; the buyers of the surge rate from the product's own mix (the truth's
  ``window_start``/``window_end`` are the surge's days; nothing is fake).
* ``small``: 20–60 honest reviews (the detector's minimum is 20).
* ``revision``: a genuine product revision, the mean rating moving from about 3.2 to about 4.4
  (each mix Dirichlet(30·centre) redrawn until its mean is within 0.15 of the target) at 30–70%
  of the reviews; nothing but the stars changes.
"""

from datetime import UTC, datetime, time, timedelta
from typing import Unpack

import numpy as np

from .records import GroundTruth, SimulatedProduct
from .scenarios import (
    ProductOptions,
    Seed,
    _as_tuple,
    _changed_stars,
    _draw_int,
    _genuine_only,
    _given,
    _life,
    _middle_start,
    _product,
    generator,
)

HUGE_REVIEW_RANGE = (2000, 6000)
HUGE_LIFE_RANGE = (730, 1095)
SMALL_REVIEW_RANGE = (20, 60)
REVISION_MEANS = (3.2, 4.4)
_BEFORE_CENTRE = (0.17, 0.14, 0.22, 0.24, 0.23)
_AFTER_CENTRE = (0.03, 0.03, 0.07, 0.26, 0.61)


def huge_seasonal(seed: Seed = None, **options: Unpack[ProductOptions]) -> SimulatedProduct:
    """A large honest product with a strong seasonal peak (module docstring)."""
    rng = generator(seed)
    n = _given(options, "n_reviews", lambda: _draw_int(rng, HUGE_REVIEW_RANGE))
    days = _given(options, "life_days", lambda: _draw_int(rng, HUGE_LIFE_RANGE))
    life = _life(rng, {**options, "n_reviews": n, "life_days": days})
    season = float(rng.uniform(0.5, 0.9))
    columns = _genuine_only(rng, life, [(life.star_mix, n)], season=season)
    return _product(life, columns, GroundTruth("huge_seasonal", star_mix=_as_tuple(life.star_mix)))


def viral(seed: Seed = None, **options: Unpack[ProductOptions]) -> SimulatedProduct:
    """An honest product with a genuine viral surge (module docstring)."""
    rng = generator(seed)
    life = _life(rng, options)
    length = min(_draw_int(rng, (14, 42)), life.days)
    first = _middle_start(rng, life, length)
    factor = float(rng.uniform(5.0, 20.0))
    columns = _genuine_only(
        rng, life, [(life.star_mix, life.n_reviews)], surge=(first, length, factor)
    )
    launch = datetime.combine(life.launch, time(), UTC)
    truth = GroundTruth(
        "viral",
        star_mix=_as_tuple(life.star_mix),
        window_start=launch + timedelta(days=first),  # the surge's days (no fake review)
        window_end=launch + timedelta(days=first + length),
    )
    return _product(life, columns, truth)


def small(seed: Seed = None, **options: Unpack[ProductOptions]) -> SimulatedProduct:
    """An honest product with 20–60 reviews."""
    rng = generator(seed)
    n = _given(options, "n_reviews", lambda: _draw_int(rng, SMALL_REVIEW_RANGE))
    life = _life(rng, {**options, "n_reviews": n})
    columns = _genuine_only(rng, life, [(life.star_mix, n)])
    return _product(life, columns, GroundTruth("small", star_mix=_as_tuple(life.star_mix)))


def revision(
    seed: Seed = None, *, change_fraction: float | None = None, **options: Unpack[ProductOptions]
) -> SimulatedProduct:
    """A genuine revision from a mean of about 3.2 to about 4.4 stars (module docstring)."""
    rng = generator(seed)
    before = _mix_near(rng, _BEFORE_CENTRE, REVISION_MEANS[0])
    after = _mix_near(rng, _AFTER_CENTRE, REVISION_MEANS[1])
    life = _life(rng, {**options, "star_mix": tuple(before)})
    return _changed_stars(rng, life, "revision", before, after, change_fraction)


def _mix_near(rng: np.random.Generator, centre: tuple[float, ...], mean: float) -> np.ndarray:
    """A Dirichlet(30·centre) mix whose mean star is within 0.15 of ``mean``."""
    stars = np.arange(1, 6)
    for _ in range(1000):
        mix = rng.dirichlet(30.0 * np.asarray(centre))
        if abs(float(stars @ mix) - mean) <= 0.15:
            return mix
    raise RuntimeError(f"no star mix near a mean of {mean} around {centre}")  # pragma: no cover
