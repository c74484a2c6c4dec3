"""A marketplace with planted review campaigns, written apart from ``detector.simulate.groups``.

``python benchmarks/independent_groups_sim.py --seed 7 --out DIR`` writes ``DIR/reviews.jsonl``
(the CLI's input: ``user_id``, ``parent_asin``, ``asin``, ``seller_id``, ``rating``,
``timestamp`` in ms, ``verified_purchase``, ``helpful_vote``, ``text``; sorted by product, then
time) and ``DIR/truth.json`` (the campaigns, their members, sellers, products and windows, the
attacked products, the honest look-alikes). ``--evaluate`` also scores ``find_groups``, FRAUDAR
and the 10 %-labels experiment on it with ``benchmarks/eval_groups.py``'s own functions.
``simulate(seed=...)`` returns the same as arrays.

Written from issue 17's description only, so the detector is measured on data its authors did
not shape. Everything is drawn with one ``numpy.random.Generator`` from ``seed``.

**Catalogue.** Sellers' catalogue sizes are 1 + Multinomial(P − S, lognormal(0, 1.2) weights).
Product p has a popularity π_p ~ lognormal(0, 1.4), a launch day L_p ~ U(−540, D − 60) and a shelf
life ℓ_p ~ lognormal(ln 365, 0.5); in month m its share of the month's reviews is
∝ π_p · exp(−(t_m − L_p)/ℓ_p) for t_m ≥ L_p (else 0). Its quality q_p ~ N(4.15, 0.45) clipped to
[2.2, 4.9].

**Honest reviewers.** Reviews per account ~ Zipf(2.1) capped at 500 (most write one or two, a
few hundreds); an account is active over [s_u, s_u + d_u], s_u ~ U(0, D), d_u ~ lognormal(ln 120,
1.0)·(1 + ln k_u); each review's day is uniform in that span and its product is drawn from that
month's shares. Stars: round(q_p + b_u + ε), b_u ~ N(0, 0.35), ε ~ N(0, 1), clipped to 1–5;
with probability 0.08 a disappointed 1 or 2.

**Honest look-alikes** (drawn among honest accounts, on top of their ordinary reviews):
- *brand fans*: one seller's products (4–15, by popularity), 4–5 stars, spread over 1–3 years;
- *multi-item orders*: 1–3 orders of 2–6 products of one seller, each reviewed within 6 days of
  the order day, stars within one of the order's mood;
- *deal hunters*: deal events (30–70 popular products of any sellers, 3–7 days); a hunter joins
  1–3 events and reviews 5–15 of the event's products within 10 days of its start.

**Campaigns.** A campaign has 1–3 sellers, 3–10 of their products (launched two weeks before the
window or earlier; in 70 % of campaigns drawn by popularity — popular products, where the fakes
are a small share of the reviews — else uniformly), a window of 3–12 weeks, and a pool of 8–40
accounts (a fifth of campaigns re-hire a quarter of an earlier pool). 20–70 % of a pool are aged:
an honest-looking history of 5–40 reviews over the 18 months before and 4 after the window. The
rest are fresh accounts with 1–4 reviews in the 60 days before. Each member rates a share
r ~ U(0.35, 0.85) of the products (at least two), each on a different day of the window: 5 stars
(4 with probability 0.12), or for a competitor attack (15 % of campaigns) 1 star (2 with
probability 0.2). Camouflage: 2–10 honest-looking ratings of popular products from 60 days before
to 60 after the window.

Identifiers are random and carry no class: user ids ``U`` + 10 characters, ASINs ``B0`` + 8,
seller ids ``A`` + 13, all assigned by one permutation.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DAY_MS = 86_400_000
EPOCH_MS = 1_640_995_200_000  # 2022-01-01T00:00:00Z, day 0 of the market
_ALPHABET = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
_WORDS = np.array(
    [
        "good",
        "great",
        "fine",
        "works",
        "nice",
        "quality",
        "price",
        "fast",
        "shipping",
        "love",
        "bad",
        "cheap",
        "broke",
        "size",
        "fits",
        "color",
        "daughter",
        "son",
        "gift",
        "recommend",
        "sturdy",
        "flimsy",
        "battery",
        "sound",
        "easy",
        "install",
        "returned",
        "perfect",
        "okay",
        "decent",
        "expected",
        "small",
        "large",
        "soft",
        "smells",
        "charger",
        "cable",
        "case",
    ]
)


@dataclass(frozen=True)
class MarketParams:
    """Sizes of the market; ``scale`` multiplies the honest side (bounded: 0 < scale ≤ 20)."""

    days: int = 1095
    sellers: int = 350
    products: int = 3200
    honest_reviewers: int = 36_000
    brand_fans: int = 700
    multi_item_buyers: int = 1500
    deal_hunters: int = 500
    deal_events: int = 120
    campaigns: int = 14
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.scale <= 20:
            raise ValueError("scale must be in (0, 20]")
        if self.days < 200 or self.sellers < 10 or self.products < 3 * self.sellers:
            raise ValueError("the market needs ≥ 200 days, ≥ 10 sellers, ≥ 3 products each")


@dataclass
class Campaign:
    kind: str  # "inflate" | "deflate"
    members: list[str]
    aged: list[str]
    sellers: list[str]
    products: list[str]
    start_ms: int
    end_ms: int


@dataclass
class Truth:
    campaigns: list[Campaign]
    lookalike: dict[str, list[str]]  # kind -> honest user ids

    def members(self) -> set[str]:
        return {m for c in self.campaigns for m in c.members}

    def attacked_products(self) -> set[str]:
        return {p for c in self.campaigns for p in c.products}

    def to_dict(self) -> dict[str, object]:
        return {
            "campaigns": [vars(c) for c in self.campaigns],
            "members": sorted(self.members()),
            "attacked_products": sorted(self.attacked_products()),
            "lookalike": self.lookalike,
        }


@dataclass
class Market:
    """One review per row (sorted by product, then time); ``fake`` marks campaign reviews."""

    reviewer_id: np.ndarray
    product_id: np.ndarray
    seller_id: np.ndarray
    rating: np.ndarray
    timestamp_ms: np.ndarray
    verified: np.ndarray
    fake: np.ndarray
    truth: Truth
    product_seller: dict[str, str] = field(default_factory=dict)

    @property
    def n_reviews(self) -> int:
        return int(self.rating.size)


class _Reviews:
    """Columns being collected: account index, product index, day (float), stars, verified, fake."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, user, product, day, stars, verified, fake=False) -> None:  # type: ignore[no-untyped-def]
        n = len(product)
        user = np.broadcast_to(np.asarray(user, dtype=np.int64), (n,))
        fake = np.broadcast_to(np.asarray(fake, dtype=bool), (n,))
        self.parts.append(
            (user, np.asarray(product), np.asarray(day, float), stars, verified, fake)
        )

    def columns(self) -> list[np.ndarray]:
        return [np.concatenate([p[i] for p in self.parts]) for i in range(6)]


