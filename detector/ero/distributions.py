"""Each ERO feature by star level, summarised for the verdict page's charts and its sentences.

Numeric features (text length, helpful votes, reviewer's review count): per star level the count,
mean, median and quartiles of the known values. Categorical features (day of week, hour, country,
verified purchase): per star level the share of its reviews in each category, categories in their
natural order (Monday first, hour 0 first, verified before unverified, countries by frequency).
Star levels without a known value are left out; missing values (NaN, None, "") are skipped.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from detector.features import CATEGORICAL_FEATURES, DAY_NAMES
from detector.stats.factorize import known_string_objects, known_unique_inverse, unique_inverse
from detector.stats.rounding import _LARGEST, _TIE_MARGIN, rounded

__all__ = ["Distribution", "feature_distribution"]

# {"groups", "n"} and, for numbers, {"mean", "median", "q1", "q3"} per star level; for categories
# {"categories", "shares"}: plain JSON values.
Distribution = dict[str, Any]
ROUNDING = 4  # decimals of a chart's numbers and shares
COUNTING_FROM = 256  # values of a star level from which a run of whole numbers is counted


def feature_distribution(
    name: str,
    ratings: NDArray[np.int64],
    values: NDArray[Any],
    found: tuple[NDArray[Any], NDArray[np.intp]] | None = None,
) -> Distribution:
    """The feature's distribution by star level (see the module docstring); JSON-safe.
    ``found``: a categorical feature's (distinct known values, sorted; codes, −1 where missing)
    when the caller has them already (``detector.ero.features.factorized``)."""
    if name in CATEGORICAL_FEATURES:
        return _categorical(name, ratings, values, found)
    return _numeric(ratings, np.asarray(values, dtype=np.float64))


def _numeric(ratings: NDArray[np.int64], values: NDArray[np.float64]) -> Distribution:
    groups, counts, stats = star_statistics(
        np.ascontiguousarray(ratings, dtype=np.int64), np.ascontiguousarray(values)
    )
    summary, exact = round_exactly(stats, ROUNDING)
    # rows mean, median, q1, q3: one conversion to lists for all four
    means, medians, q1, q3 = summary.tolist() if exact else rounded(stats, ROUNDING)
    return {
        "groups": groups.tolist(),
        "median": medians,
        "q1": q1,
        "q3": q3,
        "mean": means,
        "n": counts.tolist(),
    }


@njit(cache=True)
def round_exactly(x: NDArray[np.float64], digits: int) -> tuple[NDArray[np.float64], bool]:
    """(``round(v, digits)`` of every value of a 2-d array, True) where
    ``detector.stats.rounding`` rounds them without Python: y = x·10ᵈ below 2³⁰ in magnitude with
    its fraction more than 10⁻⁶ from ½, then rint(y)/10ᵈ is exactly Python's ``round`` (that
    module's docstring gives the argument); False as soon as one is not (near a tie, huge, NaN):
    the caller then rounds with ``rounded``, which sends those to Python's ``round``."""
    scale = 10.0**digits
    rows, columns = x.shape
    out = np.empty((rows, columns))
    for i in range(rows):
        for j in range(columns):
            y = x[i, j] * scale
            if not (abs(y) < _LARGEST and abs(abs(y - np.trunc(y)) - 0.5) > _TIE_MARGIN):
                return out, False
            out[i, j] = np.rint(y) / scale
    return out, True


