"""Write simulated reviews in the formats ``python -m detector FILE`` reads.

JSON Lines follow the Amazon Reviews 2023 review schema (McAuley Lab): ``rating`` (float),
``title``, ``text``, ``images`` (list of ``{small_image_url, medium_image_url, large_image_url,
attachment_type}``), ``asin``, ``parent_asin``, ``user_id``, ``timestamp`` (int, ms since the
epoch), ``helpful_vote`` (int), ``verified_purchase`` (bool). With ``extras`` (default) each line
also carries optional, clearly non-2023 keys a crawler would have: ``review_id``, ``country``,
``reviewer_review_count``, ``vine``, ``variant``; with ``truth`` the simulator's ground truth as
``sim_is_fake`` and ``sim_scenario``. Readers of the 2023 schema can ignore all of them.

CSV has a header ``asin,parent_asin,rating,date,text,title,…``; ``date`` is ISO 8601 in UTC
(``2021-03-01T14:22:05Z``), ``rating`` an integer and booleans ``true``/``false``.

Both writers take any iterable of products and write review by review, so a generator such as
:func:`~detector.simulate.population.iter_population` streams straight to disk.
"""

import csv
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from json.encoder import encode_basestring as _quote
from typing import TextIO

import numpy as np

from .records import SimulatedProduct

CSV_COLUMNS = (
    "asin", "parent_asin", "rating", "date", "text", "title", "review_id", "user_id",
    "verified_purchase", "helpful_votes", "country", "reviewer_review_count", "vine",
    "image_count", "variant",
)  # fmt: skip
CSV_TRUTH_COLUMNS = ("sim_is_fake", "sim_scenario")
_JSON_BOOLEAN = {True: "true", False: "false"}
_IMAGE_SIZES = {"small_image_url": "_SL256_", "medium_image_url": "_SL800_", "large_image_url": ""}

Destination = str | os.PathLike[str] | TextIO


def write_jsonl(
    products: Iterable[SimulatedProduct],
    out: Destination,
    *,
    extras: bool = True,
    truth: bool = False,
) -> int:
    """Write every review of ``products`` as one JSON object per line; returns the review count."""
    written = 0
    with _opened(out, newline=None) as stream:
        for product in products:
            lines = _jsonl_lines(product, extras=extras, truth=truth)
            if lines:
                stream.write("\n".join(lines) + "\n")
            written += len(lines)
    return written


def write_csv(
    products: Iterable[SimulatedProduct], out: Destination, *, truth: bool = False
) -> int:
    """Write every review of ``products`` as a CSV row under a header; returns the review count."""
    written = 0
    with _opened(out, newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(CSV_COLUMNS + (CSV_TRUTH_COLUMNS if truth else ()))
        for product in products:
            rows = _csv_rows(product, truth=truth)
            writer.writerows(rows)
            written += len(rows)
    return written


def _jsonl_lines(product: SimulatedProduct, *, extras: bool, truth: bool) -> list[str]:
    """One JSON object per review, in arrival order, keys in the 2023 schema's order.

    Formatted directly (strings through the C string encoder) rather than building a dict per
    review for ``json.dumps``: three times faster, which is what makes millions of reviews cheap.
    """
    c = product.columns
    shared = f'"asin": {_quote(product.asin)}, "parent_asin": {_quote(product.parent_asin)}'
    scenario = _quote(product.scenario)
    milliseconds = (c.posted_at.astype(np.int64) * 1000).tolist()
    rows = zip(
        c.rating.tolist(), c.title, c.text, c.image_count.tolist(), c.review_id.tolist(),
        c.user_id.tolist(), milliseconds, c.helpful_votes.tolist(), c.verified_purchase.tolist(),
        c.country.tolist(), c.reviewer_review_count.tolist(), c.vine.tolist(),
        c.variant.tolist(), c.is_fake.tolist(), strict=True,
    )  # fmt: skip
    lines = []
    for stars, title, body, photos, review_id, user, ms, helpful, verified, *more in rows:
        country, review_count, vine, variant, fake = more
        images = json.dumps([_image(review_id, k) for k in range(photos)]) if photos else "[]"
        line = (
            f'{{"rating": {stars}.0, "title": {_quote(title)}, "text": {_quote(body)}, '
            f'"images": {images}, {shared}, "user_id": {_quote(user)}, "timestamp": {ms}, '
            f'"helpful_vote": {helpful}, "verified_purchase": {_JSON_BOOLEAN[verified]}'
        )
        if extras:
            line += (
                f', "review_id": {_quote(review_id)}, "country": {_quote(country)}, '
                f'"reviewer_review_count": {review_count}, "vine": {_JSON_BOOLEAN[vine]}, '
                f'"variant": {_quote(variant)}'
            )
        if truth:
            line += f', "sim_is_fake": {_JSON_BOOLEAN[fake]}, "sim_scenario": {scenario}'
        lines.append(line + "}")
    return lines


def _csv_rows(product: SimulatedProduct, *, truth: bool) -> list[list[object]]:
    c = product.columns
    dates = np.char.add(np.datetime_as_string(c.posted_at, unit="s"), "Z").tolist()
    columns: list[list[object]] = [
        [product.asin] * len(c),
        [product.parent_asin] * len(c),
        c.rating.tolist(),
        dates,
        list(c.text),
        list(c.title),
        c.review_id.tolist(),
        c.user_id.tolist(),
        _booleans(c.verified_purchase),
        c.helpful_votes.tolist(),
        c.country.tolist(),
        c.reviewer_review_count.tolist(),
        _booleans(c.vine),
        c.image_count.tolist(),
        c.variant.tolist(),
    ]
    if truth:
        columns += [_booleans(c.is_fake), [product.scenario] * len(c)]
    return [list(row) for row in zip(*columns, strict=True)]


def _booleans(values: np.ndarray) -> list[object]:
    words: list[object] = np.where(values, "true", "false").tolist()
    return words


def _image(review_id: str, index: int) -> dict[str, str]:
    """A placeholder photo on a reserved domain (.invalid): never fetched, never a real image."""
    base = f"https://images.example.invalid/reviewsec-sim/{review_id}-{index + 1}"
    urls = {
        key: f"{base}.{size}.jpg" if size else f"{base}.jpg" for key, size in _IMAGE_SIZES.items()
    }
    return urls | {"attachment_type": "IMAGE"}


@contextmanager
def _opened(out: Destination, *, newline: str | None) -> Iterator[TextIO]:
    """``out`` itself if it is an open text stream, else the file at that path opened to write."""
    if not isinstance(out, str | os.PathLike):
        yield out
        return
    with open(out, "w", encoding="utf-8", newline=newline) as stream:
        yield stream
