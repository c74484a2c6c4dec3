"""The ERO features: what each one is, in one table, and how they are read from the reviews.

Every part that names a feature - the tests (``detector.ero``), the charts' labels, the verdict's
sentences (``detector.words``), the reference model's choice of verdict features - looks it up
here. A name not in the table (a feature a caller adds to ``analyze_ero``) gets a plain default:
numeric, with its name as its label and noun.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CATEGORICAL_FEATURES",
    "DAY_NAMES",
    "FEATURES",
    "Feature",
    "FeatureKind",
    "feature",
    "features_from_reviews",
    "star_list",
]

FeatureKind = Literal["numeric", "categorical"]
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Feature:
    """One ERO feature and the words for it.

    ``label``: a chart's title ("Review length"). ``noun``: the feature in a sentence ("review
    length"). ``unit``: of a numeric feature's values in a sentence ("characters"; "" when the
    phrase already says it). ``higher``/``lower``: how reviews with larger/smaller values read
    ("were {much} longer than"; ``{much}`` and ``{far}`` become "much"/"far" or "somewhat").
    ``being``: what being in a category means after "how many are" ("posted on a {category}");
    ``were``: the same after "The 5-star reviews" ("were posted on a {category}"). For
    ``verified`` the two phrases name the verified side and ``being_not``/``were_not`` the other.
    """

    name: str
    kind: FeatureKind
    label: str
    noun: str
    unit: str = ""
    higher: str = ""
    lower: str = ""
    being: str = ""
    were: str = ""
    being_not: str = ""
    were_not: str = ""


FEATURES: dict[str, Feature] = {
    feature.name: feature
    for feature in (
        Feature(
            "day_of_week",
            "categorical",
            label="Day of week",
            noun="the day of the week they were posted",
            being="posted on a {category}",
            were="were posted on a {category}",
        ),
        Feature(
            "hour_of_day",
            "categorical",
            label="Hour of day (UTC)",
            noun="the hour they were posted",
            being="posted between {category:02d}:00 and {category:02d}:59",
            were="were posted between {category:02d}:00 and {end:02d}:59 UTC",
        ),
        Feature(
            "text_length",
            "numeric",
            label="Review length",
            noun="review length",
            unit="characters",
            higher="were {much} longer than",
            lower="were {much} shorter than",
        ),
        Feature(
            "country",
            "categorical",
            label="Country",
            noun="the reviewers' country",
            being="from reviewers in {category}",
            were="came from reviewers in {category}",
        ),
        Feature(
            "verified",
            "categorical",
            label="Verified purchase",
            noun="verified purchases",
            being="verified purchases",
            were="were verified purchases",
            being_not="unverified",
            were_not="were unverified purchases",
        ),
        Feature(
            "helpful_votes",
            "numeric",
            label="Helpful votes",
            noun="helpful votes",
            higher="got {far} more helpful votes than",
            lower="got {far} fewer helpful votes than",
        ),
        Feature(
            "reviewer_review_count",
            "numeric",
            label="Reviewer's review count",
            noun="how many reviews the reviewers have written",
            unit="reviews",
            higher="came from reviewers with {far} more reviews to their name than",
            lower="came from reviewers with {far} fewer reviews to their name than",
        ),
    )
}
CATEGORICAL_FEATURES = frozenset(name for name, f in FEATURES.items() if f.kind == "categorical")


def feature(name: str) -> Feature:
    """The table's row for ``name``, or the plain default for a feature it does not list."""
    found = FEATURES.get(name)
    if found is not None:
        return found
    noun = name.replace("_", " ")
    return Feature(
        name,
        "numeric",
        label=noun.capitalize(),
        noun=noun,
        higher=f"had {{much}} higher {noun} than",
        lower=f"had {{much}} lower {noun} than",
    )


def star_list(stars: Iterable[Hashable]) -> str:
    """How star groups are named: "1-star reviews", "1-star and 3-star reviews", "1-star, 2-star
    and 3-star reviews"."""
    names = [f"{star}-star" for star in stars]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{joined} reviews"


_DAY_NAME_ARRAY = np.array(DAY_NAMES)  # built once: indexed by every product's weekdays
_DAY_NAME_ARRAY.setflags(write=False)


