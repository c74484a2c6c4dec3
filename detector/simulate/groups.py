"""A seeded marketplace with planted collusion campaigns and honest look-alikes (issue 17 goals).

**Catalogue.** ``sellers`` sellers with a heavy-tailed number of products each (1 + Pareto);
product popularity is log-normal (σ = 1.5), so a few products collect most reviews. Each product
has its own honest star mix around a J shape (Dirichlet around 5/9/12/24/50 %, concentration 40).

**Honest reviewers.** ``honest_reviewers`` accounts with heavy-tailed activity (1 + a Zipf draw,
a = 2.1, capped at 300 reviews); each review picks a product by popularity, a moment uniformly in
the ``weeks`` of the timeline and a rating from the product's mix.

**Honest look-alikes** (what "counting co-reviews is not enough" means):
- *loyal fans*: for ``fan_brands`` sellers with 5+ products, 15–50 fans each rate 4–10 of the
  brand's products at random moments over the whole timeline (years, not weeks), with a warmer
  mix (5 stars ~65 %);
- *multi-item orders*: ``orders`` orders of 2–4 products of one seller (by popularity), each
  item reviewed by the buyer within the same week;
- *deal hunters*: every 4 weeks a sale discounts ``deal_products`` products; each of
  ``deal_hunters`` hunters joins a sale with probability 0.5 and reviews 5–15 of its products
  within that week, rating them like everyone else.

**Campaigns.** ``agencies`` pools of 40–120 accounts (a share ``aged_share`` aged: 3–30 honest
reviews over the timeline; the rest fresh). A campaign takes 8–40 accounts of one pool, 1–3
sellers and 3–10 of their products (drawn by popularity: mostly popular products, where the
fakes are a small share), a window of 3–12 weeks; each member rates a random part (at least 2,
40–90 %) of the products, on different days of the window, 5 stars (4 stars 10 %) — or, for a
``badmouth_share`` of campaigns, 1 star (2 stars 10 %) — and 1–5 camouflage ratings of random
popular products at random moments, rated honestly. Accounts are reused across campaigns of
their pool (a shared pool of paid reviewers).

Ground truth: ``GroupTruth`` (campaigns with members, products, sellers, window, kind; which
reviewers are look-alikes of which kind). Same seed, same marketplace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS
START_MS = 1_609_459_200_000  # 2021-01-01 UTC
_HONEST_MIX = np.array([0.05, 0.09, 0.12, 0.24, 0.50])
_FAN_MIX = np.array([0.02, 0.04, 0.09, 0.20, 0.65])

__all__ = ["Campaign", "GroupMarket", "GroupScenario", "GroupTruth", "simulate_groups"]


@dataclass(frozen=True)
class GroupScenario:
    """The knobs of ``simulate_groups`` (see the module docstring)."""

    sellers: int = 400
    honest_reviewers: int = 40_000
    weeks: int = 104
    campaigns: int = 20
    agencies: int = 5
    aged_share: float = 0.5
    badmouth_share: float = 0.15
    fan_brands: int = 25
    orders: int = 4_000
    deal_hunters: int = 400
    deal_products: int = 150


@dataclass(frozen=True)
class Campaign:
    members: tuple[str, ...]
    products: tuple[str, ...]
    sellers: tuple[str, ...]
    start_ms: int
    end_ms: int
    kind: str  # "boost" or "badmouth"


@dataclass(frozen=True)
class GroupTruth:
    campaigns: tuple[Campaign, ...]
    lookalike: dict[str, str] = field(default_factory=dict)  # reviewer id -> fan/order/deal

    def members(self) -> set[str]:
        return {m for c in self.campaigns for m in c.members}

    def attacked_products(self) -> set[str]:
        return {p for c in self.campaigns for p in c.products}


@dataclass(frozen=True)
class GroupMarket:
    """Review columns (reviewer/product/seller ids as str arrays, ratings, ms) and the truth."""

    reviewer_id: npt.NDArray[np.str_]
    product_id: npt.NDArray[np.str_]
    seller_id: npt.NDArray[np.str_]
    rating: IntArray
    timestamp_ms: IntArray
    truth: GroupTruth

    @property
    def n_reviews(self) -> int:
        return int(self.rating.size)

    def write_jsonl(self, path: Path) -> None:
        """Amazon-2023-shaped lines plus ``seller_id``, grouped by product, time within it."""
        order = np.lexsort((self.timestamp_ms, self.product_id))
        with path.open("w", encoding="utf-8") as out:
            for i in order.tolist():
                record = {
                    "rating": int(self.rating[i]),
                    "title": "",
                    "text": "",
                    "timestamp": int(self.timestamp_ms[i]),
                    "user_id": str(self.reviewer_id[i]),
                    "asin": str(self.product_id[i]),
                    "parent_asin": str(self.product_id[i]),
                    "seller_id": str(self.seller_id[i]),
                    "verified_purchase": True,
                }
                out.write(json.dumps(record, separators=(",", ":")) + "\n")


class _Builder:
    """Collects review columns as integer codes while the parts of the market are drawn."""

    def __init__(self, rng: np.random.Generator, scenario: GroupScenario) -> None:
        self.rng = rng
        self.s = scenario
        per_seller = 1 + np.minimum(rng.pareto(1.3, scenario.sellers) * 3, 60).astype(np.int64)
        self.product_seller = np.repeat(np.arange(scenario.sellers), per_seller)
        n_products = self.product_seller.size
        weight = rng.lognormal(0.0, 1.5, n_products)
        self.popularity = weight / weight.sum()
        self.mix = rng.dirichlet(_HONEST_MIX * 40, n_products)
        self.span_ms = scenario.weeks * WEEK_MS
        self.parts: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
        self.n_reviewers = 0

    def new_reviewers(self, count: int) -> IntArray:
        codes = np.arange(self.n_reviewers, self.n_reviewers + count, dtype=np.int64)
        self.n_reviewers += count
        return codes

    def add(self, reviewer: IntArray, product: IntArray, rating: IntArray, ms: IntArray) -> None:
        self.parts.append((reviewer, product, rating, ms))

    def honest_ratings(self, product: IntArray) -> IntArray:
        cumulative = np.cumsum(self.mix[product], axis=1)
        draws = self.rng.random(product.size)[:, None]
        return np.asarray(1 + (draws > cumulative[:, :-1]).sum(axis=1), dtype=np.int64)

    def popular(self, count: int) -> IntArray:
        return np.asarray(
            self.rng.choice(self.popularity.size, size=count, p=self.popularity), dtype=np.int64
        )

    def anytime(self, count: int) -> IntArray:
        return START_MS + self.rng.integers(0, self.span_ms, count)


def simulate_groups(scenario: GroupScenario | None = None, *, seed: int = 0) -> GroupMarket:
    """The marketplace of the module docstring, drawn from ``seed``."""
    scenario = scenario or GroupScenario()
    b = _Builder(np.random.default_rng(seed), scenario)
    _honest(b)
    lookalike = {}
    for kind, codes in (("fan", _fans(b)), ("order", _orders(b)), ("deal", _deals(b))):
        lookalike.update(dict.fromkeys(codes.tolist(), kind))
    campaigns = _campaigns(b)
    reviewer, product, rating, ms = (np.concatenate(c) for c in zip(*b.parts, strict=True))
    reviewer_names = np.array([f"R{code:07d}" for code in range(b.n_reviewers)])
    product_names = np.array([f"P{code:06d}" for code in range(b.popularity.size)])
    seller_names = np.array([f"S{code:05d}" for code in range(scenario.sellers)])
    truth = GroupTruth(
        campaigns=tuple(
            Campaign(
                members=tuple(reviewer_names[c.members].tolist()),
                products=tuple(product_names[c.products].tolist()),
                sellers=tuple(seller_names[c.sellers].tolist()),
                start_ms=c.start_ms,
                end_ms=c.end_ms,
                kind=c.kind,
            )
            for c in campaigns
        ),
        lookalike={str(reviewer_names[code]): kind for code, kind in lookalike.items()},
    )
    return GroupMarket(
        reviewer_id=reviewer_names[reviewer],
        product_id=product_names[product],
        seller_id=seller_names[b.product_seller[product]],
        rating=rating,
        timestamp_ms=ms,
        truth=truth,
    )


def _honest(b: _Builder) -> None:
    codes = b.new_reviewers(b.s.honest_reviewers)
    activity = np.minimum(b.rng.zipf(2.1, codes.size), 300)
    reviewer = np.repeat(codes, activity)
    product = b.popular(reviewer.size)
    b.add(reviewer, product, b.honest_ratings(product), b.anytime(reviewer.size))


def _fans(b: _Builder) -> IntArray:
    sizes = np.bincount(b.product_seller)
    brands = np.flatnonzero(sizes >= 5)
    chosen = b.rng.choice(brands, size=min(b.s.fan_brands, brands.size), replace=False)
    fans_all = []
    for brand in chosen.tolist():
        catalogue = np.flatnonzero(b.product_seller == brand)
        fans = b.new_reviewers(int(b.rng.integers(15, 51)))
        fans_all.append(fans)
        for fan in fans.tolist():
            count = min(int(b.rng.integers(4, 11)), catalogue.size)
            product = b.rng.choice(catalogue, size=count, replace=False)
            cumulative = np.cumsum(_FAN_MIX)
            rating = 1 + np.searchsorted(cumulative, b.rng.random(count) * cumulative[-1])
            b.add(np.full(count, fan), product, rating.astype(np.int64), b.anytime(count))
    return np.concatenate(fans_all) if fans_all else np.zeros(0, dtype=np.int64)


def _orders(b: _Builder) -> IntArray:
    buyers = b.new_reviewers(b.s.orders)
    for buyer in buyers.tolist():
        seller = b.product_seller[b.popular(1)[0]]
        catalogue = np.flatnonzero(b.product_seller == seller)
        if catalogue.size < 2:
            catalogue = np.concatenate([catalogue, b.popular(3)])
        count = min(int(b.rng.integers(2, 5)), catalogue.size)
        weight = b.popularity[catalogue] / b.popularity[catalogue].sum()
        product = b.rng.choice(catalogue, size=count, replace=False, p=weight)
        moment = b.anytime(1)[0] + b.rng.integers(0, 7 * DAY_MS, count)
        b.add(np.full(count, buyer), product, b.honest_ratings(product), moment)
    return buyers


def _deals(b: _Builder) -> IntArray:
    hunters = b.new_reviewers(b.s.deal_hunters)
    for week in range(0, b.s.weeks - 1, 4):
        sale = b.rng.choice(b.popularity.size, size=b.s.deal_products, replace=False)
        joining = hunters[b.rng.random(hunters.size) < 0.5]
        for hunter in joining.tolist():
            count = int(b.rng.integers(5, 16))
            product = b.rng.choice(sale, size=count, replace=False)
            moment = START_MS + week * WEEK_MS + b.rng.integers(0, WEEK_MS, count)
            b.add(np.full(count, hunter), product, b.honest_ratings(product), moment)
    return hunters


@dataclass(frozen=True)
class _Planted:
    members: IntArray
    products: IntArray
    sellers: IntArray
    start_ms: int
    end_ms: int
    kind: str


def _campaigns(b: _Builder) -> list[_Planted]:
    pools = [_pool(b, int(b.rng.integers(40, 121))) for _ in range(b.s.agencies)]
    out: list[_Planted] = []
    for index in range(b.s.campaigns):
        pool = pools[index % len(pools)]
        out.append(_campaign(b, pool))
    return out


def _pool(b: _Builder, size: int) -> IntArray:
    accounts = b.new_reviewers(size)
    aged = accounts[b.rng.random(size) < b.s.aged_share]
    for account in aged.tolist():
        count = int(b.rng.integers(3, 31))
        product = b.popular(count)
        b.add(np.full(count, account), product, b.honest_ratings(product), b.anytime(count))
    return accounts


def _campaign(b: _Builder, pool: IntArray) -> _Planted:
    rng = b.rng
    members = rng.choice(pool, size=min(int(rng.integers(8, 41)), pool.size), replace=False)
    n_sellers = int(rng.integers(1, 4))
    sellers: list[int] = []
    while len(sellers) < n_sellers:  # sellers by their products' popularity, 2+ products each
        seller = int(b.product_seller[b.popular(1)[0]])
        if seller not in sellers and np.count_nonzero(b.product_seller == seller) >= 2:
            sellers.append(seller)
    catalogue = np.flatnonzero(np.isin(b.product_seller, sellers))
    count = min(int(rng.integers(3, 11)), catalogue.size)
    weight = b.popularity[catalogue] / b.popularity[catalogue].sum()
    products = rng.choice(catalogue, size=count, replace=False, p=weight)
    weeks = int(rng.integers(3, 13))
    start = START_MS + int(rng.integers(0, (b.s.weeks - weeks) * WEEK_MS))
    badmouth = rng.random() < b.s.badmouth_share
    for member in members.tolist():
        share = rng.uniform(0.4, 0.9)
        take = max(2, min(count, round(share * count)))
        rated = rng.choice(products, size=take, replace=False)
        days = rng.choice(weeks * 7, size=take, replace=False)  # different days
        moment = start + days * DAY_MS + rng.integers(0, DAY_MS, take)
        main = np.where(rng.random(take) < 0.9, 1 if badmouth else 5, 2 if badmouth else 4)
        b.add(np.full(take, member), rated, main.astype(np.int64), moment)
        camouflage = int(rng.integers(1, 6))
        other = b.popular(camouflage)
        b.add(np.full(camouflage, member), other, b.honest_ratings(other), b.anytime(camouflage))
    return _Planted(
        members=members,
        products=products,
        sellers=np.unique(b.product_seller[products]),
        start_ms=start,
        end_ms=start + weeks * WEEK_MS,
        kind="badmouth" if badmouth else "boost",
    )
