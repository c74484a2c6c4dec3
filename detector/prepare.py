"""Check a product's review arrays and put them in arrival order (DESIGN §3, §3.1).

``detector.analyze`` and the reference fit both start here, so every product is read the same way:

* ``rating`` must be whole stars 1–5 and ``posted_at`` datetimes; every other array must have
  their length. Unknown keys are ignored. This is the one check of the ratings in an analysis:
  what follows is told ``check_ratings=False``.
* Reviews are sorted by ``posted_at`` with a stable sort: ties keep their source order (DESIGN
  §3.1). Reviews without a date (NaT) cannot be placed in time and are left out (and counted).
* ``order`` says where each kept review was in the input, so that arrays this module does not
  read (``user_id``, a graph fit's per-review scores) can be put in the same order.
* The datetime unit says what the source knows: day precision (``datetime64[D]``) means no time
  of day, so there is no hour-of-day feature; hours, minutes, seconds or finer mean times are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detector.features import features_from_reviews

__all__ = ["FEATURE_KEYS", "MIN_REVIEWS", "PreparedReviews", "prepare_reviews"]

MIN_REVIEWS = 20
FEATURE_KEYS = ("text_length", "country", "verified", "helpful_votes", "reviewer_review_count")
_TIME_UNITS = {"h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"}


@dataclass(frozen=True, eq=False)
class PreparedReviews:
    """One product's reviews in arrival order: stars, dates and the ERO feature arrays."""

    ratings: NDArray[np.int64]
    posted_at: NDArray[np.datetime64]
    has_time: bool
    features: dict[str, NDArray[Any]]
    undated: int = 0  # reviews left out because they have no date
    # Positions in the input of the reviews kept, in arrival order: ``array[order]`` puts any other
    # per-review array (user ids, reviewer scores) beside ``ratings``.
    order: NDArray[np.intp] | None = None

    def arranged(self, name: str, values: ArrayLike | None) -> NDArray[Any] | None:
        """``values`` (one per input review) in arrival order; ``ValueError`` for a wrong length."""
        if values is None:
            return None
        array = np.asarray(values)
        size = self.ratings.size + self.undated
        if array.shape != (size,):
            raise ValueError(f"{name!r} has {array.size} values for {size} ratings")
        return array if self.order is None else array[self.order]


def prepare_reviews(reviews: Mapping[str, ArrayLike | None]) -> PreparedReviews:
    """Validated, date-sorted arrays and ERO features; ``ValueError`` says what is wrong."""
    for key in ("rating", "posted_at"):
        if key not in reviews:
            raise ValueError(f"reviews need a {key!r} array")
    ratings = _ratings(reviews["rating"])
    posted_at = _datetimes(reviews["posted_at"])
    n = ratings.size
    if posted_at.shape != (n,):
        raise ValueError(f"'posted_at' has {posted_at.size} values for {n} ratings")
    given = {key: np.asarray(reviews[key]) for key in FEATURE_KEYS if reviews.get(key) is not None}
    for key, values in given.items():
        if values.shape != (n,):
            raise ValueError(f"{key!r} has {values.size} values for {n} ratings")
    order = np.argsort(posted_at, kind="stable")  # NaT sorts last
    dated = int(n - np.isnat(posted_at).sum())
    order = order[:dated]
    posted_at = posted_at[order]
    has_time = np.datetime_data(posted_at.dtype)[0] in _TIME_UNITS
    if has_time:  # sorted at full precision; shown to the second ("2021-03-01T14:22:05")
        posted_at = posted_at.astype("datetime64[s]")
    features = features_from_reviews(
        posted_at, **{key: values[order] for key, values in given.items()}, has_time=has_time
    )
    return PreparedReviews(
        ratings[order], posted_at, has_time, features, undated=n - dated, order=order
    )


def _ratings(values: ArrayLike | None) -> NDArray[np.int64]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"'rating' must be one-dimensional, got shape {array.shape}")
    if array.dtype.kind == "b":
        raise ValueError("ratings must be whole stars from 1 to 5, not True/False")
    try:
        numbers = array.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError("ratings must be whole stars from 1 to 5") from None
    # ~np.isin(numbers, (1, 2, 3, 4, 5)) by comparisons (np.isin's Python layer was a third of
    # this function's cost on a small product): NaN fails every comparison, so it is bad too
    if array.dtype.kind in "iu":
        bad = (array < 1) | (array > 5)
    else:
        bad = ~((numbers >= 1.0) & (numbers <= 5.0) & (np.floor(numbers) == numbers))
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        value = numbers[position]
        shown = "missing" if np.isnan(value) else f"{value:g}"
        raise ValueError(f"ratings must be whole stars from 1 to 5; rating {position} is {shown}")
    return numbers.astype(np.int64)


def _datetimes(values: ArrayLike | None) -> NDArray[np.datetime64]:
    array = np.asarray(values)
    if array.dtype.kind != "M":
        try:
            array = array.astype("datetime64")
        except (TypeError, ValueError):
            raise ValueError("'posted_at' must hold dates or datetimes (datetime64)") from None
    if array.ndim != 1:
        raise ValueError(f"'posted_at' must be one-dimensional, got shape {array.shape}")
    return array
