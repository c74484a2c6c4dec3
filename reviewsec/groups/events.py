"""Every stored rating as ``detector.groups.ReviewEvents``, and the moderators' labels.

The rows are the reviewer-graph fit's (``reviewsec.analyses.reviewer_graph``: crawled, submitted
and uploaded reviews, plus the other reviews reviewers' profiles list), read in chunks straight
into arrays; this module adds each product's seller and keeps the codes, so a found group maps
back to ``Reviewer``, ``Seller`` and ``Review`` rows without a lookup per row.

Ids in the events: a reviewer is its ``Reviewer`` primary key (a review without a reviewer is -1,
it cannot tie reviews together); a product is ``"<marketplace>/<ASIN>"``; a seller is its
``Seller`` primary key (-1 where no page told us the seller). Labels use the same ids.

Undated rows (a profile entry whose date was not shown or not read) get stand-in times long
before 1970 in the graph (``UNDATED_START_MS``), so that the reliability fit can use them. A time
window cannot: they are left out of the events (``StoredEvents.rows`` says which graph row each
event is), so no group's window reaches back to them and the time axis spans real dates only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detector.groups import Label, ReviewEvents
from reviewsec.analyses.reviewer_graph import UNDATED_START_MS, StoredGraph, stored_review_graph
from reviewsec.catalog.models import Product
from reviewsec.groups.models import GroupDecision, ReviewerGroup

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class StoredEvents:
    events: ReviewEvents
    stored: StoredGraph  # product codes → keys
    rows: IntArray  # per event, its row of the graph

    @property
    def review_pk(self) -> IntArray:
        """Per event, its ``Review`` primary key (-1 for a profile's entry)."""
        picked: IntArray = self.stored.row_review_pk[self.rows]
        return picked


def stored_events() -> StoredEvents:
    """The events of every stored, dated rating, with sellers."""
    stored = stored_review_graph()
    graph = stored.graph
    rows = np.flatnonzero(graph.timestamp_ms > UNDATED_START_MS).astype(np.int64)
    codes = graph.reviewer[rows]
    reviewer = np.where(stored.reviewer_pk[codes] >= 0, codes, -1)
    reviewer_labels = [str(pk) if pk >= 0 else "" for pk in stored.reviewer_pk.tolist()]
    product_labels = [f"{market}/{asin}" for market, asin in stored.product_keys]
    seller_of_product, seller_labels = _sellers(stored.product_keys)
    product = graph.product[rows].astype(np.int64)
    events = ReviewEvents(
        reviewer=reviewer.astype(np.int64),
        product=product,
        seller=seller_of_product[product] if rows.size else np.zeros(0, np.int64),
        rating=np.rint(graph.rating[rows]).astype(np.int64),
        timestamp_ms=graph.timestamp_ms[rows].astype(np.int64),
        reviewer_labels=reviewer_labels,
        product_labels=product_labels,
        seller_labels=seller_labels,
    )
    return StoredEvents(events=events, stored=stored, rows=rows)


def _sellers(product_keys: list[tuple[str, str]]) -> tuple[IntArray, list[str]]:
    """Per product code, a seller code (-1: unknown), and the seller labels (pks as text)."""
    known = {
        (market, asin): seller_pk
        for market, asin, seller_pk in Product.objects.filter(seller__isnull=False)
        .values_list("marketplace", "asin", "seller_id")
        .iterator(chunk_size=20_000)
    }
    codes: dict[int, int] = {}
    out = np.full(len(product_keys), -1, dtype=np.int64)
    for index, key in enumerate(product_keys):
        seller_pk = known.get(key)
        if seller_pk is not None:
            out[index] = codes.setdefault(seller_pk, len(codes))
    return out, [str(pk) for pk in codes]


def moderator_labels() -> list[Label]:
    """Every decision as labels: each member (or seller) of the group, for its abuse kind.

    A later decision on the same entity and abuse kind wins (groups of later fits repeat
    earlier ones; decisions are read oldest first).
    """
    latest: dict[tuple[str, str, str], bool] = {}
    decisions = GroupDecision.objects.order_by("decided_at", "id").values_list(
        "group_id", "target", "abusive"
    )
    members: dict[int, list[int]] = {}
    sellers: dict[int, list[int]] = {}
    for group_id, target, abusive in decisions:
        kind, abuse = target.split(":", 1)
        entities = _entities(group_id, kind, members, sellers)
        for pk in entities:
            latest[(kind, str(pk), abuse)] = abusive
    return [
        Label(kind=kind, id=entity, target=abuse, abusive=abusive)  # type: ignore[arg-type]
        for (kind, entity, abuse), abusive in latest.items()
    ]


def _entities(
    group_id: int, kind: str, members: dict[int, list[int]], sellers: dict[int, list[int]]
) -> list[int]:
    cache, field = (members, "members") if kind == "reviewer" else (sellers, "sellers")
    if group_id not in cache:
        through = getattr(ReviewerGroup, field).through
        column = "reviewer_id" if kind == "reviewer" else "seller_id"
        cache[group_id] = list(
            through.objects.filter(reviewergroup_id=group_id).values_list(column, flat=True)
        )
    return cache[group_id]
