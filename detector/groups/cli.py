"""``--groups-out PATH`` and ``--labels PATH`` for ``python -m detector`` (issue 17's contract).

``python -m detector FILE --groups-out groups.jsonl [--labels labels.jsonl]`` writes one group
per line, strongest first::

    {"reviewers": [user_id, …], "products": [parent_asin, …], "sellers": [seller_id, …],
     "start": ms, "end": ms, "rating": mean stars, "score": float, "evidence": {…}}

(``end`` exclusive; ``score`` −log10 of the block's Poisson tail probability; ``evidence`` what
makes it dense — see ``detector.groups.blocks``). Input lines may carry ``seller_id`` (JSON Lines
or a CSV column); reviews without a ``user_id`` cannot join a group. ``--labels`` is JSON Lines
``{"kind": "reviewer"|"seller", "id", "target", "abusive": true|false}``.

The main CLI calls ``add_arguments(parser)`` and, after its verdicts, ``run(args, path)`` — or
``write_groups(args, events)`` with the ``ReviewEvents`` it built from its own read; the same
runs alone as ``python -m detector.groups FILE --groups-out PATH``. ``run`` reads the file once
more, streaming (``detector.io.iter_records``: the same validation and messages), into columns.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from detector.groups import GroupParams, find_groups, read_labels, review_events
from detector.groups.events import BadLabels, ReviewEvents
from detector.io import BadReviewFile, iter_records

__all__ = ["add_arguments", "events_from_file", "main", "run", "write_groups"]

_DUMPS = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--groups-out", type=Path, help="write one JSON line per collusion group found here"
    )
    parser.add_argument(
        "--labels", type=Path, help="JSON Lines of known entities (kind, id, target, abusive)"
    )


def events_from_file(path: Path) -> ReviewEvents:
    """The file's reviews as ``ReviewEvents`` (product: parent_asin, else asin)."""
    reviewer: list[str | None] = []
    product: list[str] = []
    seller: list[str | None] = []
    rating: list[int] = []
    moment: list[int] = []
    for record in iter_records(path):
        try:
            row = record.row()
        except ValueError as error:
            raise BadReviewFile(f"{path}, line {record.line}: {error}") from None
        reviewer.append(row[11])
        product.append(row[0])
        raw = record.fields.get("seller_id")
        seller.append(None if raw is None or str(raw).strip() == "" else str(raw).strip())
        rating.append(row[3])
        moment.append(row[4])
    return review_events(
        reviewer_id=reviewer, product_id=product, seller_id=seller, rating=rating,
        timestamp_ms=moment,
    )  # fmt: skip


def run(args: argparse.Namespace, path: Path) -> None:
    """Write ``--groups-out`` when asked; ``BadReviewFile`` for an unusable file or labels."""
    if _wanted(args):
        write_groups(args, events_from_file(path))


def _wanted(args: argparse.Namespace) -> bool:
    if getattr(args, "groups_out", None) is None:
        if getattr(args, "labels", None) is not None:
            raise BadReviewFile("--labels needs --groups-out")
        return False
    return True


def write_groups(args: argparse.Namespace, events: ReviewEvents) -> None:
    """``--groups-out`` for events a caller already holds (the main CLI's one read of the file):
    read ``--labels``, ``find_groups`` with the default parameters, write the lines and say how
    many on stderr. Nothing when ``--groups-out`` is absent; ``BadReviewFile`` for bad labels or
    an unwritable path."""
    if not _wanted(args):
        return
    try:
        labels = read_labels(args.labels) if args.labels is not None else []
    except BadLabels as error:
        raise BadReviewFile(str(error)) from None
    groups = find_groups(events, labels, params=GroupParams())
    try:
        with args.groups_out.open("w", encoding="utf-8") as out:
            for group in groups:
                out.write(_DUMPS(group.to_dict()) + "\n")
    except OSError as error:
        raise BadReviewFile(f"cannot write {args.groups_out}: {error}") from None
    print(f"detector: {len(groups)} groups written to {args.groups_out}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m detector.groups FILE --groups-out PATH [--labels PATH]``."""
    parser = argparse.ArgumentParser(
        prog="python -m detector.groups", description="Find collusion groups in a review file."
    )
    parser.add_argument("file", type=Path)
    add_arguments(parser)
    args = parser.parse_args(argv)
    if args.groups_out is None:
        parser.error("--groups-out is required")
    try:
        run(args, args.file)
    except BadReviewFile as error:
        print(f"detector: {error}", file=sys.stderr)
        return 1
    return 0
