"""The review events of a group fit, as columns, and the moderators' labels.

``ReviewEvents`` holds one row per review: integer codes for the reviewer, the product and the
product's seller, the rating (1–5 stars) and the moment (ms since the epoch, UTC). Codes index the
label lists, in order of first appearance. A review without a reviewer id cannot be part of a
group (nothing ties it to the reviewer's other reviews) and is coded -1. A product whose seller is
unknown is coded -1 too; the tensor then gives that product a seller slot of its own, and the
group lists only the sellers it knows.

``Label`` is one moderator decision (issue 17's ``--labels`` JSON Lines): an entity (a reviewer or
a seller, by id), a target kind (``"paid_reviews"``, ``"compromised"``, …: one logistic target
each) and whether it was confirmed abusive.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Ids = Sequence[str | None] | npt.NDArray[np.object_] | npt.NDArray[np.str_]
LabelKind = Literal["reviewer", "seller"]

__all__ = ["BadLabels", "GroupInputError", "Label", "ReviewEvents", "read_labels", "review_events"]


class GroupInputError(ValueError):
    """The arrays given for a group fit do not fit together; the message is for people."""


class BadLabels(ValueError):
    """A labels file cannot be used; the message names the line."""


@dataclass(frozen=True)
class Label:
    """A moderator's decision on one entity for one target kind."""

    kind: LabelKind
    id: str
    target: str
    abusive: bool


@dataclass(frozen=True)
class ReviewEvents:
    """Reviews as coded columns (see the module docstring); all arrays have one entry per review."""

    reviewer: IntArray
    product: IntArray
    seller: IntArray
    rating: IntArray
    timestamp_ms: IntArray
    reviewer_labels: Sequence[str]
    product_labels: Sequence[str]
    seller_labels: Sequence[str]

    def __post_init__(self) -> None:
        n = self.rating.shape[0]
        lengths = {
            name: getattr(self, name).shape[0]
            for name in ("reviewer", "product", "seller", "timestamp_ms")
        }
        wrong = {name: length for name, length in lengths.items() if length != n}
        if wrong:
            raise GroupInputError(f"expected {n} entries like `rating`, got {wrong}")
        if n and (self.rating.min() < 1 or self.rating.max() > 5):
            raise GroupInputError("ratings must be whole stars from 1 to 5")
        for name, labels in (
            ("reviewer", self.reviewer_labels),
            ("product", self.product_labels),
            ("seller", self.seller_labels),
        ):
            codes = getattr(self, name)
            if n and (codes.min() < -1 or codes.max() >= len(labels)):
                raise GroupInputError(f"{name} codes must index {name}_labels (or be -1)")
        if n and self.product.min() < 0:
            raise GroupInputError("every review needs a product")

    @property
    def n_reviews(self) -> int:
        return int(self.rating.shape[0])

    @classmethod
    def from_codes(
        cls,
        *,
        reviewer: npt.ArrayLike,
        product: npt.ArrayLike,
        seller: npt.ArrayLike,
        rating: npt.ArrayLike,
        timestamp_ms: npt.ArrayLike,
    ) -> ReviewEvents:
        """The fast path for callers holding integer codes 0..n-1 (labels are the codes)."""
        columns = [np.asarray(a, dtype=np.int64) for a in (reviewer, product, seller)]
        labels = [[str(code) for code in range(int(c.max()) + 1 if c.size else 0)] for c in columns]
        return cls(
            reviewer=columns[0],
            product=columns[1],
            seller=columns[2],
            rating=np.asarray(rating, dtype=np.int64),
            timestamp_ms=np.asarray(timestamp_ms, dtype=np.int64),
            reviewer_labels=labels[0],
            product_labels=labels[1],
            seller_labels=labels[2],
        )


def review_events(
    *,
    reviewer_id: Ids,
    product_id: Ids,
    rating: npt.ArrayLike,
    timestamp_ms: npt.ArrayLike,
    seller_id: Ids | None = None,
) -> ReviewEvents:
    """Code string ids (None or "" = unknown) into ``ReviewEvents``.

    Ratings are rounded to whole stars (the tensor's rating mode has five levels)."""
    ratings = np.asarray(rating, dtype=np.float64)
    n = ratings.shape[0]
    if np.isnan(ratings).any():
        raise GroupInputError("ratings must be numbers from 1 to 5")
    sellers = [None] * n if seller_id is None else seller_id
    lengths = {"reviewer_id": len(reviewer_id), "product_id": len(product_id)}
    lengths["seller_id"] = len(sellers)
    lengths["timestamp_ms"] = len(np.atleast_1d(np.asarray(timestamp_ms)))
    wrong = {name: length for name, length in lengths.items() if length != n}
    if wrong:
        raise GroupInputError(f"expected {n} entries like `rating`, got {wrong}")
    reviewer, reviewer_labels = _code(reviewer_id)
    product, product_labels = _code(product_id)
    if n and product.min() < 0:
        raise GroupInputError("every review needs a product id")
    seller, seller_labels = _code(sellers)
    return ReviewEvents(
        reviewer=reviewer,
        product=product,
        seller=seller,
        rating=np.rint(ratings).astype(np.int64),
        timestamp_ms=np.asarray(timestamp_ms, dtype=np.int64).reshape(n),
        reviewer_labels=reviewer_labels,
        product_labels=product_labels,
        seller_labels=seller_labels,
    )


def _code(values: Iterable[str | None]) -> tuple[IntArray, list[str]]:
    """Codes in order of first appearance; None and "" are -1."""
    seen: dict[str, int] = {}
    codes = []
    for raw in values:
        if raw is None or raw == "":
            codes.append(-1)
            continue
        label = str(raw)
        codes.append(seen.setdefault(label, len(seen)))
    return np.asarray(codes, dtype=np.int64), list(seen)


def read_labels(path: Path) -> list[Label]:
    """``--labels`` JSON Lines: ``{"kind": "reviewer"|"seller", "id", "target", "abusive"}``."""
    labels = []
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise BadLabels(f"cannot read {path}: {error}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            labels.append(_label(json.loads(line)))
        except (json.JSONDecodeError, RecursionError):
            raise BadLabels(f"{path}, line {number}: not valid JSON") from None
        except ValueError as error:
            raise BadLabels(f"{path}, line {number}: {error}") from None
    return labels


def _label(record: object) -> Label:
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object per line")
    kind = record.get("kind")
    if kind not in ("reviewer", "seller"):
        raise ValueError(f'\'kind\' must be "reviewer" or "seller", got {kind!r}')
    entity, target, abusive = record.get("id"), record.get("target"), record.get("abusive")
    if not isinstance(entity, str | int) or isinstance(entity, bool) or str(entity) == "":
        raise ValueError("'id' must be a non-empty string")
    if not isinstance(target, str) or not target:
        raise ValueError("'target' must be a non-empty string (the abuse kind)")
    if not isinstance(abusive, bool):
        raise ValueError("'abusive' must be true or false")
    return Label(kind=kind, id=str(entity), target=target, abusive=abusive)
