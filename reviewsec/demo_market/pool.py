"""A paid-review pool working across the demo shop's products, so groups can be found offline.

The pool (issue 17; SENTINEL's dense blocks): ``POOL_SIZE`` accounts, aged with a modest review
count, each writing 5-star reviews for part (3–4) of the campaign's products — three of Zentrix
Direct's and two of Halcyon Trading Co.'s — on different days of one four-week window. Texts,
verified purchases and variants look like honest 5-star reviews, so no single product's reviews
give the pool away: on each product the pool is a few percent of the reviews. As camouflage, every
member also rates two or three other products (the decoys, from other sellers) honestly — stars
drawn from those products' own reviews — at ordinary times over their lives.

Its size and window sit in the middle of issue 17's planted pools (8–40 accounts, 3–12 weeks):
24 accounts over four weeks score about 29 against the fit's floor ``GroupParams.min_score`` 25.
The pool this shop had before (14 accounts over three weeks) scored 18.8 once the block score
counted sessions (ed77088), as high as honest shopping bursts reach (≤ 18.4), and the default fit
rightly left it out: the demo shows a pool the default fit finds; ``benchmarks/eval_groups.py``
measures the small pools it misses.

``PAID_POOL`` is the ground truth the tests and the integration test compare the group fit with.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import numpy as np

from detector.simulate import ReviewColumns, SimulatedProduct
from detector.simulate.draws import random_ids
from detector.simulate.text import genuine_texts, genuine_titles
from reviewsec.demo_market.sellers import seller_of

POOL_SIZE = 24
CAMPAIGN_ASINS = ("B0DEMO0011", "B0DEMO0012", "B0DEMO0013", "B0DEMO0014", "B0DEMO0015")
DECOY_ASINS = ("B0DEMO0016", "B0DEMO0017")
WINDOW_START = date(2024, 3, 4)
WINDOW_DAYS = 28
_SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class PaidPool:
    """What was planted: the members' user ids, the products they were paid for, the window."""

    members: tuple[str, ...]
    products: tuple[str, ...]
    sellers: tuple[str, ...]  # seller ids of ``products``
    window_start: datetime
    window_end: datetime  # exclusive
    paid_reviews: int


def _members(seed: int) -> tuple[str, ...]:
    ids = random_ids(np.random.default_rng([seed, 1017]), POOL_SIZE, prefix="AE", length=28)
    return tuple(ids.tolist())


def _paid_rows(rng: np.random.Generator, members: tuple[str, ...]) -> dict[str, list[dict]]:
    """Per campaign product, the pool's reviews: each member takes 3–4 products, one day each."""
    rows: dict[str, list[dict]] = {asin: [] for asin in CAMPAIGN_ASINS}
    first = int((WINDOW_START - date(1970, 1, 1)).days)
    for member in members:
        count = int(rng.integers(3, 5))
        chosen = rng.choice(len(CAMPAIGN_ASINS), size=count, replace=False)
        days = rng.choice(WINDOW_DAYS, size=count, replace=False)
        for product_index, day in zip(chosen.tolist(), days.tolist(), strict=True):
            seconds = (first + day) * _SECONDS_PER_DAY + int(rng.integers(8, 23)) * 3600
            seconds += int(rng.integers(0, 3600))
            rows[CAMPAIGN_ASINS[product_index]].append(
                {"user_id": member, "rating": 5, "seconds": seconds, "is_fake": True}
            )
    return rows


def _camouflage_rows(
    rng: np.random.Generator, members: tuple[str, ...], products: dict[str, SimulatedProduct]
) -> dict[str, list[dict]]:
    """Per decoy, honest ratings by pool members: stars and times like the decoy's own reviews."""
    rows: dict[str, list[dict]] = {asin: [] for asin in DECOY_ASINS}
    for member in members:
        for asin in rng.choice(DECOY_ASINS, size=int(rng.integers(1, 3)), replace=False).tolist():
            own = products[asin].columns
            pick = int(rng.integers(len(own)))
            seconds = int(own.posted_at[pick].astype("datetime64[s]").astype(np.int64))
            seconds += int(rng.integers(-20, 21)) * _SECONDS_PER_DAY
            rows[asin].append(
                {"user_id": member, "rating": int(own.rating[pick]), "seconds": seconds}
            )
    return rows


