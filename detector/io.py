"""Reading review files for ``python -m detector``: JSON Lines or CSV, checked row by row.

**Formats.** JSON Lines in the Amazon Reviews 2023 schema — ``rating``, ``title``, ``text``,
``timestamp`` (ms since the epoch, UTC), ``user_id``, ``asin``, ``parent_asin``, ``helpful_vote``,
``verified_purchase`` — plus the optional keys ``detector.simulate`` writes (``country``,
``reviewer_review_count``); a ``date`` string may stand in for ``timestamp``. The Amazon Reviews
2018 schema too: ``overall`` (the rating), ``unixReviewTime`` (seconds, day precision),
``reviewerID``, ``vote`` (helpful votes as a string such as "1,234"), ``verified``, ``asin``,
``reviewText`` (``summary`` and ``style`` are read past). CSV with a header:
``rating``, ``date`` (ISO 8601; a date without a time means the time of day is unknown), and
optionally ``text``, ``asin``, ``parent_asin``, ``verified_purchase``, ``helpful_votes`` (or
``helpful_vote``), ``country``, ``reviewer_review_count``. ``.gz`` files are read compressed.

**Products.** Reviews belong to ``parent_asin`` (else ``asin``; a file with neither is one
product): ``Row[0]`` is that key. ``ProductReviews`` is one product's arrays as ``detector.analyze``
takes them. The CLI reads a file once into compact columns (``detector.read_columns``, which uses
this module's per-row validation and messages) and groups them by product in memory, so a file
need not come grouped by product.

**Reading limits, enforced while streaming.** ``ReadLimits`` caps the length of one line (one
CSV record) and, optionally, the total size of the file once decompressed. Both are checked as
the bytes arrive, so a small ``.gz`` holding one endless line (a gzip bomb) is refused after
reading at most the limit, never held whole in memory. The CLI reads local files with
``DEFAULT_LIMITS`` (long lines only); uploads pass their own, smaller limits.

**Bad lines are all reported.** A line that is not JSON, not an object, not UTF-8, too long, or
(``iter_rows``) not a valid review does not stop the reading: ``LineErrors`` collects them while
the file streams (the first ``MAX_LISTED_ERRORS`` with their reasons, all of them counted, so memory
stays bounded), no row is yielded after the first one, and the file ends with one
``BadReviewFile`` listing them. A file-level problem (unreadable, empty, a missing CSV column, past
the decompressed cap, an over-long CSV record, whose end cannot be found reliably) stops at once,
with the lines collected so far. One bad line gives a one-line message, ``FILE, line N: reason``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

import numpy as np

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_LISTED_ERRORS",
    "BadReviewFile",
    "LineError",
    "LineErrors",
    "ProductReviews",
    "ReadLimits",
    "Record",
    "Row",
    "iter_records",
    "iter_rows",
]

# One review: (key, asin, parent_asin, rating, epoch ms, has_time, text length, verified,
# helpful votes, country, reviewer's review count, user id); None where the file does not say.
Row = tuple[
    str, str | None, str | None, int, int, bool, int | None, bool | None, float | None, str | None,
    float | None, str | None,
]  # fmt: skip
_TRUE = {"true", "1", "yes", "y", "t"}
# Timestamps from 1900 to the end of 9999 (ms since the epoch): beyond that a date cannot be stored.
_EARLIEST_MS = -2_208_988_800_000
_LATEST_MS = 253_402_300_799_999
_FALSE = {"false", "0", "no", "n", "f"}
MAX_LISTED_ERRORS = 100  # bad lines listed with their reasons; the rest are counted
# Bytes that are not UTF-8, as the "surrogateescape" error handler hands them over.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class LineError:
    """One bad line (1-based) and why, in words."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class LineErrors:
    """The bad lines of one read: the first ``keep`` listed, every one counted."""

    def __init__(self, keep: int = MAX_LISTED_ERRORS) -> None:
        self.keep = keep
        self.listed: list[LineError] = []
        self.total = 0

    def __bool__(self) -> bool:
        return self.total > 0

    def add(self, line: int, reason: str) -> None:
        self.total += 1
        if len(self.listed) < self.keep:
            self.listed.append(LineError(line, reason))

    def messages(self) -> list[str]:
        """``line N: reason`` for each listed line, then how many more there were, if any."""
        listed = [str(error) for error in self.listed]
        hidden = self.total - len(self.listed)
        if hidden:
            listed.append(f"… and {hidden:,} more bad lines ({self.total:,} in all)")
        return listed

    def error(self, name: str | Path, stopped: str | None = None) -> BadReviewFile:
        """One ``BadReviewFile`` for them all (and for what ``stopped`` the reading, if so)."""
        if self.total == 1 and stopped is None:
            return BadReviewFile(f"{name}, {self.listed[0]}", self)
        count = f"{self.total:,} bad line{'s' if self.total != 1 else ''}"
        lines = [f"{name}: {count}", *(f"  {message}" for message in self.messages())]
        if stopped is not None:
            lines.append(f"  and reading stopped: {stopped}")
        return BadReviewFile("\n".join(lines), self, stopped)


