"""Hostile inputs shared by the regression tests and the hostile-input suite."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

GIB = 1024**3


def gzip_bomb(path: Path, *, decompressed: int = GIB) -> Path:
    """A ``.jsonl.gz`` of about 1 MB holding one JSON line of ``decompressed`` bytes."""
    chunk = b"a" * (1024 * 1024)
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b'{"rating": 5, "timestamp": 1700000000000, "text": "')
        for _ in range(decompressed // len(chunk)):
            out.write(chunk)
        out.write(b'"}\n')
    return path


def review_line(**fields: object) -> dict[str, object]:
    """One valid upload line (Amazon Reviews 2023 schema), with ``fields`` replaced."""
    line: dict[str, object] = {
        "rating": 5,
        "title": "Fine",
        "text": "Works as described.",
        "timestamp": 1_700_000_000_000,
        "user_id": "U1",
        "asin": "B0BBPNPZTC",
        "parent_asin": "B0BBPNPZTC",
        "helpful_vote": 0,
        "verified_purchase": True,
    }
    line.update(fields)
    return line


def jsonl(*lines: dict[str, object] | str) -> bytes:
    return "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines).encode()


# Upload lines that once answered "Something went wrong on our side" (issue 14, item 7).
BAD_UPLOAD_LINES: dict[str, str] = {
    "timestamp 1e300": '{"rating": 5, "timestamp": 1e300, "parent_asin": "B0BBPNPZTC"}',
    "timestamp -1e14": '{"rating": 5, "timestamp": -1e14, "parent_asin": "B0BBPNPZTC"}',
    "image_count 1e999": json.dumps(review_line()).replace(
        '"rating": 5', '"image_count": 1e999, "rating": 5'
    ),
    "nested JSON": "[" * 5000 + "]" * 5000,
    "nested object": '{"rating": 5, "timestamp": 1700000000000, "parent_asin": "B0BBPNPZTC", '
    + '"title": '
    + '{"a": ' * 3000
    + "1"
    + "}" * 3000
    + "}",
    "NUL in text": json.dumps(review_line(text="bad\u0000text")),
    "NUL in title": json.dumps(review_line(title="\u0000")),
    "helpful_vote 2**31": json.dumps(review_line(helpful_vote=2**31)),
    "title 3 MB": json.dumps(review_line(title="t" * 3_000_000)),
    "body over 50k": json.dumps(review_line(text="b" * 50_001)),
    "title as object": json.dumps(review_line(title={"a": 1})),
}