class _Catalogue:
    def __init__(self, rng: np.random.Generator, p: MarketParams) -> None:
        weights = rng.lognormal(0.0, 1.2, p.sellers)
        sizes = 1 + rng.multinomial(p.products - p.sellers, weights / weights.sum())
        self.seller = np.repeat(np.arange(p.sellers), sizes)
        self.popularity = rng.lognormal(0.0, 1.4, p.products)
        self.launch = rng.uniform(-540, p.days - 60, p.products)
        life = rng.lognormal(np.log(365), 0.5, p.products)
        self.quality = np.clip(rng.normal(4.15, 0.45, p.products), 2.2, 4.9)
        months = np.arange(0, p.days + 30, 30) + 15.0
        age = months[:, None] - self.launch[None, :]
        share = np.where(age >= 0, self.popularity * np.exp(-np.maximum(age, 0) / life), 0.0)
        self.cumulative = np.cumsum(share, axis=1)
        self.days = p.days

    def draw(self, rng: np.random.Generator, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A product per review day from that month's shares; days before launch move past it."""
        product = np.empty(day.size, dtype=np.int64)
        month = np.clip(day // 30, 0, self.cumulative.shape[0] - 1).astype(np.int64)
        for m in np.unique(month):
            at = np.flatnonzero(month == m)
            row = self.cumulative[m]
            product[at] = np.searchsorted(row, rng.uniform(0, row[-1], at.size), side="right")
        product = np.minimum(product, self.seller.size - 1)
        late = self.launch[product] + rng.uniform(0, 20, day.size)
        return product, np.minimum(np.maximum(day, late), self.days - 1e-3)

    def share(self, day: float) -> np.ndarray:
        """Each product's weight in the reviews of ``day``'s month."""
        row = self.cumulative[min(int(day // 30), self.cumulative.shape[0] - 1)]
        return np.diff(row, prepend=0.0)

    def of_seller(self, seller: int) -> np.ndarray:
        return np.flatnonzero(self.seller == seller)


def _honest_stars(
    rng: np.random.Generator, quality: np.ndarray, lenience: np.ndarray
) -> np.ndarray:
    stars = np.clip(np.rint(quality + lenience + rng.normal(0, 1.0, quality.size)), 1, 5)
    sad = rng.random(quality.size) < 0.08
    stars[sad] = rng.integers(1, 3, int(sad.sum()))
    return stars.astype(np.int8)


def _verified(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    return rng.random(n) < rate


def _honest_accounts(rng, cat, reviews, users, counts, start, span, lenience) -> None:  # type: ignore[no-untyped-def]
    user = np.repeat(users, counts)
    lo = np.repeat(start, counts)
    day = np.clip(lo + rng.random(user.size) * np.repeat(span, counts), 0, cat.days - 1e-3)
    product, day = cat.draw(rng, day)
    stars = _honest_stars(rng, cat.quality[product], lenience[user])
    reviews.add(user, product, day, stars, _verified(rng, user.size, 0.85))


def _brand_fans(rng, cat, reviews, fans, sellers_ok) -> None:  # type: ignore[no-untyped-def]
    sizes = np.bincount(cat.seller)
    for user in fans:
        seller = rng.choice(sellers_ok, p=sizes[sellers_ok] / sizes[sellers_ok].sum())
        own = cat.of_seller(seller)
        k = int(rng.integers(4, min(15, own.size) + 1))
        weights = cat.popularity[own] / cat.popularity[own].sum()
        chosen = rng.choice(own, size=k, replace=False, p=weights)
        years = rng.uniform(365, 3 * 365)
        first = rng.uniform(0, max(1.0, cat.days - years))
        day = np.maximum(first + rng.random(k) * years, cat.launch[chosen] + rng.uniform(0, 30, k))
        stars = rng.choice([5, 4, 3], size=k, p=[0.8, 0.17, 0.03]).astype(np.int8)
        reviews.add(user, chosen, np.minimum(day, cat.days - 1e-3), stars, _verified(rng, k, 0.9))


def _multi_item_orders(rng, cat, reviews, buyers, sellers_ok) -> None:  # type: ignore[no-untyped-def]
    for user in buyers:
        for _ in range(int(rng.integers(1, 4))):
            own = cat.of_seller(rng.choice(sellers_ok))
            k = int(rng.integers(2, min(6, own.size) + 1))
            chosen = rng.choice(own, size=k, replace=False)
            order = max(cat.launch[chosen].max(), 0) + rng.uniform(0, 200)
            day = np.minimum(order + rng.uniform(0, 7, k), cat.days - 1e-3)
            mood = np.rint(cat.quality[chosen].mean() + rng.normal(0, 0.8))
            stars = np.clip(mood + rng.integers(-1, 2, k) * (rng.random(k) < 0.3), 1, 5)
            reviews.add(user, chosen, day, stars.astype(np.int8), _verified(rng, k, 0.95))


def _deal_hunters(rng, cat, reviews, hunters, events, lenience) -> None:  # type: ignore[no-untyped-def]
    deals = []
    for _ in range(events):
        start = rng.uniform(30, cat.days - 20)
        launched = np.flatnonzero(cat.launch < start - 7)
        weights = cat.popularity[launched] / cat.popularity[launched].sum()
        size = int(rng.integers(30, 71))
        deals.append((start, rng.choice(launched, size=size, replace=False, p=weights)))
    for user in hunters:
        for event in rng.choice(events, size=int(rng.integers(1, 4)), replace=False):
            start, offer = deals[event]
            k = int(rng.integers(5, 16))
            chosen = rng.choice(offer, size=k, replace=False)
            day = np.minimum(start + rng.uniform(0, 10, k), cat.days - 1e-3)
            stars = _honest_stars(rng, cat.quality[chosen] + 0.3, np.full(k, lenience[user]))
            reviews.add(user, chosen, day, stars, _verified(rng, k, 0.97))


def _campaign_products(rng, cat, popular: bool, p: MarketParams):  # type: ignore[no-untyped-def]
    """(sellers, products, start day, weeks): sellers with three products launched two weeks
    before the window; when ``popular``, sellers and products drawn by the window month's shares
    (what sells now), else uniformly."""
    while True:
        weeks = int(rng.integers(3, 13))
        start = float(rng.integers(120, p.days - 7 * weeks - 1))
        now = cat.share(start) * (cat.launch < start - 14)
        by_seller = np.bincount(cat.seller, weights=now, minlength=p.sellers)
        ready = np.bincount(cat.seller, weights=now > 0, minlength=p.sellers)
        eligible = np.flatnonzero(ready >= 3)
        weights = by_seller[eligible] if popular else np.ones(eligible.size)
        count = min(int(rng.choice([1, 2, 3], p=[0.4, 0.35, 0.25])), eligible.size)
        sellers = rng.choice(eligible, size=count, replace=False, p=weights / weights.sum())
        pool = np.flatnonzero(np.isin(cat.seller, sellers) & (now > 0))
        k = int(rng.integers(3, min(10, pool.size) + 1))
        weights = now[pool] if popular else np.ones(pool.size)
        products = rng.choice(pool, size=k, replace=False, p=weights / weights.sum())
        return np.unique(cat.seller[products]), products, start, weeks


def _campaign(rng, cat, reviews, members, aged, kind, products, start, weeks, lenience) -> None:  # type: ignore[no-untyped-def]
    end = start + 7 * weeks
    for user in members:
        share = rng.uniform(0.35, 0.85)
        mine = products[rng.random(products.size) < share]
        if mine.size < 2:
            mine = rng.choice(products, size=2, replace=False)
        day = start + rng.choice(7 * weeks, size=mine.size, replace=False) + rng.random(mine.size)
        if kind == "inflate":
            stars = rng.choice([5, 4], size=mine.size, p=[0.88, 0.12])
        else:
            stars = rng.choice([1, 2], size=mine.size, p=[0.8, 0.2])
        reviews.add(user, mine, day, stars.astype(np.int8), _verified(rng, mine.size, 0.6), True)
        k = int(rng.integers(2, 11))
        cover = np.clip(rng.uniform(start - 60, end + 60, k), 0, cat.days - 1e-3)
        other, cover = cat.draw(rng, cover)
        stars = _honest_stars(rng, cat.quality[other], np.full(k, lenience[user]))
        reviews.add(user, other, cover, stars, _verified(rng, k, 0.8))
    history = np.asarray(aged, dtype=np.int64)
    counts = rng.integers(5, 41, history.size)
    span = np.full(history.size, 540.0 + 120.0)
    _honest_accounts(
        rng, cat, reviews, history, counts, np.full(history.size, start - 540), span, lenience
    )
    fresh = np.setdiff1d(members, history)
    counts = rng.integers(1, 5, fresh.size)
    _honest_accounts(
        rng, cat, reviews, fresh, counts, np.full(fresh.size, max(start - 60, 0)),
        np.full(fresh.size, 60.0), lenience,
    )  # fmt: skip


def _codes(rng: np.random.Generator, n: int, prefix: str, length: int) -> np.ndarray:
    """``n`` distinct random identifiers ``prefix`` + ``length`` characters of 0-9A-Z."""
    codes: set[str] = set()
    while len(codes) < n:
        chars = _ALPHABET[rng.integers(0, 36, (n, length))]
        codes.update(prefix + "".join(row) for row in chars)
    return rng.permutation(np.array(sorted(codes)[:n]))


def simulate(seed: int = 0, params: MarketParams | None = None) -> Market:
    """The market of ``seed`` (see the module docstring for every law)."""
    p = params or MarketParams()
    rng = np.random.default_rng(seed)
    cat = _Catalogue(rng, p)
    reviews = _Reviews()
    n_honest = int(p.honest_reviewers * p.scale)
    pools = rng.integers(8, 41, p.campaigns)
    n_users = n_honest + int(pools.sum())
    lenience = rng.normal(0, 0.35, n_users)
    campaigns_raw = []
    taken = n_honest
    for c in range(p.campaigns):
        kind = "deflate" if rng.random() < 0.15 else "inflate"
        sellers, products, start, weeks = _campaign_products(rng, cat, rng.random() < 0.7, p)
        members = np.arange(taken, taken + pools[c])
        taken += int(pools[c])
        if campaigns_raw and rng.random() < 0.2:
            earlier = campaigns_raw[int(rng.integers(len(campaigns_raw)))][1]
            rehired = rng.choice(earlier, size=max(1, earlier.size // 4), replace=False)
            members = np.concatenate([rehired, members[rehired.size :]])
        aged = rng.choice(members, size=round(rng.uniform(0.2, 0.7) * members.size), replace=False)
        _campaign(rng, cat, reviews, members, aged, kind, products, start, weeks, lenience)
        campaigns_raw.append((kind, members, aged, sellers, products, start, weeks))
    counts = np.minimum(rng.zipf(2.1, n_honest), 500)
    start = rng.uniform(0, p.days, n_honest)
    span = rng.lognormal(np.log(120), 1.0, n_honest) * (1 + np.log(counts))
    _honest_accounts(rng, cat, reviews, np.arange(n_honest), counts, start, span, lenience)
    sizes = np.bincount(cat.seller, minlength=p.sellers)
    kinds = rng.permutation(n_honest)
    s = p.scale
    fans = kinds[: int(p.brand_fans * s)]
    buyers = kinds[fans.size : fans.size + int(p.multi_item_buyers * s)]
    hunters = kinds[fans.size + buyers.size :][: int(p.deal_hunters * s)]
    _brand_fans(rng, cat, reviews, fans, np.flatnonzero(sizes >= 4))
    _multi_item_orders(rng, cat, reviews, buyers, np.flatnonzero(sizes >= 2))
    _deal_hunters(rng, cat, reviews, hunters, p.deal_events, lenience)
    return _assemble(rng, cat, reviews, n_users, campaigns_raw, {
        "brand_fan": fans, "multi_item": buyers, "deal_hunter": hunters,
    })  # fmt: skip


def _assemble(rng, cat, reviews, n_users, campaigns_raw, lookalike) -> Market:  # type: ignore[no-untyped-def]
    user, product, day, stars, verified, fake = reviews.columns()
    # One review per (account, product): a campaign review wins, else the first added.
    priority = np.argsort(~fake, kind="stable")
    _, first = np.unique((user * cat.seller.size + product)[priority], return_index=True)
    keep = np.sort(priority[first])
    user, product, day, stars, verified, fake = (
        a[keep] for a in (user, product, day, stars, verified, fake)
    )
    users = _codes(rng, n_users, "U", 10)
    asins = _codes(rng, cat.seller.size, "B0", 8)
    sellers = _codes(rng, int(cat.seller.max()) + 1, "A", 13)
    timestamp = EPOCH_MS + np.floor(day * DAY_MS).astype(np.int64)
    order = np.lexsort((timestamp, asins[product]))
    campaigns = [
        Campaign(
            kind,
            sorted(users[m].tolist()),
            sorted(users[a].tolist()),
            sorted(sellers[s].tolist()),
            sorted(asins[ps].tolist()),
            EPOCH_MS + int(start * DAY_MS),
            EPOCH_MS + int((start + 7 * weeks) * DAY_MS),
        )
        for kind, m, a, s, ps, start, weeks in campaigns_raw
    ]
    truth = Truth(campaigns, {k: sorted(users[v].tolist()) for k, v in lookalike.items()})
    return Market(
        reviewer_id=users[user][order],
        product_id=asins[product][order],
        seller_id=sellers[cat.seller[product]][order],
        rating=stars[order].astype(np.int8),
        timestamp_ms=timestamp[order],
        verified=verified[order],
        fake=fake[order],
        truth=truth,
        product_seller=dict(zip(asins.tolist(), sellers[cat.seller].tolist(), strict=True)),
    )


def write(market: Market, out: Path, seed: int) -> None:
    """``out/reviews.jsonl`` (the CLI's input) and ``out/truth.json``."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 1])
    words = rng.lognormal(np.log(12), 0.8, market.n_reviews).astype(np.int64) + 1
    votes = rng.poisson(0.6, market.n_reviews)
    with (out / "reviews.jsonl").open("w", encoding="utf-8") as handle:
        for i in range(market.n_reviews):
            asin = str(market.product_id[i])
            line = {
                "user_id": str(market.reviewer_id[i]),
                "parent_asin": asin,
                "asin": asin,
                "seller_id": str(market.seller_id[i]),
                "rating": int(market.rating[i]),
                "timestamp": int(market.timestamp_ms[i]),
                "verified_purchase": bool(market.verified[i]),
                "helpful_vote": int(votes[i]),
                "text": " ".join(rng.choice(_WORDS, size=min(int(words[i]), 200)).tolist()),
            }
            handle.write(json.dumps(line) + "\n")
    truth = market.truth.to_dict() | {"seed": seed, "reviews": market.n_reviews}
    (out / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")


def _evaluate(market: Market, fraudar: bool) -> None:
    """``find_groups`` (Logistic CP, the dense-block peel), FRAUDAR, and the 10 %-labels
    experiment, scored by ``benchmarks/eval_groups.py``'s own functions on this market."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from eval_groups import Found, label_experiment, run_fraudar, run_groups, scores

    from detector.groups import GroupParams, review_events

    events = review_events(
        reviewer_id=market.reviewer_id, product_id=market.product_id,
        seller_id=market.seller_id, rating=market.rating, timestamp_ms=market.timestamp_ms,
    )  # fmt: skip
    kinds = market.truth.lookalike
    print(
        f"{'method':<28} {'recall':>7} {'prec.':>7} {'honest':>8} {'att.found':>9} {'unatt.':>7}"
        f" {'s':>6}" + "".join(f" {kind:>11}" for kind in kinds)
    )
    methods: dict[str, Callable[[], Found]] = {
        "logistic_cp": lambda: run_groups(events, GroupParams(), []),
        "dense_block (D-Cube peel)": lambda: run_groups(
            events, GroupParams(method="dense_block"), []
        ),
    }
    if fraudar:
        blocks = len(market.truth.campaigns)
        methods["FRAUDAR (rgmining-fraudar)"] = lambda: run_fraudar(market, blocks)  # type: ignore[arg-type]
    for name, method in methods.items():
        found = method()
        s = scores(market, found)  # type: ignore[arg-type]
        shares = [len(found.reviewers & set(ids)) / len(ids) for ids in kinds.values()]
        print(
            f"{name:<28} {s['recall']:>7.3f} {s['precision']:>7.3f} {s['honest_in_groups']:>8.4f} "
            f"{s['attacked_found']:>9.3f} {s['unattacked_flagged']:>7.4f} {s['seconds']:>6.1f}"
            + "".join(f" {share:>11.4f}" for share in shares)
        )
    rng = np.random.default_rng([market.n_reviews, 10])
    unsupervised, supervised, count = label_experiment(market, events, rng)  # type: ignore[arg-type]
    print(
        f"labels for 10% of campaigns ({count} labels): recall on the other 90%: "
        f"unsupervised {unsupervised:.3f}, semi-supervised {supervised:.3f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="directory for reviews.jsonl and truth.json")
    parser.add_argument("--scale", type=float, default=1.0, help="honest side × (0, 20]")
    parser.add_argument("--evaluate", action="store_true", help="score find_groups on it")
    parser.add_argument("--no-fraudar", action="store_true", help="with --evaluate: skip it")
    args = parser.parse_args(argv)
    market = simulate(args.seed, MarketParams(scale=args.scale))
    truth = market.truth
    share = np.mean(market.fake[np.isin(market.product_id, list(truth.attacked_products()))])
    print(
        f"seed {args.seed}: {market.n_reviews:,} reviews, {np.unique(market.reviewer_id).size:,} "
        f"reviewers, {len(truth.campaigns)} campaigns, {len(truth.members())} members, "
        f"{len(truth.attacked_products())} attacked products (fakes {share:.1%} of their reviews)"
    )
    if args.out is not None:
        write(market, args.out, args.seed)
    if args.evaluate:
        _evaluate(market, fraudar=not args.no_fraudar)


if __name__ == "__main__":
    main()