class BadReviewFile(ValueError):
    """The file cannot be analysed; the message is for people (one line, or one per bad line).

    ``lines`` holds the bad lines when there were any; ``stopped`` says what stopped the reading
    when a file-level problem did (else ``None``).
    """

    def __init__(
        self, message: str, lines: LineErrors | None = None, stopped: str | None = None
    ) -> None:
        super().__init__(message)
        self.lines = lines
        self.stopped = message if lines is None else stopped


@dataclass(frozen=True)
class ProductReviews:
    """One product's reviews as the arrays ``detector.analyze`` takes, in file order."""

    asin: str | None
    parent_asin: str | None
    reviews: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        return int(self.reviews["rating"].size)

    @property
    def product(self) -> dict[str, str | None]:
        return {"asin": self.asin, "parent_asin": self.parent_asin}


@dataclass(frozen=True)
class ReadLimits:
    """Caps checked while reading: characters in one line (or CSV record), and bytes in the
    whole file after decompression (``None``: no cap)."""

    max_line_chars: int | None = 16 * 1024 * 1024
    max_total_bytes: int | None = None


DEFAULT_LIMITS = ReadLimits()


class _CappedReader(io.RawIOBase):
    """A binary stream that raises ``BadReviewFile`` once more than ``cap`` bytes came out of it
    (for a ``.gz``: decompressed bytes, counted as gzip produces them)."""

    def __init__(self, raw: IO[bytes], cap: int, path: Path) -> None:
        self._raw, self._cap, self._path, self._total = raw, cap, path, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size: int = self._raw.readinto(buffer) or 0  # type: ignore[attr-defined]
        self._total += size
        if self._total > self._cap:
            raise BadReviewFile(
                f"{self._path} is larger than {self._cap // (1024 * 1024)} MiB once decompressed"
            )
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


