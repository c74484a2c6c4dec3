"""Read a review file once into ``ReviewColumns``, JSON Lines in parallel byte ranges (issue 18).

**Byte ranges.** A plain JSON Lines file is cut into ranges of about ``RANGE_BYTES``, each starting
just after a newline (``file_ranges``), so every line belongs to exactly one range whatever the
products are: nothing here assumes the file is grouped by product (``detector.columns.ProductTable``
groups the rows afterwards, a stable sort in memory). Each range is parsed on its own — by the
workers of a ``multiprocessing`` pool, in order (``Pool.imap``) — into columns with range-local
codes and the number of lines it holds; ``detector.columns.concatenate`` joins them with file-wide
codes, and each range's line numbers are shifted by the lines before it. A ``.gz`` file (not
seekable by offset) is read the same way, as one range, by one process, a block at a time; a CSV
file goes through ``detector.io.iter_records`` row by row (its records may span lines).

**The fast path and the exact one.** A block of up to ``BLOCK_LINES`` lines goes to
``detector.fast_columns`` (msgspec decodes only the fields read, then the block's values are
checked column-wise). When anything in a block is unusual — a line that is not a JSON object, not
UTF-8, too long; a string rating, a date string instead of a timestamp, a bad value — the block is
read by ``detector.io``'s own per-line reading and per-row validation (``_exact_block``; lines
parsed with orjson, else the json module for its messages), so the values kept and every message
for a bad line are the ones ``detector.io`` gives (``tests/detector/test_io_columns.py`` checks
them side by side). Every bad line of the file is collected (``detector.io.LineErrors``) and the
read ends with one ``BadReviewFile`` listing them.

**Amazon 2018 reviews** (no ``parent_asin``, a ``unixReviewTime``) get a 64-bit content key
(``detector.variants.content_key``), with which ``detector.variants`` counts a review repeated
under every variant ASIN once.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import msgspec
import orjson

from detector.columns import ColumnBuilder, ReviewColumns, concatenate
from detector.fast_columns import fast_columns
from detector.io import (
    _UNDECODABLE,
    DEFAULT_LIMITS,
    BadReviewFile,
    LineErrors,
    Record,
    Row,
    _is_csv,
    _text,
    iter_records,
)
from detector.variants import record_content_key

__all__ = ["BLOCK_LINES", "RANGE_BYTES", "file_ranges", "read_columns", "read_range"]

RANGE_BYTES = 16 * 1024 * 1024  # one worker's piece of the file
BLOCK_LINES = 256  # lines checked together on the fast path
_BOM = b"\xef\xbb\xbf"
Range = tuple[str, int, int]  # (path, start byte, end byte)
Mapper = Callable[[Callable[[Range], "RangeResult"], Iterable[Range]], Iterator["RangeResult"]]


@dataclass(frozen=True)
class RangeResult:
    """One range's columns (range-local codes), how many lines it holds, and its bad lines
    (numbered from 1 at the range's first line)."""

    columns: ReviewColumns
    lines: int
    bytes: int
    errors: LineErrors


def read_columns(
    path: Path,
    mapper: Mapper | None = None,
    progress: Callable[[int], object] | None = None,
) -> ReviewColumns:
    """Every review of the file as columns; ``BadReviewFile`` listing every bad line.

    ``mapper`` maps ``read_range`` over the ranges in order (``Pool.imap``; default: the builtin
    ``map``, in this process). ``progress(bytes)`` is called as ranges finish.
    """
    if _is_csv(path):
        return _csv_columns(path, progress)
    if path.suffix == ".gz":
        result = _read_gzip(path)
        errors = result.errors
        blocks = [result.columns]
    else:
        run = mapper or map
        errors, blocks, before = LineErrors(), [], 0
        for result in run(read_range, file_ranges(path)):
            for error in result.errors.listed:
                errors.add(before + error.line, error.reason)
            errors.total += result.errors.total - len(result.errors.listed)
            blocks.append(result.columns)
            before += result.lines
            if progress is not None:
                progress(result.bytes)
    if errors:
        raise errors.error(path)
    columns = concatenate(blocks)
    if columns.n_reviews == 0:
        raise BadReviewFile(f"{path} has no reviews")
    return columns


def file_ranges(path: Path, size: int = RANGE_BYTES) -> list[Range]:
    """(path, start, end) pieces of about ``size`` bytes, each starting after a newline."""
    total = path.stat().st_size
    starts = [0]
    with open(path, "rb") as stream:
        while starts[-1] + size < total:
            start = _next_line(stream, starts[-1] + size)
            if start >= total:
                break
            starts.append(start)
    ends = [*starts[1:], total]
    return [(str(path), start, end) for start, end in zip(starts, ends, strict=True)]


def _next_line(stream: IO[bytes], offset: int) -> int:
    """The offset just after the first newline at or after ``offset`` (end of file if none)."""
    stream.seek(offset)
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            return stream.tell()
        found = chunk.find(b"\n")
        if found >= 0:
            return offset + found + 1
        offset += len(chunk)


def read_range(job: Range) -> RangeResult:
    """Parse the lines starting in ``[start, end)`` of a plain JSON Lines file."""
    name, start, end = job
    path = Path(name)
    try:
        with open(path, "rb") as stream:
            stream.seek(start)
            return _read_lines(stream, path, end - start, first=start == 0)
    except OSError as error:
        raise BadReviewFile(f"cannot read {path}: {error}") from None


def _read_gzip(path: Path) -> RangeResult:
    try:
        with gzip.open(path, "rb") as stream:
            return _read_lines(cast(IO[bytes], stream), path, None, first=True)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise BadReviewFile(f"cannot read {path}: {error}") from None


def _read_lines(stream: IO[bytes], path: Path, length: int | None, *, first: bool) -> RangeResult:
    """The lines of ``stream`` (``length`` bytes of it, or to its end), block by block.

    A range of ordinary size is read whole and split; a ``.gz`` stream, or a range that one huge
    line made huge, line by line with the length cap (never more than a block in memory).
    """
    limit = DEFAULT_LIMITS.max_line_chars
    errors, builder = LineErrors(), ColumnBuilder()
    consumed = [0]
    if length is not None and length <= 2 * RANGE_BYTES:
        data = stream.read(length)
        consumed[0] = len(data)
        lines: list[Any] = data.split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        blocks: Iterable[list[Any]] = (
            lines[start : start + BLOCK_LINES] for start in range(0, len(lines), BLOCK_LINES)
        )
    else:
        blocks = _capped_blocks(stream, length, limit, consumed)
    number = 1
    for block in blocks:
        if first and number == 1 and isinstance(block[0], bytes):
            block[0] = block[0].removeprefix(_BOM)
        _parse_block(block, number, builder, errors, limit)
        number += len(block)
    return RangeResult(builder.finish(), number - 1, consumed[0], errors)


def _capped_blocks(
    stream: IO[bytes], length: int | None, limit: int | None, consumed: list[int]
) -> Iterator[list[Any]]:
    """Blocks of lines read with the length cap; an over-long line is read past and stands as
    ``_LONG``. ``consumed[0]`` counts the bytes read."""
    cap = -1 if limit is None else 4 * limit + 8  # bytes: enough for limit + 1 characters
    block: list[Any] = []
    while length is None or consumed[0] < length:
        line = stream.readline(cap)
        if not line:
            break
        consumed[0] += len(line)
        if limit is not None and len(line) > limit and _too_long(line, limit):
            while not line.endswith(b"\n"):  # the rest of it, a cap's worth at a time
                line = stream.readline(cap)
                consumed[0] += len(line)
                if not line:
                    break
            block.append(_LONG)
        else:
            block.append(line.removesuffix(b"\n"))
        if len(block) >= BLOCK_LINES:
            yield block
            block = []
    if block:
        yield block


def _too_long(line: bytes, limit: int) -> bool:
    """More than ``limit`` characters before its newline (as ``detector.io`` counts them)."""
    content = line.removesuffix(b"\n")
    return len(content) > limit and len(content.decode("utf-8", "surrogateescape")) > limit


def _parse_block(
    lines: list[Any], first: int, builder: ColumnBuilder, errors: LineErrors, limit: int | None
) -> None:
    """Lines ``first``, ``first + 1``, … (1-based, in the range): fast when nothing is unusual."""
    try:
        if limit is not None and max(map(len, lines)) > limit:
            raise TypeError  # a long line: read it as detector.io does
        fast = fast_columns(lines)
    except (msgspec.DecodeError, TypeError):  # ValidationError is a DecodeError
        fast = None
    if fast is not None:
        builder.add_block(*fast)
        return
    numbers = range(first, first + len(lines))
    records = [
        _exact_record(line, number, errors, limit)
        for line, number in zip(lines, numbers, strict=True)
    ]
    _exact_block(records, numbers, builder, errors)


def _exact_record(line: Any, number: int, errors: LineErrors, limit: int | None) -> Any:
    """``detector.io``'s reading of one line: the record, or None after adding its error."""
    if line is _LONG or (limit is not None and len(line) > limit and _too_long(line, limit)):
        errors.add(
            number,
            f"longer than {limit:,} characters (one review per line; a review is far shorter)",
        )
        return None
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        pass
    text = line.decode("utf-8", "surrogateescape")
    if not text.strip():
        return _BLANK
    if _UNDECODABLE.search(text):
        errors.add(number, "not UTF-8 text (save the file as UTF-8)")
        return None
    try:
        return json.loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        errors.add(number, f"not valid JSON ({error.msg}, at character {error.pos + 1})")
    except RecursionError:
        errors.add(number, "JSON nested too deeply")
    return None


_LONG = object()  # an over-long line, already read past
_BLANK = object()  # a line of whitespace orjson refused (detector.io skips it)


def _exact_block(
    records: list[Any], numbers: range, builder: ColumnBuilder, errors: LineErrors
) -> None:
    """Row by row with ``detector.io``'s validation and messages."""
    rows: list[Row] = []
    sellers: list[str | None] = []
    keys: list[int] = []
    for record, number in zip(records, numbers, strict=True):
        if record is None or record is _BLANK:
            continue
        if not isinstance(record, dict):
            errors.add(number, "expected a JSON object per line")
            continue
        try:
            rows.append(Record(number, record, "timestamp" in record).row())
        except ValueError as error:
            errors.add(number, str(error))
            continue
        sellers.append(_text(record.get("seller_id")))
        keys.append(record_content_key(record))
    builder.add_rows(rows, sellers, keys)


def _csv_columns(path: Path, progress: Callable[[int], object] | None) -> ReviewColumns:
    errors, builder = LineErrors(), ColumnBuilder()
    rows: list[Row] = []
    sellers: list[str | None] = []

    def report(size: int) -> None:
        if progress is not None:
            progress(size)

    for record in iter_records(path, report, errors=errors):
        try:
            rows.append(record.row())
        except ValueError as error:
            errors.add(record.line, str(error))
            continue
        sellers.append(_text(record.fields.get("seller_id")))
    if errors:
        raise errors.error(path)
    builder.add_rows(rows, sellers, [0] * len(rows))
    columns = builder.finish()
    if columns.n_reviews == 0:
        raise BadReviewFile(f"{path} has no reviews")
    return columns
