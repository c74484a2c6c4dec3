"""The fast path of ``detector.read_columns``: a block of JSON Lines straight into columns.

Each line is decoded by msgspec into ``_Review``, a struct of only the fields ``detector.io``
reads (the title, images and the rest are skipped without building Python objects: about 4× the
speed of ``orjson.loads`` into dicts). The block's fields are then checked column-wise: stars must
be numbers in {1, …, 5}, every timestamp (or, for the 2018 schema, every ``unixReviewTime``) a
number within detector.io's range, and every other field of the type it usually has; values of
another type go through detector.io's own converters (``_number``, ``_boolean``, ``_text``).

``fast_columns`` returns None — and ``read_columns`` reads the block with detector.io's row
validation instead — as soon as anything is unusual: a line msgspec refuses (``DecodeError``: not
JSON, not an object, not UTF-8, NaN, a number past float range), a string rating, a date instead
of a timestamp, a block mixing timestamps and 2018 times, or a value a converter refuses. So the
fast path only ever gives the values the exact one gives (tests/detector/test_io_columns.py).

A field's *presence* matters where ``detector.io`` asks ``"rating" in record`` (a ``rating`` key,
even null, wins over ``overall``): those fields default to ``UNSET``, the others to None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
import numpy as np
import numpy.typing as npt

from detector.io import _boolean, _number, _text
from detector.variants import content_key

__all__ = ["fast_columns"]

UNSET = msgspec.UNSET
_NUMBER = frozenset({int, float})
_STARS = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
_EARLIEST_MS, _LATEST_MS = -2_208_988_800_000, 253_402_300_799_999  # as detector.io checks them
Columns = tuple[dict[str, npt.NDArray[Any]], dict[str, list[Any]]]


class _Review(msgspec.Struct):
    """The fields of one line that ``detector.io`` reads (module docstring)."""

    rating: Any = UNSET
    overall: Any = None
    timestamp: Any = UNSET
    unixReviewTime: Any = UNSET  # 2018 schema
    text: Any = UNSET
    reviewText: Any = None  # 2018
    verified_purchase: Any = UNSET
    verified: Any = None  # 2018
    helpful_vote: Any = UNSET
    helpful_votes: Any = UNSET
    vote: Any = None  # 2018
    reviewer_review_count: Any = None
    asin: Any = None
    parent_asin: Any = UNSET
    country: Any = None
    user_id: Any = UNSET
    reviewerID: Any = None  # 2018
    seller_id: Any = None
    summary: Any = None  # 2018


_decode = msgspec.json.Decoder(_Review).decode


def fast_columns(lines: list[bytes]) -> Columns | None:
    """The block's columns for ``ColumnBuilder.add_block``, or None when anything is unusual.

    Raises ``msgspec.DecodeError`` for a line msgspec refuses."""
    reviews = [_decode(line) for line in lines]
    try:
        return _columns(reviews)
    except (ValueError, TypeError, OverflowError):  # a value detector.io's converters refuse
        return None


def _columns(reviews: list[_Review]) -> Columns | None:
    n = len(reviews)
    stars = _stars([r.overall if r.rating is UNSET else r.rating for r in reviews])
    moments = _moments(reviews)
    if stars is None or moments is None:
        return None
    timed = moments[1]
    helpful = _numbers(
        [
            r.helpful_vote if r.helpful_vote is not UNSET
            else r.helpful_votes if r.helpful_votes is not UNSET
            else r.vote
            for r in reviews
        ],
        "helpful_vote",
    )  # fmt: skip
    count = _numbers([r.reviewer_review_count for r in reviews], "reviewer_review_count")
    if helpful is None or count is None:
        return None
    texts = [r.reviewText if r.text is UNSET else r.text for r in reviews]
    verified = _values(
        [r.verified if r.verified_purchase is UNSET else r.verified_purchase for r in reviews],
        {bool, type(None)},
        _boolean,
    )
    asin = _texts([r.asin for r in reviews])
    parent = _texts([None if r.parent_asin is UNSET else r.parent_asin for r in reviews])
    numbers: dict[str, npt.NDArray[Any]] = {
        "rating": stars,
        "timestamp_ms": moments[0],
        "has_time": np.full(n, timed),
        "text_length": np.array(
            [np.nan if t is None else len(t) if type(t) is str else len(str(t)) for t in texts],
            dtype=np.float64,
        ),
        "verified": np.array([-1 if v is None else int(v) for v in verified], dtype=np.int8),
        "helpful_votes": helpful,
        "reviewer_review_count": count,
        "review_key": np.array([_content_key(r) for r in reviews], dtype=np.uint64),
    }
    strings: dict[str, list[Any]] = {
        "key": [p or a or "" for p, a in zip(parent, asin, strict=True)],
        "asin": asin,
        "parent": parent,
        "country": _texts([r.country for r in reviews]),
        "user": _texts([r.reviewerID if r.user_id is UNSET else r.user_id for r in reviews]),
        "seller": _texts([r.seller_id for r in reviews]),
    }
    return numbers, strings


def _stars(values: list[Any]) -> npt.NDArray[np.int8] | None:
    if not set(map(type, values)) <= _NUMBER:
        return None
    stars = np.array(values, dtype=np.float64)
    return stars.astype(np.int8) if np.isin(stars, _STARS).all() else None


def _moments(reviews: list[_Review]) -> tuple[npt.NDArray[np.int64], bool] | None:
    """(ms since the epoch, whether times of day are known), as detector.io._timestamp checks
    them: ``timestamp`` in ms for every review, or the 2018 ``unixReviewTime`` in s for all."""
    timed = [r.timestamp is not UNSET for r in reviews].count(True)
    if timed == len(reviews):
        raw, scale = [r.timestamp for r in reviews], 1.0
    elif timed == 0:
        raw, scale = [r.unixReviewTime for r in reviews], 1000.0
    else:
        return None
    if not set(map(type, raw)) <= _NUMBER:
        return None
    moments = np.array(raw, dtype=np.float64) * scale
    if not np.isfinite(moments).all():
        return None
    if not ((moments >= _EARLIEST_MS).all() and (moments <= _LATEST_MS).all()):
        return None
    return moments.astype(np.int64), scale == 1.0


def _content_key(review: _Review) -> int:
    if review.parent_asin is not UNSET or review.unixReviewTime is UNSET:
        return 0
    return content_key(
        [review.reviewerID, review.unixReviewTime, review.overall, review.summary,
         review.reviewText]
    )  # fmt: skip


def _values(values: list[Any], usual: set[type], exact: Callable[[Any], Any]) -> list[Any]:
    """``values`` when all have a usual type, else ``exact`` of each (which may raise)."""
    if set(map(type, values)) <= usual:
        return values
    return [exact(v) for v in values]


def _numbers(values: list[Any], name: str) -> npt.NDArray[np.float64] | None:
    """``detector.io._number`` of each value as floats (NaN: not said); None if one is bad."""
    checked = _values(values, {int, float, type(None)}, lambda v: _number(v, name))
    missing = checked.count(None)
    numbers = np.array([np.nan if v is None else v for v in checked], dtype=np.float64)
    if missing == 0:
        return numbers if np.isfinite(numbers).all() else None
    if np.isinf(numbers).any() or int(np.isnan(numbers).sum()) != missing:
        return None
    return numbers


def _texts(values: list[Any]) -> list[str | None]:
    """``detector.io._text`` of each value: stripped, None when empty or missing."""
    types = set(map(type, values))
    if types == {str}:
        stripped: list[str | None] = list(map(str.strip, values))
        return [s or None for s in stripped] if "" in stripped else stripped
    if types <= {str, type(None)}:
        return [None if v is None else (v.strip() or None) for v in values]
    return [_text(v) for v in values]
