"""When genuine reviews arrive: uneven daily volume over a product's life and realistic clock times.

Daily intensity (relative, day t = 0 .. life−1 after launch) is

    λ(t) = (1 − e^{−(t+1)/τ}) · e^{−t/T} · e^{W_⌊t/7⌋} · (1 + A·cos 2π(doy − 5)/365.25)
           · w[weekday] · (1 + Σ_k a_k e^{−(t−d_k)/s_k} [t ≥ d_k]) · G_t,   G_t ~ Gamma(3, 1/3)

a launch ramp (τ days), slow decline (T days), a weekly random walk W of popularity (search
rank, competitors; steps N(0, 0.15²)), a post-holiday peak in early January, a weekday effect,
spikes of genuine popularity (a sale, a press mention) and day-to-day noise. The review
count of each day is Multinomial(n, λ/Σλ). Clock times follow the diurnal curve of local time in
the reviewer's time zone, then are converted to UTC.
"""

from datetime import date

import numpy as np
from numpy.typing import NDArray

from .draws import categorical

SECONDS_PER_DAY = 86_400

COUNTRIES = (
    "United States", "Canada", "United Kingdom", "Germany", "India", "Australia", "Mexico",
    "Japan", "France", "Italy", "Spain",
)  # fmt: skip
HOME_COUNTRY = 0
# Share of a US product's genuine reviews shown as "Reviewed in <country>".
_GENUINE_COUNTRY_MIX = np.array(
    [0.93, 0.02, 0.015, 0.008, 0.01, 0.006, 0.004, 0.003, 0.002, 0.001, 0.001]
)
_GENUINE_COUNTRY_MIX /= _GENUINE_COUNTRY_MIX.sum()
_UTC_OFFSET_HOURS = np.array([-5.0, -5.0, 0.0, 1.0, 5.5, 10.0, -6.0, 9.0, 1.0, 1.0, 1.0])
# US reviewers spread over Eastern, Central, Mountain and Pacific time.
_US_OFFSETS = np.array([-5.0, -6.0, -7.0, -8.0])
_US_OFFSET_SHARE = np.array([0.47, 0.29, 0.07, 0.17])
# Relative posting activity per local hour 0..23: quiet before dawn, peaks in the evening.
_DIURNAL = np.array(
    [1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.8, 3.2, 3.4,
     3.5, 3.4, 3.4, 3.5, 3.7, 4.0, 4.4, 4.8, 5.0, 4.6, 3.5, 2.0]
)  # fmt: skip
_DIURNAL /= _DIURNAL.sum()
# Relative volume Monday..Sunday: a little more after the weekend's deliveries.
_WEEKDAY = np.array([1.08, 1.05, 1.0, 0.97, 0.9, 0.95, 1.05])


def epoch_day(day: date) -> int:
    """Days since 1970-01-01."""
    return int(np.datetime64(day, "D").astype(np.int64))


def weekday_of(epoch_days: np.ndarray) -> np.ndarray:
    """Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday)."""
    return (epoch_days + 3) % 7


def daily_intensity(
    rng: np.random.Generator,
    start: date,
    life_days: int,
    *,
    season: float | None = None,
    surge: tuple[int, int, float] | None = None,
) -> np.ndarray:
    """Relative review volume of each day of the product's life (see the module docstring).

    ``season``: the seasonal amplitude A (default drawn from 0.1–0.35; a huge seasonal product
    has 0.5–0.9). ``surge``: (first day, days, factor) of a genuine viral surge, the intensity
    multiplied by ``factor`` on those days (ramping up over the first fifth).
    """
    t = np.arange(life_days, dtype=float)
    days = epoch_day(start) + np.arange(life_days)
    day_of_year = (start - date(start.year, 1, 1)).days + t  # the cosine wraps each year itself
    weekday = weekday_of(days)
    ramp = 1.0 - np.exp(-(t + 1.0) / rng.uniform(7.0, 60.0))
    decline = np.exp(-t / rng.uniform(150.0, 1200.0))
    weekly_steps = rng.normal(0.0, 0.15, size=life_days // 7 + 1)
    drift = np.exp(np.cumsum(weekly_steps))[np.arange(life_days) // 7]
    amplitude = rng.uniform(0.1, 0.35) if season is None else season
    season_effect = 1.0 + amplitude * np.cos(2 * np.pi * (day_of_year - 5) / 365.25)
    weekday_effect = (_WEEKDAY * rng.uniform(0.95, 1.05, size=7))[weekday]
    n_spikes = rng.poisson(life_days / 120)
    onsets = rng.integers(0, life_days, size=(n_spikes, 1))
    sizes = rng.lognormal(np.log(5.0), 0.8, size=(n_spikes, 1))
    fades = rng.uniform(2.0, 10.0, size=(n_spikes, 1))
    since = t - onsets
    spikes = 1.0 + (sizes * np.exp(-np.maximum(since, 0.0) / fades) * (since >= 0)).sum(axis=0)
    noise = rng.gamma(3.0, 1.0 / 3.0, size=life_days)
    rate: NDArray[np.float64] = (
        ramp * decline * drift * season_effect * weekday_effect * spikes * noise
    )
    if surge is not None:
        first, length, factor = surge
        inside = (t >= first) & (t < first + length)
        build = np.clip((t - first + 1) / max(1.0, 0.2 * length), 0.0, 1.0)
        rate = rate * np.where(inside, 1.0 + (factor - 1.0) * build, 1.0)
    return rate


def genuine_days(
    rng: np.random.Generator,
    n: int,
    start: date,
    life_days: int,
    *,
    season: float | None = None,
    surge: tuple[int, int, float] | None = None,
) -> np.ndarray:
    """Day index (0 = launch) of each of ``n`` genuine reviews, ascending (``season``,
    ``surge``: see ``daily_intensity``)."""
    intensity = daily_intensity(rng, start, life_days, season=season, surge=surge)
    counts = rng.multinomial(n, intensity / intensity.sum())
    return np.repeat(np.arange(life_days), counts)


def genuine_countries(rng: np.random.Generator, n: int) -> np.ndarray:
    """Index into :data:`COUNTRIES` per review: mostly the home market."""
    return categorical(rng, _GENUINE_COUNTRY_MIX, n)


def local_clock_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after local midnight, following the diurnal posting curve."""
    hours = categorical(rng, _DIURNAL, n)
    return hours * 3600 + rng.integers(0, 3600, size=n)


def utc_offsets_seconds(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """The reviewer's UTC offset in seconds (daylight saving ignored)."""
    offsets = _UTC_OFFSET_HOURS[countries]
    home = countries == HOME_COUNTRY
    offsets[home] = _US_OFFSETS[categorical(rng, _US_OFFSET_SHARE, int(home.sum()))]
    seconds: NDArray[np.int64] = (offsets * 3600).astype(np.int64)
    return seconds
