"""A whole review file as compact per-review columns, for ``python -m detector`` (issue 18).

The CLI reads its file once (``detector.read_columns``) into these columns and keeps them: the
review graph needs every review anyway (issue 15), and a product's arrays for
``detector.analyze`` are a slice of them. Nothing of a review's text is kept but its length, so
memory is about 60 bytes a review plus one string per distinct reviewer, seller, country and
product — linear in the ratings, like the graph.

``ReviewColumns`` holds one entry per review in file order: the product code (into
``product_keys``, first appearance), stars, the moment in ms, whether the source gives the time
of day, the optional ERO features (NaN or a negative code where a review does not say), the
reviewer code (into ``user_labels``; a review without a user id has a code and a ``None`` label of
its own), the seller code and, for the Amazon 2018 schema, a 64-bit key of the review's content
(``detector.variants`` counts a review repeated under several variant ASINs once).

``ColumnBuilder`` turns one block of reviews (the values ``detector.io`` validates) into columns
with block-local codes; ``concatenate`` joins blocks in file order, recoding to file-wide codes in
order of first appearance. ``ProductTable`` orders the rows product after product (a stable sort:
each product's reviews stay in file order, products in order of first appearance — the same
layout the two-pass CLI had) and gives product ``k``'s arrays as ``detector.analyze`` takes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from detector.io import ProductReviews, Row

__all__ = [
    "ColumnBuilder",
    "ProductTable",
    "ReviewColumns",
    "code_users",
    "concatenate",
    "first_appearance",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Codes = npt.NDArray[np.signedinteger[Any]]  # int64 as read, int32 in a ProductTable
Floats = npt.NDArray[np.floating[Any]]  # float64 as read, float32 in a table where exact

# Columns with one entry per review, and the label lists their codes index.
_ROW_COLUMNS = (
    "product", "rating", "timestamp_ms", "has_time", "text_length", "verified", "helpful_votes",
    "reviewer_review_count", "country", "user", "seller", "review_key",
)  # fmt: skip
_NUMBERS: dict[str, Any] = {
    "rating": np.int8, "timestamp_ms": np.int64, "has_time": np.bool_, "text_length": np.float64,
    "verified": np.int8, "helpful_votes": np.float64, "reviewer_review_count": np.float64,
    "review_key": np.uint64,
}  # fmt: skip
_STRINGS = ("key", "asin", "parent", "country", "user", "seller")
_CODED = {"product": "product_keys", "user": "user_labels", "country": "country_labels",
          "seller": "seller_labels"}  # fmt: skip


@dataclass(frozen=True)
class ReviewColumns:
    """One entry per review (file order) and the labels the codes index (module docstring).

    ``verified`` is 1, 0 or -1 (not said); ``country`` and ``seller`` are -1 where not said;
    ``review_key`` is 0 except for Amazon 2018 reviews (and None in a ``ProductTable``, which
    has no use for it). ``product_asin`` / ``product_parent`` are
    the ``asin`` and ``parent_asin`` of each product's first review (what its verdict line names).
    """

    product: Codes
    rating: npt.NDArray[np.int8]
    timestamp_ms: IntArray
    has_time: npt.NDArray[np.bool_]
    text_length: Floats
    verified: npt.NDArray[np.int8]
    helpful_votes: Floats
    reviewer_review_count: Floats
    country: Codes
    user: Codes
    seller: Codes
    review_key: npt.NDArray[np.uint64] | None  # None once the variants are merged (a table)
    product_keys: list[str]
    product_asin: list[str | None]
    product_parent: list[str | None]
    user_labels: list[str | None]
    country_labels: list[str]
    seller_labels: list[str]

    @property
    def n_reviews(self) -> int:
        return int(self.rating.shape[0])

    @property
    def n_products(self) -> int:
        return len(self.product_keys)

    def take(self, rows: npt.NDArray[np.intp]) -> ReviewColumns:
        """The same columns for ``rows`` only (labels unchanged)."""
        taken: dict[str, Any] = {name: _take(getattr(self, name), rows) for name in _ROW_COLUMNS}
        return replace(self, **taken)

    def content_keys(self) -> npt.NDArray[np.uint64]:
        """``review_key``, which only the columns as read have (``detector.variants``)."""
        if self.review_key is None:
            raise ValueError("these columns were compacted without their review keys")
        return self.review_key

    def user_ids(self) -> list[str | None]:
        """Each review's user id (None for a review without one)."""
        labels = self.user_labels
        return [labels[code] for code in self.user.tolist()]

    def seller_ids(self) -> list[str | None]:
        labels = self.seller_labels
        return [None if code < 0 else labels[code] for code in self.seller.tolist()]

    def product_ids(self) -> list[str]:
        keys = self.product_keys
        return [keys[code] for code in self.product.tolist()]


