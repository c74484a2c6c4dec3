"""The star window: a stretch of extra top-star (or bottom-star) reviews whose reviews are unlike
the reviews of the same stars elsewhere (issue 13: camouflaged campaigns).

Why. A camouflaged campaign (4- and 5-star mixes, honest lengths, mostly verified, aged accounts,
two months) moves the mean rating in its window by only about a third of a star, so the CUSUM for
a shift of ν = 0.6 forms no change interval; and because its fakes sit on the star levels most
honest reviews sit on, ERO's star-level contrasts are diluted. Measured with the true window on
both generators (40 camouflaged products each), the strongest evidence is inside the window: the
share of 4- and 5-star reviews rises (median z 4.1 and 5.5) and, *at the same star level*, the
window's reviews are more often unverified (z 3.1 and 3.9), posted on weekdays (2.0 and 4.5) and at
quiet hours (0.3 and 4.4). Neither half is proof alone: a genuine revision raises the top share
for good, and a launch or a viral week changes who writes. Together they are the campaign.

**The window (ratings only).** For each side the mark x = 1[rating ≥ 4] ("top") or
1[rating ≤ 2] ("bottom") in arrival order is standardised, z = (x − x̄)/sd(x), and its upward
CUSUM with k = ``HALF_NU`` (0.25 sd: a window where fakes are 60–70% of the reviews moves the top
share by 0.3–0.4 sd) gives the largest excursion M and the stretch that built it (one after the
last zero before the peak, to the peak), widened to whole days (a stretch cut inside a day holds
a biased slice of that day's hours: on a simulated product of 5,408 honest reviews a two-day
window cut at its ends showed a "clock" z of 6.4). Its chance probability under the exchangeable
null comes from the law of ``detector.consistency.threshold`` with θ the Lundberg root of z,
doubled as the feature scan's binary sequences need (``LAW_PENALTY``):

    p_window = min(1, 2 · P(M ≥ m))

**The contrast (who wrote the window's reviews).** Given the window, each review mark j
(``unverified``: no verified purchase; ``new_account``: the account's history h ≤ 1) is
compared inside against outside *within each star level* (Cochran–Mantel–Haenszel: O_s marked
reviews of star s in the window, W_s of its N_s reviews in the window, K_s marked,
E_s = W_s K_s / N_s and V_s = W_s (N_s − W_s) K_s (N_s − K_s) / (N_s² (N_s − 1))):

    z_j = (Σ_s O_s − Σ_s E_s) / √(Σ_s V_s)

The posting clock (``clock``) is compared the same way over its six 4-hour blocks, by the
generalized CMH statistic of general association, Q = dᵀ V⁻¹ d with d = Σ_s (n_s − W_s K_s/N_s)
(n_s, K_s the window's and the star level's counts by block) and V = Σ_s W_s (N_s − W_s) /
(N_s² (N_s − 1)) · (N_s diag(K_s) − K_s K_sᵀ) on the blocks but one, χ² with (blocks − 1) df,
read as z_clock = Φ⁻¹(1 − p_Q): a campaign posts at its workers' hours, which may be the
shoppers' quiet hours or their busy ones. (A quiet-hours mark, as the feature scan uses, is
defined by the product's own hours, fakes included: a campaign posting at 9–17 makes those
blocks busy and its z negative, −3.3 on one camouflaged product of the simulator.)

``weekday``, a property of the day and not of the review (daily counts are overdispersed, so a
review-level test of it is not valid), is compared at the day level: with A, B the window's
weekend and weekday reviews on d_A, d_B days and C, D, d_C, d_D outside,

    z_weekday = −[log(A/d_A) − log(B/d_B) − log(C/d_C) + log(D/d_D)] / √(φ (1/A + 1/B + 1/C + 1/D))

(+½ on every count when one is 0). φ ≥ 1 is the daily counts' overdispersion *within a week*:
the Pearson χ² per degree of freedom of the Poisson model "each 7-day block its own level, weekend
days at one common ratio to weekdays" (the maximum-likelihood fit is closed form: day d of block w
expects μ_d = T_w ρ_d / Σ_{d'∈w} ρ_d', ρ the weekend and weekday rates per day over the blocks),

    φ = max(1, Σ_d (c_d − μ_d)² / μ_d / (days − blocks − 1))    (blocks with reviews only),

since the contrast compares weekend with weekday days of the same stretch, which a product's slow
changes of level (launch, decay, seasons, the campaign's own weeks) leave alone. (It was the
whole life's variance-to-mean ratio, which those changes inflate: 8.2 on a simulated camouflaged
product of 691 reviews whose within-week φ is 1.3, its weekday z 1.7 instead of 4.2.) All are
one-sided, the way a campaign moves them, and combined by Stouffer with the review marks'
correlation R (of the marks' residuals from their star-level means; clock and weekday taken
independent of them):

    p_contrast = 1 − Φ(Σ_j z_j / √(1ᵀ R 1)).

Under honest data features do not depend on time given the star, and the window was chosen from
the ratings alone, so p_contrast is a valid p-value given the window.

**The conjunction.** The null "no window, *or* a window whose reviews are like the others" is
rejected only when both halves are: an intersection–union test, here with the window half at ten
times the contrast's level (``WINDOW_WEIGHT`` = 0.1: the window only *locates* the stretch, and a
camouflaged campaign moves the ratings so little that p_window < 0.01 finds it on about half of
the campaigns; who wrote the stretch's reviews is the evidence):

    p_side = max(0.1 · p_window, p_contrast),      p = min(1, 2 · min(p_top, p_bottom))

so p < α means p_window < 10α and p_contrast < α on one side (×2 for the side). Its size is ≤ α
against a genuine change of the star mix (the window half always passes, the contrast half is
uniform), ≤ 10α against an honest product whose reviewers' features drift in time without a
star window, and ≈ 10α² against a stationary honest product.

Measured with the packaged model on 40 products a scenario (first version, a symmetric
max(p_window, p_contrast) with a quiet-hours mark and windows cut inside days → now): p < 0.01 on
1 (an honest large product's Christmas window) → 0 of 160 honest and 0 → 0 of 40 genuinely
changed products of the independent generator, 0 → 0 of 240 of the project simulator; camouflaged
products at p < 0.01 on the independent generator 55% → 57%, on the simulator 33% → 53%.
The verdict's use of p is written in ``detector.verdict``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from detector.consistency.iso_dates import iso_days
from detector.consistency.kernel import (
    calendar_arrays,
    clock_codes,
    generalized_cmh,
    mark_rows,
    stratified_contrasts,
    whole_days,
    window_stretch,
    within_star_correlation_sum,
)
from detector.consistency.threshold import law_p
from detector.ero.features import HOUR_BLOCK

__all__ = ["HALF_NU", "StarWindow", "WindowContrast", "star_window"]

Side = Literal["top", "bottom"]
HALF_NU = 0.25
LAW_PENALTY = 2.0
WINDOW_WEIGHT = 0.1  # the window half's level relative to the contrast half's (module docstring)
MIN_INSIDE = 5  # reviews inside and outside the window for a contrast
MIN_REVIEWS = 20
UNKNOWN_HOUR = 30  # the clock code of a review without an hour (known: 6 · (star − 1) + block)
MARKS = ("unverified", "new_account")  # the review marks, in the rows' order
SELF = "self: the window from this product's ratings, its reviews against the same stars' others"


@dataclass(frozen=True)
class StarWindow:
    """The star window of one product (module docstring); indices in arrival order."""

    side: Side
    start: int
    end: int
    p_window: float
    p_contrast: float
    contrasts: Mapping[str, float] = field(default_factory=dict)  # z per mark
    p: float = 1.0  # min(1, 2 · min over sides of max(0.1 · p_window, p_contrast))

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def to_dict(self, dates: NDArray[np.datetime64] | None = None) -> dict[str, Any]:
        days = None
        if dates is not None and dates.size > self.end:
            days = iso_days(dates, (self.start, self.end))
        return {
            "side": self.side,
            "start": self.start,
            "end": self.end,
            "reviews": self.length,
            "days": days,
            "p": float(f"{self.p:.6g}"),
            "p_window": float(f"{self.p_window:.6g}"),
            "p_contrast": float(f"{self.p_contrast:.6g}"),
            "contrasts": {k: round(v, 3) for k, v in sorted(self.contrasts.items())},
            "calibration": SELF,
        }


def star_window(
    ratings: ArrayLike,
    *,
    days: ArrayLike,
    verified: ArrayLike | None = None,
    history: ArrayLike | None = None,
    hours: ArrayLike | None = None,
    contrast: WindowContrast | None = None,
) -> StarWindow | None:
    """The better side's star window (module docstring), None when no side can be scanned.

    ``ratings`` in arrival order (1-5), ``days`` their dates (datetime64, same order);
    ``verified`` booleans, ``history`` the accounts' review counts (NaN unknown), ``hours`` 0-23
    (NaN unknown), each optional. ``contrast``: the same product's ``WindowContrast`` when the
    caller built it already (it then ignores ``days``, ``verified``, ``history``, ``hours``).
    """
    stars = np.asarray(ratings, dtype=np.int64)
    if stars.size < MIN_REVIEWS:
        return None
    if contrast is None:
        contrast = WindowContrast.of(
            stars, days=days, verified=verified, history=history, hours=hours
        )
    best: StarWindow | None = None
    for side in ("top", "bottom"):
        found = _side(side, stars, contrast)
        if found is not None and (best is None or found.p < best.p):
            best = found
    if best is None:
        return None
    return StarWindow(
        best.side,
        best.start,
        best.end,
        best.p_window,
        best.p_contrast,
        best.contrasts,
        p=min(1.0, 2.0 * best.p),
    )


@dataclass(frozen=True)
class WindowContrast:
    """One product's contrast of "who wrote a stretch's reviews" (module docstring: the review
    marks by CMH within star levels, the clock by generalized CMH, the weekday at the day level,
    Stouffer with the marks' correlation), built once and asked for any stretch: the star window
    of either side, or a change interval (``detector.analysis``)."""

    stars: NDArray[np.int64]
    names: list[str]
    rows: NDArray[np.int8]
    spread: float
    clock: _Clock | None
    calendar: _Calendar
    levels: NDArray[np.int64]  # star − 1 (0–4), the strata of the review marks' contrasts

    @classmethod
    def of(
        cls,
        ratings: ArrayLike,
        *,
        days: ArrayLike,
        verified: ArrayLike | None = None,
        history: ArrayLike | None = None,
        hours: ArrayLike | None = None,
    ) -> WindowContrast:
        stars = np.asarray(ratings, dtype=np.int64)
        names, rows = _review_marks(stars, verified, history)
        levels = stars - 1
        spread = within_star_correlation_sum(levels, rows) if names else 0.0
        calendar = _Calendar.of(np.asarray(days).astype("datetime64[D]").astype(np.int64))
        return cls(stars, names, rows, spread, _Clock.of(stars, hours), calendar, levels)

    def whole_days(self, start: int, end: int) -> tuple[int, int]:
        """``start``..``end`` widened to whole days: a stretch cut inside a day would hold a
        biased slice of that day's hours."""
        first, last = whole_days(self.calendar.day, int(start), int(end))  # two searchsorted
        return int(first), int(last)

    def p(self, start: int, end: int) -> tuple[float, dict[str, float]] | None:
        """(p_contrast, z per mark) of reviews ``start``..``end`` (whole days) against the
        same stars' others; None when nothing can be contrasted."""
        found = (
            stratified_contrasts(self.levels, self.rows, int(start), int(end))
            if self.names
            else np.zeros(0)
        )
        contrasts = {name: float(value) for name, value in zip(self.names, found, strict=True)}
        total = float(found.sum())
        variance = self.spread
        if self.clock is not None:
            hours_z = self.clock.z(int(start), int(end))
            if hours_z is not None:
                contrasts["clock"] = hours_z
                total += hours_z
                variance += 1.0
        calendar = self.calendar
        weekday = calendar.weekday_z(int(calendar.day[start]), int(calendar.day[end]))
        if weekday is not None:
            contrasts["weekday"] = weekday
            total += weekday
            variance += 1.0
        if variance <= 0.0:
            return None
        p_contrast = float(0.5 * special.erfc(total / math.sqrt(variance) / math.sqrt(2.0)))
        return p_contrast, contrasts


