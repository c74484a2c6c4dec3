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
    times = np.asarray(posted_at).astype("datetime64[s]")
    known = ~np.isnat(times)
    every = bool(known.all())  # ``prepare_reviews`` leaves no NaT: the masks below change nothing
    days = times.astype("datetime64[D]")
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (index 3)
    names = _DAY_NAME_ARRAY[weekday if every else np.where(known, weekday, 0)]
    day_of_week = names if every else np.where(known, names, "")
    features: dict[str, NDArray[Any]] = {"day_of_week": day_of_week}
    if has_time:
        hours = ((times - days).astype(np.int64) // 3600).astype(np.float64)
        features["hour_of_day"] = hours if every else np.where(known, hours, np.nan)
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