class ColumnBuilder:
    """Collects blocks of validated reviews and codes them (block-local codes) in ``finish``."""

    def __init__(self) -> None:
        self._numbers: dict[str, list[npt.NDArray[Any]]] = {name: [] for name in _NUMBERS}
        self._strings: dict[str, list[str | None]] = {name: [] for name in _STRINGS}

    def __len__(self) -> int:
        return len(self._strings["key"])

    def add_block(
        self, numbers: dict[str, npt.NDArray[Any]], strings: dict[str, list[Any]]
    ) -> None:
        """One block: ``numbers[name]`` an array of the column's dtype for each of ``_NUMBERS``
        (``verified`` 1/0/-1, NaN where not said), ``strings[name]`` a list (None where not said)
        for each of ``_STRINGS`` (``key``: parent_asin, else asin, else "")."""
        for name, dtype in _NUMBERS.items():
            self._numbers[name].append(np.asarray(numbers[name], dtype=dtype))
        for name in _STRINGS:
            self._strings[name].extend(strings[name])

    def add_rows(self, rows: Sequence[Row], sellers: list[str | None], keys: list[int]) -> None:
        """Validated ``detector.io.Row`` tuples, their seller ids and 2018 content keys."""
        if not rows:
            return
        c = list(zip(*rows, strict=True))
        numbers: dict[str, npt.NDArray[Any]] = {
            "rating": np.array(c[3], dtype=np.int8),
            "timestamp_ms": np.array(c[4], dtype=np.int64),
            "has_time": np.array(c[5], dtype=np.bool_),
            "text_length": _floats(c[6]),
            "verified": np.array([-1 if v is None else int(v) for v in c[7]], dtype=np.int8),
            "helpful_votes": _floats(c[8]),
            "reviewer_review_count": _floats(c[10]),
            "review_key": np.array(keys, dtype=np.uint64),
        }
        strings: dict[str, list[Any]] = {
            "key": list(c[0]), "asin": list(c[1]), "parent": list(c[2]), "country": list(c[9]),
            "user": list(c[11]), "seller": sellers,
        }  # fmt: skip
        self.add_block(numbers, strings)

    def finish(self) -> ReviewColumns:
        numbers = {
            name: np.concatenate(parts) if parts else np.zeros(0, dtype=_NUMBERS[name])
            for name, parts in self._numbers.items()
        }
        strings = self._strings
        product, keys, first = _code_first(strings["key"])  # type: ignore[arg-type]
        user, user_labels = code_users(strings["user"])
        country, country_labels = _code_known(strings["country"])
        seller, seller_labels = _code_known(strings["seller"])
        return ReviewColumns(
            product=product,
            **numbers,
            country=country,
            user=user,
            seller=seller,
            product_keys=keys,
            product_asin=[strings["asin"][i] for i in first],
            product_parent=[strings["parent"][i] for i in first],
            user_labels=user_labels,
            country_labels=country_labels,
            seller_labels=seller_labels,
        )


def _take(values: npt.NDArray[Any] | None, rows: npt.NDArray[np.intp]) -> npt.NDArray[Any] | None:
    return None if values is None else values[rows]


def _compact(name: str, values: npt.NDArray[Any] | None) -> npt.NDArray[Any] | None:
    """A column as a ``ProductTable`` keeps it for the whole run: codes as int32 (a file has
    fewer than 2³¹ reviews, so every code fits), a float column as float32 when that holds
    every value exactly (text lengths, vote and history counts below 2²⁴: the float64 values
    come back unchanged, ``ProductTable.product`` and ``detector.file_graph`` widen them
    again), and no ``review_key`` (only ``detector.variants`` reads it, before the table is
    built). 75 -> 39 bytes a review on the bench file."""
    if values is None or name == "review_key":
        return None
    if name in _CODED and values.size and int(values.max()) < 2**31:
        return values.astype(np.int32)
    if values.dtype == np.float64:
        narrow = values.astype(np.float32)
        if np.array_equal(narrow.astype(np.float64), values, equal_nan=True):
            return narrow
    return values