def _open_text(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> IO[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    raw = cast(IO[bytes], opener(path, "rb"))
    if limits.max_total_bytes is not None:
        raw = io.BufferedReader(_CappedReader(raw, limits.max_total_bytes, path))
    # Bytes that are not UTF-8 reach the line readers as lone surrogates: that line's error.
    return io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")


class _Lines:
    """The stream's lines, each read with a length cap (``readline(limit)`` never buffers more).

    ``since_mark`` counts the characters since the caller last called ``mark``, so a CSV record
    that spans lines is capped as a whole. With ``skip_long`` (JSON Lines), a line over the cap
    is read past in pieces of the cap, reported to ``skip_long(number, reason)``, and the next
    line returned; without it (CSV, whose record ends cannot be found reliably) it stops the read.
    """

    def __init__(
        self,
        stream: IO[str],
        path: Path,
        limit: int | None,
        skip_long: Callable[[int, str], None] | None = None,
    ) -> None:
        self._stream, self._path, self._limit, self._skip_long = stream, path, limit, skip_long
        self.number = 0
        self.since_mark = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        limit = self._limit
        while True:
            line = self._stream.readline(-1 if limit is None else limit + 1)
            if not line:
                raise StopIteration
            self.number += 1
            self.since_mark += len(line)
            if limit is None or not (
                self.since_mark > limit + 1 or (len(line) > limit and not line.endswith("\n"))
            ):
                return line
            reason = (
                f"longer than {limit:,} characters (one review per line; a review is far shorter)"
            )
            if self._skip_long is None:
                raise BadReviewFile(f"{self._path}, line {self.number}: {reason}")
            self._skip_long(self.number, reason)  # first: the cap may stop the read past it
            while not line.endswith("\n"):  # the rest of the line, a cap's worth at a time
                line = self._stream.readline(limit + 1)
                if not line:
                    break
            self.since_mark = 0

    def mark(self) -> None:
        self.since_mark = 0


def _is_csv(path: Path) -> bool:
    """By extension, else by the first non-blank character ('{' means JSON Lines)."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] in (".csv", ".tsv"):
        return True
    if suffixes and suffixes[-1] in (".jsonl", ".ndjson", ".json"):
        return False
    with _open_text(path, ReadLimits(max_total_bytes=4096)) as stream:
        head = stream.read(4096).lstrip("\ufeff \t\r\n")
    return not head.startswith("{")


@dataclass(frozen=True)
class Record:
    """One review as the file has it (``fields``), before validation; ``line`` is 1-based."""

    line: int
    fields: dict[str, Any]
    has_timestamp: bool

    def row(self) -> Row:
        """The validated ``Row``; ``ValueError`` with a message for people when it is not valid."""
        return _row(self.fields, self.has_timestamp, self.line)


def iter_rows(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Row]:
    """Every review of the file as a ``Row``, validated; ``progress(bytes)`` as it reads.

    A bad line does not stop the reading, but no row is yielded after it: the whole file is read
    for its other bad lines, then one ``BadReviewFile`` lists them all.
    """
    errors = LineErrors()
    for record in iter_records(path, progress, errors=errors):
        try:
            row = record.row()
        except ValueError as error:
            errors.add(record.line, str(error))
            continue
        if not errors:
            yield row
    if errors:
        raise errors.error(path)


def iter_records(
    path: Path,
    progress: Callable[[int], None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    *,
    errors: LineErrors | None = None,
) -> Iterator[Record]:
    """Every review of the file, unvalidated, with its line number.

    With ``errors``, a line that cannot be a record (not JSON, not an object, not UTF-8, too
    long) is added there and skipped, so a caller that validates the records into the same
    ``errors`` reports every bad line at the end; without it the first such line raises
    ``BadReviewFile``. A file-level problem always raises at once (its message lists the
    ``errors`` collected so far).
    """

    def fail(number: int, reason: str) -> None:
        if errors is None:
            raise BadReviewFile(f"{path}, line {number}: {reason}")
        errors.add(number, reason)

    try:
        csv_file = _is_csv(path)
        with _open_text(path, limits) as stream:
            if csv_file:
                lines = _Lines(stream, path, limits.max_line_chars)
                yield from _csv_records(lines, path, progress, fail)
            else:
                lines = _Lines(stream, path, limits.max_line_chars, skip_long=fail)
                yield from _jsonl_records(lines, progress, fail)
    except (OSError, EOFError, gzip.BadGzipFile, csv.Error) as error:
        stopped = f"cannot read {path}: {error}"
        raise (errors.error(path, stopped) if errors else BadReviewFile(stopped)) from None
    except BadReviewFile as error:
        if not errors or error.lines is errors:
            raise
        raise errors.error(path, str(error).removeprefix(f"{path}, ")) from None


def _jsonl_records(
    lines: _Lines, progress: Callable[[int], None] | None, fail: Callable[[int, str], None]
) -> Iterator[Record]:
    for line in lines:
        lines.mark()
        number = lines.number
        if progress is not None:
            progress(len(line))
        if number == 1:
            line = line.removeprefix("\ufeff")  # a byte-order mark some editors write
        if not line.strip():
            continue
        if _UNDECODABLE.search(line):
            fail(number, "not UTF-8 text (save the file as UTF-8)")
            continue
        try:
            record = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as error:
            fail(number, f"not valid JSON ({error.msg}, at character {error.pos + 1})")
            continue
        except RecursionError:
            fail(number, "JSON nested too deeply")
            continue
        if not isinstance(record, dict):
            fail(number, "expected a JSON object per line")
            continue
        yield Record(number, record, "timestamp" in record)


def _csv_records(
    lines: _Lines,
    path: Path,
    progress: Callable[[int], None] | None,
    fail: Callable[[int, str], None],
) -> Iterator[Record]:
    # Long review texts; ``lines`` caps a record (all its fields) at the line limit anyway.
    csv.field_size_limit(max(csv.field_size_limit(), 100_000_000))
    dialect = "excel-tab" if path.name.lower().removesuffix(".gz").endswith(".tsv") else "excel"
    reader = csv.DictReader(lines, dialect=dialect)
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        raise BadReviewFile(f"{path} is empty")
    reader.fieldnames = header
    lines.mark()
    missing = [name for name in ("rating", "date") if name not in header]
    if missing:
        raise BadReviewFile(
            f"{path}: the CSV header has no {' or '.join(map(repr, missing))} column"
        )
    consumed = 0
    for record in reader:
        if progress is not None:  # csv reads ahead: report lines as rows arrive
            position = reader.line_num
            progress(position - consumed)
            consumed = position
        lines.mark()
        if any(_UNDECODABLE.search(value) for value in record.values() if isinstance(value, str)):
            fail(reader.line_num, "not UTF-8 text (save the file as UTF-8)")
            continue
        yield Record(reader.line_num, record, False)


def _row(record: dict[str, Any], has_timestamp: bool, number: int) -> Row:
    asin = _text(record.get("asin"))
    parent = _text(record.get("parent_asin"))
    rating = _rating(record.get("rating", record.get("overall")))
    if has_timestamp:
        milliseconds, has_time = _timestamp(record["timestamp"]), True
    elif record.get("unixReviewTime") is not None:  # 2018 schema: seconds, whole days
        milliseconds, has_time = _timestamp(_seconds(record["unixReviewTime"])), False
    elif _text(record.get("date")) is not None:
        milliseconds, has_time = _date(str(record["date"]))
    else:
        raise ValueError("missing 'timestamp' (or 'date')")
    text = record.get("text", record.get("reviewText"))
    helpful = record.get("helpful_vote", record.get("helpful_votes", record.get("vote")))
    return (
        parent or asin or "",
        asin,
        parent,
        rating,
        milliseconds,
        has_time,
        None if text is None else len(str(text)),
        _boolean(record.get("verified_purchase", record.get("verified"))),
        _number(helpful, "helpful_vote"),
        _text(record.get("country")),
        _number(record.get("reviewer_review_count"), "reviewer_review_count"),
        _text(record.get("user_id", record.get("reviewerID"))),
    )


def _seconds(value: Any) -> Any:
    """2018 ``unixReviewTime`` (seconds) as milliseconds, for ``_timestamp`` to check."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"unixReviewTime must be seconds since 1970 as a number, got {value!r}")
    return value * 1000


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _rating(value: Any) -> int:
    if value is None or value == "":
        raise ValueError("missing 'rating'")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"rating {value!r} is not a number of stars") from None
    if isinstance(value, bool) or not number.is_integer() or not 1 <= number <= 5:
        raise ValueError(f"rating must be a whole number of stars from 1 to 5, got {value!r}")
    return int(number)


def _timestamp(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"timestamp must be milliseconds since 1970 as a number, got {value!r}")
    if not _EARLIEST_MS <= value <= _LATEST_MS:
        raise ValueError(
            f"timestamp {value!r} is not a date between 1900 and 9999 (milliseconds since 1970)"
        )
    return int(value)


def _date(value: str) -> tuple[int, bool]:
    """(epoch ms, has a time of day) of an ISO 8601 date or datetime (UTC unless it says)."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"date {value!r} is not an ISO 8601 date such as 2021-03-01") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return int(np.datetime64(moment, "ms").astype(np.int64)), len(text) > 10


def _boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text == "":
        return None
    raise ValueError(f"verified_purchase must be true or false, got {value!r}")


def _number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):  # "1,234" (the 2018 schema's helpful votes)
        value = value.replace(",", "")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number