def _with_reviews(
    rng: np.random.Generator, product: SimulatedProduct, added: list[dict], noun: str
) -> ReviewColumns:
    """The product's columns with ``added`` reviews merged in arrival order."""
    c = product.columns
    n = len(added)
    ratings = np.asarray([row["rating"] for row in added], dtype=np.int64)
    seconds = np.asarray([row["seconds"] for row in added], dtype=np.int64)
    old_seconds = c.posted_at.astype("datetime64[s]").astype(np.int64)
    order = np.argsort(np.concatenate([old_seconds, seconds]), kind="stable")
    texts = list(c.text) + genuine_texts(rng, ratings, noun=noun, brand=product.brand)
    titles = list(c.title) + genuine_titles(rng, ratings, noun=noun)

    def merged(old: np.ndarray, new: object) -> np.ndarray:
        return np.concatenate([old, np.asarray(new, dtype=old.dtype)])[order]

    return ReviewColumns(
        review_id=merged(c.review_id, random_ids(rng, n, prefix="R", length=14)),
        user_id=merged(c.user_id, [row["user_id"] for row in added]),
        rating=merged(c.rating, ratings),
        title=tuple(titles[i] for i in order.tolist()),
        text=tuple(texts[i] for i in order.tolist()),
        posted_at=merged(c.posted_at, seconds.astype("datetime64[s]")),
        verified_purchase=merged(c.verified_purchase, rng.random(n) < 0.8),
        helpful_votes=merged(c.helpful_votes, rng.integers(0, 2, size=n)),
        country=merged(c.country, ["United States"] * n),
        reviewer_review_count=merged(c.reviewer_review_count, rng.integers(8, 60, size=n)),
        is_fake=merged(c.is_fake, [bool(row.get("is_fake", False)) for row in added]),
        vine=merged(c.vine, np.zeros(n, dtype=bool)),
        image_count=merged(c.image_count, np.zeros(n, dtype=np.int64)),
        variant=merged(c.variant, rng.choice(product.variants, size=n)),
    )


def plant_paid_pool(
    products: list[SimulatedProduct], nouns: dict[str, str], seed: int
) -> tuple[list[SimulatedProduct], PaidPool]:
    """``products`` with the pool's paid and camouflage reviews added, and the truth about them."""
    rng = np.random.default_rng([seed, 1017, 2])
    members = _members(seed)
    by_asin = {product.asin: product for product in products}
    added = _paid_rows(rng, members)
    added.update(_camouflage_rows(rng, members, by_asin))
    planted = []
    for product in products:
        rows = added.get(product.asin)
        if not rows:
            planted.append(product)
            continue
        columns = _with_reviews(rng, product, rows, nouns[product.asin])
        planted.append(_relabelled(product, columns))
    start = datetime.combine(WINDOW_START, datetime.min.time(), tzinfo=UTC)
    pool = PaidPool(
        members=members,
        products=CAMPAIGN_ASINS,
        sellers=tuple(dict.fromkeys(seller_of(asin).seller_id for asin in CAMPAIGN_ASINS)),
        window_start=start,
        window_end=datetime.fromtimestamp(start.timestamp() + WINDOW_DAYS * _SECONDS_PER_DAY, UTC),
        paid_reviews=sum(len(added[asin]) for asin in CAMPAIGN_ASINS),
    )
    return planted, pool


def _relabelled(product: SimulatedProduct, columns: ReviewColumns) -> SimulatedProduct:
    """A campaign product's truth says how much of it the pool wrote; a decoy stays honest."""
    if product.asin not in CAMPAIGN_ASINS:
        return replace(product, columns=columns)
    fakes = np.flatnonzero(columns.is_fake)
    start = datetime.combine(WINDOW_START, datetime.min.time(), tzinfo=UTC)
    truth = replace(
        product.truth,
        scenario="paid_pool",
        fake_share=float(fakes.size / len(columns)),
        fake_rating=5,
        window_start=start,
        window_end=datetime.fromtimestamp(start.timestamp() + WINDOW_DAYS * _SECONDS_PER_DAY, UTC),
        fake_index_range=(int(fakes[0]), int(fakes[-1])),
    )
    return replace(product, columns=columns, scenario="paid_pool", truth=truth)