def _side(side: Side, stars: NDArray[np.int64], contrast: WindowContrast) -> StarWindow | None:
    """One side's window, its contrast and max(0.1 · p_window, p_contrast) as ``p``."""
    # compiled: the mark, its standardisation, θ, the excursion and its stretch in whole days
    share, theta, top, start, end = window_stretch(
        stars, side == "top", HALF_NU, contrast.calendar.day
    )
    if share in (0.0, 1.0):
        return None
    length = end - start + 1
    if length < MIN_INSIDE or stars.size - length < MIN_INSIDE:
        return None
    p_window = min(1.0, LAW_PENALTY * law_p(int(stars.size), float(theta), float(top)))
    found = contrast.p(start, end)
    if found is None:
        return None
    p_contrast, contrasts = found
    return StarWindow(
        side,
        int(start),
        int(end),
        p_window,
        p_contrast,
        contrasts,
        p=max(WINDOW_WEIGHT * p_window, p_contrast),
    )


def _review_marks(
    stars: NDArray[np.int64],
    verified: ArrayLike | None,
    history: ArrayLike | None,
) -> tuple[list[str], NDArray[np.int8]]:
    """The names of the review marks present (module docstring), each marking some review, and
    their rows (m × n: 1 marked, 0 not, −1 unknown)."""
    n = stars.size
    flags = np.zeros(n, dtype=np.bool_)
    use_verified = False
    if verified is not None:
        given = np.asarray(verified)
        if given.dtype == np.bool_ and given.shape == (n,):
            flags, use_verified = given, True
    counts = np.full(n, np.nan) if history is None else np.asarray(history, dtype=np.float64)
    if counts.shape != (n,):
        raise ValueError(f"history has shape {counts.shape} for {n} reviews")
    # compiled: both rows, whether each marks a review, the known histories
    rows, marking, known = mark_rows(np.ascontiguousarray(flags), np.ascontiguousarray(counts))
    present = [use_verified and bool(marking[0]), known >= MIN_REVIEWS and bool(marking[1])]
    names = [name for name, kept in zip(MARKS, present, strict=True) if kept]
    if all(present):
        return names, rows
    return names, rows[[row for row, kept in enumerate(present) if kept]]