@njit(cache=True)
def star_statistics(
    ratings: NDArray[np.int64], values: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Per star level with a known value (ascending): (star, count, rows mean, median, q1, q3), the
    quantiles numpy's default (linear): at position p = q·(n − 1) of the level's sorted values,
    x[⌊p⌋] + (x[⌊p⌋ + 1] − x[⌊p⌋])·(p − ⌊p⌋). One pass to count, one to place each value in its
    level's run, one sort per run (compiled: a chart's summary of 100 reviews takes microseconds);
    a long run of whole numbers in a short range (review lengths, votes, counts) sorted by
    counting (``_sort_run``).
    """
    levels = 0
    for rating in ratings:
        levels = max(levels, rating + 1)
    counts = np.zeros(levels, dtype=np.int64)
    for i in range(values.shape[0]):
        if not np.isnan(values[i]):
            counts[ratings[i]] += 1
    starts = np.zeros(levels + 1, dtype=np.int64)
    for level in range(levels):
        starts[level + 1] = starts[level] + counts[level]
    placed = starts[:-1].copy()
    x = np.empty(starts[levels])
    for i in range(values.shape[0]):
        if not np.isnan(values[i]):
            x[placed[ratings[i]]] = values[i]
            placed[ratings[i]] += 1
    present = np.flatnonzero(counts > 0)
    found = present.size
    stats = np.empty((4, found))  # rows: mean, median, q1, q3
    for index in range(found):
        level = present[index]
        start, n = starts[level], counts[level]
        run = _sort_run(x[start : start + n])
        total = 0.0
        for value in run:
            total += value
        stats[0, index] = total / n
        for row, q in ((1, 0.5), (2, 0.25), (3, 0.75)):
            position = q * (n - 1)
            low = int(np.floor(position))
            high = min(low + 1, n - 1)
            stats[row, index] = run[low] + (run[high] - run[low]) * (position - low)
    return present, counts[present], stats


@njit(cache=True)
def _sort_run(run: NDArray[np.float64]) -> NDArray[np.float64]:
    """``np.sort(run)``; by counting when the run holds at least ``COUNTING_FROM`` values, all
    whole numbers (no −0.0) below 2⁵² in magnitude within a range of at most 4 × their number:
    then the values rebuilt in order from the counts are the sorted run itself."""
    n = run.size
    if n < COUNTING_FROM:
        return np.sort(run)
    low = high = run[0]
    for value in run:
        negative_zero = value == 0.0 and np.signbit(value)
        if not abs(value) < 2.0**52 or np.floor(value) != value or negative_zero:
            return np.sort(run)
        low = min(low, value)
        high = max(high, value)
    width = int(high - low) + 1
    if width > 4 * n:
        return np.sort(run)
    bins = np.zeros(width, dtype=np.int64)
    for value in run:
        bins[int(value - low)] += 1
    out = np.empty(n)
    position = 0
    for offset in range(width):
        for _ in range(bins[offset]):
            out[position] = low + offset
            position += 1
    return out


def _categorical(
    name: str,
    ratings: NDArray[np.int64],
    values: NDArray[Any],
    found: tuple[NDArray[Any], NDArray[np.intp]] | None = None,
) -> Distribution:
    uniques, codes = _category_codes(np.asarray(values)) if found is None else found
    if not uniques.size:
        return {"groups": [], "categories": [], "shares": [], "n": []}
    # Distinct raw values can share a label (True and "true"): count by label.
    labels = [_label(name, value) for value in uniques.tolist()]
    counts: dict[Hashable, int] = {}
    for label, count in zip(labels, _code_counts(codes, len(labels)).tolist(), strict=True):
        counts[label] = counts.get(label, 0) + count
    categories = _ordered_categories(name, counts)
    position = {label: index for index, label in enumerate(categories)}
    column = np.array([position[label] for label in labels], dtype=np.intp)
    groups, totals, shares = star_shares(
        np.ascontiguousarray(ratings, dtype=np.int64), codes, column, len(categories)
    )
    listed, exact = round_exactly(shares, ROUNDING)
    return {
        "groups": groups.tolist(),
        "categories": categories,
        "shares": listed.tolist() if exact else rounded(shares, ROUNDING),
        "n": totals.tolist(),
    }


def _category_codes(array: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """(the distinct known values, sorted; each value's code, −1 where missing): numbers, flags
    and strings by ``known_unique_inverse``, objects that are all strings or None by
    ``known_string_objects``, other objects with ``_known``'s missing-value test."""
    found = known_unique_inverse(array)
    if found is None:
        found = known_string_objects(array)
    if found is not None:
        return found
    known = _known(array)
    kept = array if known is None else array[known]
    if not kept.size:
        return kept, np.full(array.size, -1, dtype=np.intp)
    try:
        uniques, kept_codes = unique_inverse(kept)
    except TypeError:  # mixed types that do not sort together
        uniques, kept_codes = unique_inverse(kept.astype(str))
    if known is None:
        return uniques, kept_codes
    codes = np.full(array.size, -1, dtype=np.intp)
    codes[known] = kept_codes
    return uniques, codes


@njit(cache=True)
def _code_counts(codes: NDArray[np.intp], width: int) -> NDArray[np.int64]:
    """How many values have each code 0 … width − 1 (−1, missing, not counted)."""
    counts = np.zeros(width, dtype=np.int64)
    for code in codes:
        if code >= 0:
            counts[code] += 1
    return counts


@njit(cache=True)
def star_shares(
    stars: NDArray[np.int64], codes: NDArray[np.intp], column: NDArray[np.intp], width: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Per star level present (ascending): (star, its reviews N_s, the shares c_sj / N_s of its
    reviews in each of the ``width`` categories), ``column[codes[i]]`` review i's category
    (code −1: missing, not counted). The counts are whole numbers, so the division is numpy's
    ``table / totals`` to the last bit."""
    levels = 0
    for star in stars:
        levels = max(levels, star + 1)
    table = np.zeros((levels, width), dtype=np.int64)
    totals = np.zeros(levels, dtype=np.int64)
    for i in range(stars.size):
        if codes[i] >= 0:
            table[stars[i], column[codes[i]]] += 1
            totals[stars[i]] += 1
    present = np.flatnonzero(totals > 0)
    shares = np.empty((present.size, width))
    for row in range(present.size):
        level = present[row]
        for j in range(width):
            shares[row, j] = table[level, j] / totals[level]
    return present, totals[present], shares


def _known(array: NDArray[Any]) -> NDArray[np.bool_] | None:
    """Where a value is known (``_label``'s missing-value test); None when every value is."""
    known: NDArray[np.bool_]
    if array.dtype.kind == "f":
        known = ~np.isnan(array)
        return None if known.all() else known
    if array.dtype.kind in "US":
        known = array != array.dtype.type()
        return None if known.all() else known
    if array.dtype.kind == "O":  # known where ``_label`` gives a label (its missing-value test)
        return np.array(
            [
                not (value is None or value == "" or (isinstance(value, float) and value != value))
                for value in array.tolist()
            ],
            dtype=bool,
        )
    return None


def _label(name: str, value: Any) -> Hashable | None:
    """A JSON-safe category label, or None for a missing value."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    if name == "verified":
        verified = value in (True, 1, "true", "True", "1", "yes")
        return "verified" if verified else "unverified"
    if name == "hour_of_day":
        return int(value)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return str(value)


def _ordered_categories(name: str, counts: Mapping[Hashable, int]) -> list[Hashable]:
    if name == "day_of_week":
        return [day for day in DAY_NAMES if day in counts]
    if name == "verified":
        return [label for label in ("verified", "unverified") if label in counts]
    if name == "hour_of_day":
        return sorted(counts, key=lambda hour: int(hour))  # type: ignore[call-overload]
    return sorted(counts, key=lambda label: (-counts[label], str(label)))
