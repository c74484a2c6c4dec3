"""Review files: read and validate every line first, import all or nothing, then analyse.

Formats are those of ``python -m detector`` (``detector.io``): JSON Lines in the Amazon Reviews
2023 schema (or the 2018 one: ``reviewerID``, ``summary``, ``reviewText``, ``unixReviewTime``),
or CSV with a header. Rows are grouped into products by ``parent_asin`` (else ``asin``), which
must be a 10-character ASIN. Uploaded products live on their own marketplace, ``upload``: a file
can never change the verdict of a product in a real shop.

2018 files list one review under every variant ASIN of a listing; as in the CLI
(``detector.variants``), ASINs that share a review (same content key) are one listing, stored
under its ASIN that comes first in the file, and each review is kept once (its first line; the
repeats count as the job's duplicates). Otherwise every reviewer of a listing would seem to have
posted the same text on several products the same day.

Review ids: a row's own ``review_id`` (surrounding whitespace removed) when it looks like
Amazon's, else a stable hash of the row (product, user_id, time, rating, title, text), so
uploading the same file twice imports nothing new.

Reviewers: a row's ``user_id`` becomes the reviewer's profile id in the uploader's own
marketplace, so one account's reviews of several uploaded products join up in the reviewer graph
and the group fit (issue 17). An opaque id (``PROFILE_ID_PATTERN``: 1–64 of A–Z a–z 0–9 . _ -,
as the Amazon datasets' ids are) is kept as it is; anything else (an e-mail address, a name) is
stored only as a hash, ``u-`` and 24 hex digits of its SHA-256.

Limits, all checked while the file streams in: ``UPLOAD_MAX_DECOMPRESSED_BYTES`` for the whole
file once decompressed, ``UPLOAD_MAX_LINE_CHARS`` for one line (a CSV record), and the field
limits of ``reviewsec.catalog.limits`` for each review, whose breach is that line's error.

Lines may name the product's seller and brand (``seller_id``, ``seller_name``, ``brand``; see
``reviewsec.submissions.sellers``); a malformed or contradicting one is that line's error.

Every bad line is reported, not only the first: ``detector.io.LineErrors`` collects the lines that
are not records (not JSON, not UTF-8, too long) and those that are not valid reviews while the
file streams, the first ``MAX_LISTED_ERRORS`` with their reasons and the rest counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from detector.io import (
    MAX_LISTED_ERRORS,
    BadReviewFile,
    LineErrors,
    ReadLimits,
    Record,
    iter_records,
)
from reviewsec.catalog import limits
from reviewsec.submissions.sellers import SellerFacts, seller_facts, seller_merge
from reviewsec.submissions.services import (
    EARLIEST_REVIEW_DATE,
    PROFILE_ID_PATTERN,
    REVIEW_ID_PATTERN,
)

UPLOAD_MARKETPLACE = "upload"
_ASIN = re.compile(r"[A-Z0-9]{10}")
_REVIEW_ID = re.compile(REVIEW_ID_PATTERN)
_PROFILE_ID = re.compile(PROFILE_ID_PATTERN)


class UploadInvalid(Exception):
    """The file cannot be imported; ``errors`` are messages for people (``line N: reason`` per
    listed bad line, then how many more, then what stopped the reading if something did);
    ``bad_lines`` counts every bad line."""

    def __init__(self, errors: list[str], bad_lines: int = 0):
        super().__init__("; ".join(errors))
        self.errors = errors
        self.bad_lines = bad_lines


@dataclass
class ParsedUpload:
    """Every product's validated reviews (values for ``submission_create``), in file order, and
    the seller its lines name (``reviewsec.submissions.sellers``), if any."""

    products: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sellers: dict[str, SellerFacts] = field(default_factory=dict)
    rows: int = 0
    repeats: int = 0  # 2018 lines repeating a review of the same listing (``merge_listings``)


def upload_parse(
    content: bytes, *, file_name: str, progress: Callable[[int, int], None] | None = None
) -> ParsedUpload:
    """Validate every row of the file; ``UploadInvalid`` lists the bad lines (the first
    ``MAX_LISTED_ERRORS``, and how many in all).

    ``progress(bytes_read, rows_read)`` is called as it reads.
    """
    suffix = "".join(Path(file_name).suffixes[-2:]).lower()
    with tempfile.TemporaryDirectory(prefix="reviewsec-upload-") as scratch:
        path = Path(scratch) / f"upload{suffix}"
        path.write_bytes(content)
        return _parse_path(path, file_name, progress)


def _parse_path(
    path: Path, file_name: str, progress: Callable[[int, int], None] | None
) -> ParsedUpload:
    from detector.variants import record_content_key  # scipy: not at django.setup()

    parsed = ParsedUpload()
    keys: dict[str, list[int]] = {}  # each kept review's 2018 content key, per product
    bad = LineErrors(MAX_LISTED_ERRORS)
    stopped: list[str] = []
    bytes_read = 0

    def count(size: int) -> None:
        nonlocal bytes_read
        bytes_read += size

    try:
        for record in iter_records(path, count, read_limits(), errors=bad):
            parsed.rows += 1
            try:
                asin, review = review_values(record)
                seller = seller_facts(record.fields, record.line)
                if seller:
                    parsed.sellers[asin] = seller_merge(parsed.sellers.get(asin), seller, asin)
            except ValueError as error:
                bad.add(record.line, str(error))
                continue
            if not bad:  # a bad file imports nothing: stop keeping reviews, keep checking
                parsed.products.setdefault(asin, []).append(review)
                keys.setdefault(asin, []).append(record_content_key(record.fields))
            if progress is not None and parsed.rows % 500 == 0:
                progress(bytes_read, parsed.rows)
    except BadReviewFile as error:
        if error.stopped is not None:
            stopped.append(error.stopped.replace(str(path), file_name))
    if not bad and not stopped and not parsed.rows:
        stopped.append(f"{file_name} has no reviews")
    if bad or stopped:
        raise UploadInvalid(bad.messages() + stopped, bad.total)
    if progress is not None:
        progress(bytes_read, parsed.rows)
    return merge_listings(parsed, keys)


def merge_listings(parsed: ParsedUpload, keys: dict[str, list[int]]) -> ParsedUpload:
    """``parsed`` with 2018 variant ASINs folded into their listing and repeated reviews dropped
    (``keys[asin][j]`` is the content key of ``parsed.products[asin][j]``, 0 when it has none).

    A listing's seller is the first its ASINs name (variants are sold together)."""
    from detector.variants import listing_heads  # scipy: not at django.setup()

    asins = list(parsed.products)
    codes = np.repeat(np.arange(len(asins)), [len(keys[asin]) for asin in asins])
    flat = np.array([key for asin in asins for key in keys[asin]], dtype=np.uint64)
    keyed = flat != 0
    if not keyed.any():
        return parsed
    heads = listing_heads(codes[keyed], flat[keyed], len(asins))
    merged = ParsedUpload(rows=parsed.rows)
    seen: set[tuple[int, int]] = set()
    for code, asin in enumerate(asins):
        head = asins[heads[code]]
        reviews = merged.products.setdefault(head, [])
        for review, key in zip(parsed.products[asin], keys[asin], strict=True):
            if key and (heads[code], key) in seen:
                merged.repeats += 1
                continue
            seen.add((heads[code], key))
            reviews.append(review)
        if asin in parsed.sellers and head not in merged.sellers:
            merged.sellers[head] = parsed.sellers[asin]
    return merged


