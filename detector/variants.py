"""Amazon 2018 files repeat one review under every variant ASIN of a listing: count it once.

The 2018 data set (Ni, Li & McAuley 2019) has no ``parent_asin``; a listing's reviews appear under
each of its variant ASINs (``../shared/data/amazon-2018-5core/SOURCES.md``: the Fashion 5-core file
has 3,176 lines but 447 distinct reviewer + time + text reviews), and some lines are exact copies.
Read naively, every variant is a "product" with the listing's reviews, and every reviewer seems
to have posted the same text on several products the same day — which the reviewer layer takes
for copy-paste spam.

Two reviews are the same review when their content key agrees (``content_key``: a hash of
reviewerID, unixReviewTime, overall, summary and reviewText — summary too, because a reviewer who
wrote the same text twice under different headlines wrote two reviews). As SOURCES.md says,
products that share an identical review are variants of one listing: the listings are the
connected components of the graph whose nodes are ASINs and whose edges are shared reviews
(``scipy.sparse.csgraph.connected_components``). Each listing takes the name and place of its
ASIN that comes first in the file, and each review counts once in it (its first line is kept).
Reviews of any other schema (content key 0) are left as they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import orjson
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from detector.columns import ReviewColumns

__all__ = [
    "CONTENT_FIELDS",
    "VariantMerge",
    "content_key",
    "listing_heads",
    "merge_variants",
    "record_content_key",
]

CONTENT_FIELDS = ("reviewerID", "unixReviewTime", "overall", "summary", "reviewText")


def content_key(values: Sequence[Any]) -> int:
    """A 2018 review's content key: 64 bits of BLAKE2b over its ``CONTENT_FIELDS`` values as
    JSON (never 0, which marks a review of another schema)."""
    try:
        encoded = orjson.dumps(list(values))
    except TypeError:  # a value orjson cannot encode (an integer past 64 bits)
        encoded = repr(list(values)).encode("utf-8", "surrogateescape")
    key = int.from_bytes(hashlib.blake2b(encoded, digest_size=8).digest(), "little")
    return key or 1


def record_content_key(record: dict[str, Any]) -> int:
    """The content key of a 2018 record (0 for any other schema: one with ``parent_asin``, or
    without ``unixReviewTime``)."""
    if "parent_asin" in record or "unixReviewTime" not in record:
        return 0
    return content_key([record.get(name) for name in CONTENT_FIELDS])


@dataclass(frozen=True)
class VariantMerge:
    """What ``merge_variants`` did: repeated review lines dropped, ASINs folded into listings."""

    repeats: int  # review lines dropped (a review already seen in the same listing)
    asins: int  # ASINs that are variants of a listing with more than one
    listings: int  # such listings

    def sentence(self, total: int) -> str:
        listings = f"{self.listings:,} listing{'s' if self.listings != 1 else ''}"
        folded = f"; {self.asins:,} variant ASINs are judged as {listings}" if self.listings else ""
        return (
            f"{self.repeats:,} of the file's {total:,} review lines repeat a review already "
            f"read (Amazon 2018 files list a review under every variant ASIN); each review is "
            f"counted once{folded}"
        )


def merge_variants(columns: ReviewColumns) -> tuple[ReviewColumns, VariantMerge]:
    """The columns with 2018 variants folded into listings and repeated reviews dropped."""
    keyed = np.flatnonzero(columns.content_keys() != 0)
    if keyed.size == 0:
        return columns, VariantMerge(0, 0, 0)
    listing = _listings(columns, keyed)
    merged = listing[columns.product]
    keep = np.ones(columns.n_reviews, dtype=bool)
    # Among keyed rows, the first line of each (listing, review) pair is kept.
    order = np.lexsort((keyed, columns.content_keys()[keyed], merged[keyed]))
    rows = keyed[order]
    pairs = np.stack([merged[rows], columns.content_keys()[rows].view(np.int64)], axis=1)
    repeat = np.zeros(rows.size, dtype=bool)
    repeat[1:] = (pairs[1:] == pairs[:-1]).all(axis=1)
    keep[rows[repeat]] = False
    heads = np.unique(listing)  # listing heads: the first-appearing product of each listing
    dense = np.full(columns.n_products, -1, dtype=np.int64)
    dense[heads] = np.arange(heads.size)
    kept = np.flatnonzero(keep)
    result = replace(
        columns.take(kept),
        product_keys=[columns.product_keys[h] for h in heads],
        product_asin=[columns.product_asin[h] for h in heads],
        product_parent=[columns.product_parent[h] for h in heads],
    )
    result = replace(result, product=dense[merged[kept]])
    sizes = np.bincount(listing, minlength=columns.n_products)[heads]
    folded = sizes > 1
    return result, VariantMerge(
        repeats=int(columns.n_reviews - kept.size),
        asins=int(sizes[folded].sum()),
        listings=int(folded.sum()),
    )


def _listings(columns: ReviewColumns, keyed: np.ndarray) -> np.ndarray:
    """For each product code, the code of the first product of its listing (itself if alone)."""
    return listing_heads(columns.product[keyed], columns.content_keys()[keyed], columns.n_products)


def listing_heads(products: np.ndarray, keys: np.ndarray, n_products: int) -> np.ndarray:
    """For each of ``n_products`` product codes (numbered in file order), the code of the first
    product of its listing: the connected component of the products that share a review, i.e.
    a content key (``keys[j]`` is review j's, ``products[j]`` its product; only keyed reviews)."""
    order = np.lexsort((products, keys))
    keys, products = keys[order], products[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    first = np.repeat(products[starts], np.diff(np.r_[starts, keys.size]))
    n = n_products
    links = sp.coo_matrix((np.ones(first.size), (first, products)), shape=(n, n))
    _, component = connected_components(links, directed=False)
    head = np.full(component.max() + 1, n, dtype=np.int64)
    np.minimum.at(head, component, np.arange(n))
    return head[component]