def features_from_reviews(
    posted_at: ArrayLike,
    text_length: ArrayLike | None = None,
    country: ArrayLike | None = None,
    verified: ArrayLike | None = None,
    helpful_votes: ArrayLike | None = None,
    reviewer_review_count: ArrayLike | None = None,
    *,
    has_time: bool = False,
) -> dict[str, NDArray[Any]]:
    """The ERO feature arrays, so every caller derives day and hour the same way.

    ``day_of_week``: the weekday name of ``posted_at`` ("" where it is NaT); ``hour_of_day``
    (only with ``has_time``, i.e. when the source gives times and not just dates): 0–23 as floats,
    NaN where unknown, in the clock of ``posted_at`` (UTC for Amazon's millisecond timestamps).
    Other arrays are passed through (numbers as float arrays) when given.
    """
    given = np.asarray(posted_at)
    unit = _UNIT_SECONDS.get(given.dtype) if given.ndim == 1 else None
    if unit is not None:
        # compiled: weekday and hour from the epoch seconds (or days), when no date is NaT
        # (prepare_reviews leaves none)
        weekday, hours, every = _day_and_hour(given.view(np.int64), unit)
        if every:
            features: dict[str, NDArray[Any]] = {"day_of_week": _DAY_NAME_ARRAY[weekday]}
            if has_time:
                features["hour_of_day"] = hours
            return _passed_through(
                features, text_length, country, verified, helpful_votes, reviewer_review_count
            )
    times = given.astype("datetime64[s]")
    known = ~np.isnat(times)
    every = bool(known.all())  # ``prepare_reviews`` leaves no NaT: the masks below change nothing
    days = times.astype("datetime64[D]")
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (index 3)
    names = _DAY_NAME_ARRAY[weekday if every else np.where(known, weekday, 0)]
    day_of_week = names if every else np.where(known, names, "")
    features = {"day_of_week": day_of_week}
    if has_time:
        hours = ((times - days).astype(np.int64) // 3600).astype(np.float64)
        features["hour_of_day"] = hours if every else np.where(known, hours, np.nan)
    return _passed_through(
        features, text_length, country, verified, helpful_votes, reviewer_review_count
    )


def _passed_through(
    features: dict[str, NDArray[Any]],
    text_length: ArrayLike | None,
    country: ArrayLike | None,
    verified: ArrayLike | None,
    helpful_votes: ArrayLike | None,
    reviewer_review_count: ArrayLike | None,
) -> dict[str, NDArray[Any]]:
    """``features`` with the given arrays added, numbers as float arrays."""
    if text_length is not None:
        features["text_length"] = np.asarray(text_length, dtype=np.float64)
    if country is not None:
        features["country"] = np.asarray(country)
    if verified is not None:
        features["verified"] = np.asarray(verified)
    if helpful_votes is not None:
        features["helpful_votes"] = np.asarray(helpful_votes, dtype=np.float64)
    if reviewer_review_count is not None:
        features["reviewer_review_count"] = np.asarray(reviewer_review_count, dtype=np.float64)
    return features


_NAT = np.iinfo(np.int64).min  # NaT's integer
# the datetime units read by the compiled path: seconds in one unit
_UNIT_SECONDS = {np.dtype("datetime64[s]"): 1, np.dtype("datetime64[D]"): 86_400}


@njit(cache=True)
def _day_and_hour(
    stamps: NDArray[np.int64], unit: int
) -> tuple[NDArray[np.int64], NDArray[np.float64], bool]:
    """(weekday index 0-6, hour 0-23 as a float, no NaT) of epoch stamps in units of ``unit``
    seconds (1 or 86,400): the day ⌊s / 86400⌋ of the seconds s (datetime64[s] → [D] floors),
    the weekday (day + 3) mod 7 (1970-01-01 was a Thursday; Python's and numpy's modulo), the
    hour ⌊(s − 86400 · day) / 3600⌋; False at the first NaT."""
    n = stamps.shape[0]
    weekday = np.empty(n, dtype=np.int64)
    hours = np.empty(n)
    for i in range(n):
        if stamps[i] == _NAT:
            return weekday, hours, False
        value = stamps[i] * unit
        day = value // 86_400
        weekday[i] = (day + 3) % 7
        hours[i] = float((value - day * 86_400) // 3_600)
    return weekday, hours, True