def read_limits() -> ReadLimits:
    return ReadLimits(
        max_line_chars=settings.UPLOAD_MAX_LINE_CHARS,
        max_total_bytes=settings.UPLOAD_MAX_DECOMPRESSED_BYTES,
    )


def review_values(record: Record) -> tuple[str, dict[str, Any]]:
    """(product ASIN, review values) of one record; ``ValueError`` says what is wrong."""
    key, _, _, rating, milliseconds, has_time, _, verified, helpful, country, *_ = record.row()
    asin = key.upper()
    if not asin:
        raise ValueError("no 'parent_asin' or 'asin' says which product the review is of")
    if not _ASIN.fullmatch(asin):
        raise ValueError(f"{key!r} is not a 10-character ASIN")
    posted_at = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=milliseconds)
    if posted_at.date() > dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1):
        raise ValueError(f"the review date {posted_at.date()} is in the future")
    if posted_at.date() < EARLIEST_REVIEW_DATE:
        raise ValueError(f"the review date {posted_at.date()} is before Amazon had reviews")
    if helpful is not None and not (
        0 <= helpful <= limits.HELPFUL_VOTES_MAX and float(helpful).is_integer()
    ):
        raise ValueError(
            f"helpful votes must be a whole number from 0 to {limits.HELPFUL_VOTES_MAX:,}, "
            f"got {helpful:g}"
        )
    fields = record.fields
    title = _checked(fields, ("title", "summary"), "title")
    body = _checked(fields, ("text", "reviewText"), "body")
    user_id = _first(fields, ("user_id", "reviewerID"))
    return asin, {
        "review_id": _review_id(asin, fields, milliseconds, rating, (user_id, title, body)),
        "profile_id": _profile_id(user_id),
        "rating": rating,
        "title": title,
        "body": body,
        "posted_date": posted_at.date(),
        "posted_at": posted_at if has_time else None,
        "country": limits.text_checked("country", country, limits.COUNTRY_MAX),
        "verified_purchase": bool(verified),
        "helpful_votes": int(helpful or 0),
        "variant": _checked(fields, ("variant",), "variant"),
        "image_count": min(_image_count(fields), limits.IMAGE_COUNT_MAX),
        "vine": _text(fields.get("vine")).lower() in ("true", "1", "yes"),
    }