BLOCKS = 24 // HOUR_BLOCK


@dataclass(frozen=True)
class _Clock:
    """Each review coded 6·(star − 1) + its 4-hour block (``UNKNOWN_HOUR`` where no hour is
    known)."""

    codes: NDArray[np.intp]

    @classmethod
    def of(cls, stars: NDArray[np.int64], hours: ArrayLike | None) -> _Clock | None:
        if hours is None:
            return None
        h = np.asarray(hours, dtype=np.float64)
        known = np.isfinite(h)
        if np.count_nonzero(known) < MIN_REVIEWS:
            return None
        # compiled: 6 · (star − 1) + the 4-hour block, UNKNOWN_HOUR without an hour
        return cls(clock_codes(stars, h, float(HOUR_BLOCK), BLOCKS, UNKNOWN_HOUR))

    def z(self, start: int, end: int) -> float | None:
        """Φ⁻¹(1 − p) of the generalized CMH statistic for reviews ``start``..``end`` against
        the rest (module docstring; compiled: ``kernel.generalized_cmh``); None with fewer
        than two blocks in use."""
        q, df = generalized_cmh(self.codes, start, end, 5, BLOCKS)
        if df == 0:
            return None
        p = float(special.chdtrc(df, max(q, 0.0)))
        return float(-special.ndtri(max(p, 1e-300)))