def _floats(values: Sequence[Any]) -> FloatArray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _code_first(values: list[str]) -> tuple[IntArray, list[str], list[int]]:
    """Codes in order of first appearance, the labels, and each label's first row."""
    index = {value: code for code, value in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    first = np.unique(codes, return_index=True)[1]  # every code 0..k-1 occurs
    return codes, list(index), first.tolist()


def code_users(values: list[str | None]) -> tuple[IntArray, list[str | None]]:
    """Reviewer codes in order of first appearance; each missing id (None) a code of its own.

    Shared with ``detector.reviewers.graph``: a review without a user id must not merge with the
    others without one (they would look like one prolific reviewer), so None is never a key.
    """
    if None not in values:
        codes, labels, _ = _code_first(values)  # type: ignore[arg-type]
        return codes, list(labels)
    seen: dict[str, int] = {}
    labels_: list[str | None] = []
    codes = np.empty(len(values), dtype=np.int64)
    for row, value in enumerate(values):
        if value is None:
            codes[row] = len(labels_)
            labels_.append(None)
            continue
        code = seen.get(value)
        if code is None:
            code = seen[value] = len(labels_)
            labels_.append(value)
        codes[row] = code
    return codes, labels_


def _code_known(values: list[str | None]) -> tuple[IntArray, list[str]]:
    """First-appearance codes; None is -1."""
    labels = [value for value in dict.fromkeys(values) if value is not None]
    index: dict[str | None, int] = dict(zip(labels, range(len(labels)), strict=True))
    index[None] = -1
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    return codes, labels


def concatenate(blocks: Sequence[ReviewColumns]) -> ReviewColumns:
    """Blocks in file order as one ``ReviewColumns`` with file-wide first-appearance codes.

    The blocks' own label lists (each unique within its block, in first-appearance order) are
    laid end to end; a label's file-wide code is the rank of its first position there
    (``first_appearance``), so the codes are those a dict filled in file order would give.
    """
    if len(blocks) == 1:
        return blocks[0]
    product, keys, heads = _merged_codes(blocks, "product", "product_keys")
    asin = [a for block in blocks for a in block.product_asin]
    parent = [p for block in blocks for p in block.product_parent]
    user, user_labels, _ = _merged_codes(blocks, "user", "user_labels")
    maps: dict[str, tuple[dict[str, int], list[str]]] = {"country": ({}, []), "seller": ({}, [])}
    parts: dict[str, list[npt.NDArray[Any]]] = {name: [] for name in _ROW_COLUMNS}
    for block in blocks:
        for name in _ROW_COLUMNS:
            parts[name].append(getattr(block, name))
        for name, (seen, labels) in maps.items():
            local: list[str] = getattr(block, _CODED[name])
            table = np.array([seen.setdefault(v, len(seen)) for v in local] + [-1], dtype=np.int64)
            parts[name][-1] = table[getattr(block, name)]  # -1 indexes the trailing -1
            labels[:] = list(seen)
    parts["product"], parts["user"] = product, user
    joined = {name: np.concatenate(parts[name]) for name in _ROW_COLUMNS}
    return ReviewColumns(
        **joined,
        product_keys=keys,  # type: ignore[arg-type]  # product keys are never None
        product_asin=[asin[i] for i in heads],
        product_parent=[parent[i] for i in heads],
        user_labels=user_labels,
        country_labels=maps["country"][1],
        seller_labels=maps["seller"][1],
    )


def _merged_codes(
    blocks: Sequence[ReviewColumns], column: str, labels_name: str
) -> tuple[list[IntArray], list[str | None], list[int]]:
    """Each block's ``column`` codes recoded file-wide, the merged labels, and each merged
    label's position in the blocks' label lists laid end to end."""
    local: list[list[str | None]] = [getattr(block, labels_name) for block in blocks]
    labels = [label for part in local for label in part]
    codes, heads = first_appearance(labels)
    recoded, at = [], 0
    for block, part in zip(blocks, local, strict=True):
        recoded.append(codes[at : at + len(part)][getattr(block, column)])
        at += len(part)
    return recoded, [labels[i] for i in heads], heads


def first_appearance(labels: list[str | None]) -> tuple[IntArray, list[int]]:
    """(each position's code, the positions that start a code): equal labels share a code,
    codes numbered in order of first appearance; every None is a code of its own (a review
    without a user id is its own reviewer, ``code_users``).

    Equal strings are found by grouping their ``hash`` values (one stable sort in numpy rather
    than a dict insertion per label, ~5× faster on a million reviewer ids); every label is then
    compared with its group's first one, and a hash shared by different labels (or a label
    equal to None's hash) sends the whole list through a dict instead, so the codes are exact.
    """
    n = len(labels)
    if n == 0:
        return np.zeros(0, dtype=np.int64), []
    hashes = np.fromiter(map(hash, labels), dtype=np.int64, count=n)
    first = np.arange(n, dtype=np.int64)  # the first position of each position's label
    if None in labels:
        known = np.flatnonzero(np.array([label is not None for label in labels], dtype=bool))
    else:
        known = first
    if known.size:
        # a stable sort (return_index): each group's index is its first occurrence
        _, start, group = np.unique(hashes[known], return_index=True, return_inverse=True)
        first[known] = known[start][group.reshape(-1)]
    firsts = first.tolist()
    if [labels[i] for i in firsts] != labels:  # two labels with one hash: exact, by a dict
        return _first_appearance_by_dict(labels)
    head = first == np.arange(n)
    rank = np.cumsum(head) - 1
    return rank[first].astype(np.int64), np.flatnonzero(head).tolist()


def _first_appearance_by_dict(labels: list[str | None]) -> tuple[IntArray, list[int]]:
    seen: dict[str, int] = {}
    heads: list[int] = []
    codes = np.empty(len(labels), dtype=np.int64)
    for position, label in enumerate(labels):
        code = None if label is None else seen.get(label)
        if code is None:
            code = len(heads)
            heads.append(position)
            if label is not None:
                seen[label] = code
        codes[position] = code
    return codes, heads


@dataclass(frozen=True)
class ProductTable:
    """The columns product after product; product ``k``'s rows are ``offsets[k]:offsets[k+1]``."""

    columns: ReviewColumns  # already in product order
    offsets: IntArray
    file_order: npt.NDArray[np.intp] | None  # columns row i is row file_order[i] of the file

    @classmethod
    def from_columns(cls, columns: ReviewColumns, *, keep_file_order: bool = True) -> ProductTable:
        """The columns grouped by product. ``keep_file_order=False`` drops the permutation back
        to file order (8 bytes a review, held for the whole run) when nothing will ask for it
        (``in_file_order``: the CLI's ``--groups-out``)."""
        order = np.argsort(columns.product, kind="stable")
        sizes = np.bincount(columns.product, minlength=columns.n_products)
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        grouped: dict[str, Any] = {
            name: _compact(name, _take(getattr(columns, name), order)) for name in _ROW_COLUMNS
        }
        return cls(replace(columns, **grouped), offsets, order if keep_file_order else None)

    @property
    def n_products(self) -> int:
        return self.columns.n_products

    def in_file_order(self) -> ReviewColumns:
        """The columns back in file order (a copy)."""
        if self.file_order is None:
            raise ValueError("this table was built without its file order (keep_file_order)")
        back = np.empty_like(self.file_order)
        back[self.file_order] = np.arange(self.file_order.size)
        return self.columns.take(back)

    def sizes(self) -> IntArray:
        return np.diff(self.offsets)

    def rows(self, index: int) -> slice:
        return slice(int(self.offsets[index]), int(self.offsets[index + 1]))

    def posted_at(self, index: int) -> npt.NDArray[np.datetime64]:
        """The product's moments: ms when every review has a time of day, else whole days."""
        rows = self.rows(index)
        moments = self.columns.timestamp_ms[rows].astype("datetime64[ms]")
        if self.columns.has_time[rows].all():
            return moments
        return moments.astype("datetime64[D]")

    def product(self, index: int, *, users: bool = True) -> ProductReviews:
        """Product ``index`` as ``detector.io.product_reviews`` would build it from its rows;
        ``users=False`` leaves out the ``user_id`` array, which ``detector.analyze`` and the
        reference fit do not read (a Python string list per product, for nothing)."""
        c, rows = self.columns, self.rows(index)
        reviews: dict[str, np.ndarray] = {
            "rating": c.rating[rows].astype(np.int64),
            "posted_at": self.posted_at(index),
        }
        for name in ("text_length", "helpful_votes", "reviewer_review_count"):
            numbers: FloatArray = getattr(c, name)[rows].astype(np.float64)  # float32 kept
            if not np.isnan(numbers).all():
                reviews[name] = numbers
        verified = c.verified[rows]
        if (verified >= 0).all():
            reviews["verified"] = verified.astype(bool)
        elif (verified >= 0).any():
            reviews["verified"] = np.array([None, False, True], dtype=object)[verified + 1]
        country = c.country[rows]
        if (country >= 0).any():
            labels = np.array([*c.country_labels, None], dtype=object)
            reviews["country"] = labels[country]
        if users:
            ids = [c.user_labels[code] for code in c.user[rows].tolist()]
            if any(user is not None for user in ids):
                reviews["user_id"] = np.array(ids, dtype=object)
        return ProductReviews(
            asin=c.product_asin[index], parent_asin=c.product_parent[index], reviews=reviews
        )