def _first(fields: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The value of the first of ``keys`` (2023 name, then 2018 name) the record has."""
    return next((fields[key] for key in keys if key in fields), None)


def _checked(fields: dict[str, Any], keys: tuple[str, ...], name: str) -> str:
    key = next((key for key in keys if key in fields), keys[0])
    return limits.text_checked(key, fields.get(key), limits.TEXT_LIMITS[name])


def _review_id(
    asin: str,
    fields: dict[str, Any],
    milliseconds: int,
    rating: int,
    identity_fields: tuple[Any, str, str],
) -> str:
    """The row's own ``review_id``, else a hash of (product, user, time, rating, title, text)."""
    own = limits.text_checked("review_id", fields.get("review_id"), 1000).strip().upper()
    if _REVIEW_ID.fullmatch(own):  # not .match: "$" also matches before a trailing newline
        return own
    user_id, title, body = identity_fields
    identity = "\x1f".join([asin, _text(user_id), str(milliseconds), str(rating), title, body])
    return "U" + hashlib.sha256(identity.encode()).hexdigest()[:24].upper()


def _profile_id(user_id: Any) -> str:
    """The stored profile id of a row's ``user_id`` ("" for none; see the module docstring)."""
    text = limits.text_checked("user_id", user_id, 1000).strip()
    if not text or _PROFILE_ID.fullmatch(text):
        return text
    return "u-" + hashlib.sha256(text.encode()).hexdigest()[:24]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _image_count(fields: dict[str, Any]) -> int:
    images = fields.get("images")
    if isinstance(images, list):
        return len(images)
    try:
        return max(0, int(fields.get("image_count") or 0))
    except (TypeError, ValueError):
        return 0
    except OverflowError:  # JSON's 1e999 is infinity
        raise ValueError("image_count must be a whole number") from None
