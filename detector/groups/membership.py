"""What a product's page and verdict may say about groups, without naming anyone.

``product_group_evidence`` aggregates, for one product, the groups that cover some of its
reviews: how many of its reviewers are group members, and what those members did elsewhere in
the group (other products, other sellers, the window, the star level), in one sentence such as
"14 of these reviewers also gave 5 stars to 9 other products (of 2 other sellers too) within 3
weeks".
``review_membership`` marks each review row with the group covering it (-1: none), the signal
the verdict's reviewer evidence counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detector.groups.events import ReviewEvents
from detector.groups.result import Group

IntArray = npt.NDArray[np.int64]
_WEEK_MS = 7 * 86_400_000

__all__ = ["ProductGroupEvidence", "product_group_evidence", "review_membership"]


@dataclass(frozen=True)
class ProductGroupEvidence:
    """Aggregate facts for one product (no reviewer ids): see the module docstring."""

    product: str
    groups: int  # groups covering some of the product's reviews
    reviewers_in_groups: int  # distinct reviewers of the product who are members of those groups
    group_reviews: int  # the product's reviews inside those groups
    other_products: int  # the strongest group's products other than this one
    other_sellers: int  # sellers of those products other than this product's seller
    star_level: int  # the strongest group's dominant star level
    window_weeks: int  # the strongest group's window, in weeks (rounded up)
    score: float  # the strongest group's score
    sentence: str

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def review_membership(events: ReviewEvents, groups: Sequence[Group]) -> IntArray:
    """Per review row of ``events``: the index of the strongest group covering it, or -1."""
    out = np.full(events.n_reviews, -1, dtype=np.int64)
    for index in sorted(range(len(groups)), key=lambda i: groups[i].score):
        rows = np.asarray(groups[index].review_rows, dtype=np.int64)
        out[rows] = index  # ascending score: the strongest group writes last
    return out


def product_group_evidence(
    events: ReviewEvents, groups: Sequence[Group]
) -> dict[str, ProductGroupEvidence]:
    """Every product some group covers, with its group facts and sentence (one pass)."""
    seller_of = np.full(len(events.product_labels), -1, dtype=np.int64)
    named = events.seller >= 0
    seller_of[events.product[named][::-1]] = events.seller[named][::-1]
    rows_of: dict[int, list[tuple[Group, IntArray]]] = {}
    for group in groups:
        rows = np.asarray(group.review_rows, dtype=np.int64)
        products = events.product[rows]
        for code in np.unique(products).tolist():
            rows_of.setdefault(code, []).append((group, rows[products == code]))
    out = {}
    for code, covering in rows_of.items():
        label = events.product_labels[code]
        out[label] = _evidence(events, seller_of, code, covering)
    return out


def _evidence(
    events: ReviewEvents, seller_of: IntArray, code: int, covering: list[tuple[Group, IntArray]]
) -> ProductGroupEvidence:
    all_rows = np.concatenate([rows for _, rows in covering])
    reviewers = np.unique(events.reviewer[all_rows])
    strongest, _ = max(covering, key=lambda pair: pair[0].score)
    strong_rows = np.asarray(strongest.review_rows, dtype=np.int64)
    others = np.unique(events.product[strong_rows])
    others = others[others != code]
    other_sellers = np.unique(seller_of[others])
    other_sellers = other_sellers[(other_sellers >= 0) & (other_sellers != seller_of[code])]
    weeks = max(1, -(-(strongest.end_ms - strongest.start_ms) // _WEEK_MS))
    level = int(strongest.evidence.get("star_level", round(strongest.rating)))
    sentence = _sentence(
        int(reviewers.size), level, int(others.size), int(other_sellers.size), weeks
    )
    return ProductGroupEvidence(
        product=events.product_labels[code],
        groups=len(covering),
        reviewers_in_groups=int(reviewers.size),
        group_reviews=int(np.unique(all_rows).size),
        other_products=int(others.size),
        other_sellers=int(other_sellers.size),
        star_level=level,
        window_weeks=int(weeks),
        score=strongest.score,
        sentence=sentence,
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _sentence(reviewers: int, level: int, others: int, other_sellers: int, weeks: int) -> str:
    """ "14 of these reviewers also gave 5 stars to 9 other products, of 2 other sellers too,
    within 3 weeks"."""
    who = "1 of these reviewers" if reviewers == 1 else f"{reviewers} of these reviewers"
    where = _plural(others, "other product")
    if other_sellers:
        where += f" (of {_plural(other_sellers, 'other seller')} too)"
    span = _plural(weeks, "week")
    return f"{who} also gave {_plural(level, 'star')} to {where} within {span}"