@dataclass(frozen=True)
class _Calendar:
    """The product's daily review counts, split into weekend and weekday days, as prefix sums
    (so that any window's weekday contrast costs O(1))."""

    day: NDArray[np.int64]  # each review's day (epoch days), arrival order
    origin: int
    weekend_reviews: NDArray[np.float64]  # prefix sums over the days from ``origin``
    weekday_reviews: NDArray[np.float64]
    weekend_days: NDArray[np.float64]
    dispersion: float  # φ ≥ 1, the daily counts' overdispersion within a week (module docstring)

    @classmethod
    def of(cls, day: NDArray[np.int64]) -> _Calendar:
        """The counts, prefix sums and the χ² of φ in one compiled pass
        (``detector.consistency.kernel.calendar_arrays``); φ from them as
        the module docstring gives it (with no whole 7-day block, the daily counts'
        variance-to-mean ratio)."""
        found = calendar_arrays(np.ascontiguousarray(day, dtype=np.int64))
        origin, counts, weekend_reviews, weekday_reviews, weekend_days, chi2, df = found
        if df < 0:  # no whole week: the variance-to-mean ratio
            mean = float(counts.mean())
            dispersion = max(1.0, float(counts.var()) / mean) if mean > 0 else 1.0
        else:
            dispersion = max(1.0, chi2 / df) if df > 0 else 1.0
        return cls(day, int(origin), weekend_reviews, weekday_reviews, weekend_days, dispersion)

    def weekday_z(self, first: int, last: int) -> float | None:
        """The day-level weekday contrast of the days ``first``..``last`` (module docstring);
        None when the window or the rest has no weekend or no weekday day. Four cells, so in
        Python floats (the same IEEE operations numpy did on arrays of four, its sum of the
        four 1/cell from 0.0 in order), the logarithms by ``np.log`` as before."""
        lo, hi = first - self.origin, last - self.origin + 1
        days_total = self.weekend_days.size - 1
        end_days = self.weekend_days
        end_in = float(end_days[hi] - end_days[lo])
        end_all = float(end_days[-1])
        lengths = (
            end_in,
            (hi - lo) - end_in,
            end_all - end_in,
            (days_total - (hi - lo)) - (end_all - end_in),
        )
        if min(lengths) <= 0:
            return None
        weekend, weekday = self.weekend_reviews, self.weekday_reviews
        weekend_in = float(weekend[hi] - weekend[lo])
        weekday_in = float(weekday[hi] - weekday[lo])
        reviews: tuple[float, ...] = (
            weekend_in,
            weekday_in,
            float(weekend[-1]) - weekend_in,
            float(weekday[-1]) - weekday_in,
        )
        if min(reviews) == 0:
            reviews = tuple(count + 0.5 for count in reviews)
        rates = np.log(np.array([r / d for r, d in zip(reviews, lengths, strict=True)])).tolist()
        log_ratio = rates[0] - rates[1] - rates[2] + rates[3]
        inverse = 0.0
        for count in reviews:
            inverse += 1.0 / count
        return float(-log_ratio / math.sqrt(self.dispersion * inverse))
