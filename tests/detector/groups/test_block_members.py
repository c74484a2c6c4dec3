"""The block judge drops members mostly off the block's star level (detector.groups.blocks,
step 2): a pool on a few popular products keeps its campaign when honest co-reviewers of the same
products fall into its candidate block."""

import numpy as np
import pytest

from detector.groups import GroupParams, review_events, review_tensor
from detector.groups import blocks as blocks_module
from detector.groups.blocks import BlockJudge, Candidate

DAY_MS = 86_400_000
START = 1_700_000_000_000


def _one_off_shoppers(rng: np.random.Generator) -> list[tuple]:
    """3,000 one-off shoppers review one of 40 products each on a random day of two years; rows
    (reviewer, product, stars, ms)."""
    rows = []
    for shopper in range(3000):
        product = int(rng.integers(0, 40))
        stars = int(rng.choice(5, p=[0.06, 0.06, 0.12, 0.26, 0.5])) + 1
        rows.append((f"H{shopper}", product, stars, START + int(rng.integers(0, 700)) * DAY_MS))
    return rows


def _market():  # type: ignore[no-untyped-def]
    """12 paid accounts give 5 stars to 3 of 4 products (one seller) on different days of three
    weeks; 6 honest shoppers gave 4 stars to two of them in those weeks; 3,000 one-off shoppers
    review 40 products over two years."""
    rng = np.random.default_rng(3)
    rows = _one_off_shoppers(rng)
    pool = [f"PAID{i}" for i in range(12)]
    for member in pool:
        chosen = rng.choice(4, size=3, replace=False).tolist()
        days = rng.choice(21, size=3, replace=False).tolist()
        for product, day in zip(chosen, days, strict=True):
            rows.append((member, product, 5, START + (300 + day) * DAY_MS))
    fans = [f"FAN{i}" for i in range(6)]
    for fan in fans:
        for product in rng.choice(4, size=2, replace=False).tolist():
            rows.append((fan, product, 4, START + (300 + int(rng.integers(0, 21))) * DAY_MS))
    reviewer, product, rating, moment = zip(*rows, strict=True)
    events = review_events(
        reviewer_id=list(reviewer), product_id=[f"P{p}" for p in product],
        seller_id=[f"S{p // 4}" for p in product], rating=list(rating), timestamp_ms=list(moment),
    )  # fmt: skip
    return events, set(pool), set(fans)


def _judged(events):  # type: ignore[no-untyped-def]
    """The candidate block of every paid account and co-reviewer on P0–P3, all weeks."""
    tensor = review_tensor(events)
    names = np.asarray(events.reviewer_labels)[tensor.reviewer_codes].astype(str)
    products = np.asarray(events.product_labels)[tensor.product_codes]
    candidate = Candidate(
        reviewers=np.flatnonzero(
            np.char.startswith(names, "PAID") | np.char.startswith(names, "FAN")
        ),
        products=np.flatnonzero(np.isin(products, ["P0", "P1", "P2", "P3"])),
        first_window=0,
        last_window=int(tensor.shape[4]) - 1,
        source="test",
    )
    return BlockJudge(tensor, events, GroupParams()).judge(candidate)


def test_off_level_co_reviewers_leave_the_block() -> None:
    events, pool, _ = _market()
    group = _judged(events)
    assert group is not None
    assert set(group.reviewers) == pool
    assert group.evidence["rating_share"] == pytest.approx(1.0)


def test_without_the_rule_the_co_reviewers_join_the_campaign(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The rating share counts the block's side of the scale (5 and 4 stars: a campaign gives
    some 4s), so 4-star co-reviewers no longer sink the block by its share — they would join
    it: only the off-level rule keeps them out."""
    monkeypatch.setattr(blocks_module, "OFF_LEVEL_MEMBERS", False)
    events, pool, fans = _market()
    group = _judged(events)
    assert group is not None
    assert set(group.reviewers) == pool | fans  # 36 five-star and 12 four-star cells
    assert group.evidence["rating_share"] == pytest.approx(1.0)


def test_the_rating_share_is_one_side_of_the_scale() -> None:
    """A 1-star campaign with a fifth of 2-star ratings (bad-mouthing a rival): 1 + 2 stars make
    its side (share 1.0 on the side, 0.8 at 1 star alone); 3-star ratings are off both sides."""
    from detector.groups.blocks import side_levels

    assert side_levels(4) == [4, 3] and side_levels(0) == [0, 1] and side_levels(2) == [2]
    rng = np.random.default_rng(11)
    rows = _one_off_shoppers(rng)
    pool = [f"PAID{i}" for i in range(10)]
    for index, member in enumerate(pool):
        days = rng.choice(21, size=3, replace=False).tolist()
        for product, day in zip(range(3), days, strict=True):
            stars = 2 if (index * 3 + product) % 5 == 0 else 1  # 6 of 30 at 2 stars
            rows.append((member, product, stars, START + (300 + day) * DAY_MS))
    reviewer, product, rating, moment = zip(*rows, strict=True)
    events = review_events(
        reviewer_id=list(reviewer), product_id=[f"P{p}" for p in product],
        seller_id=[f"S{p // 4}" for p in product], rating=list(rating), timestamp_ms=list(moment),
    )  # fmt: skip
    tensor = review_tensor(events)
    names = np.asarray(events.reviewer_labels)[tensor.reviewer_codes].astype(str)
    products = np.asarray(events.product_labels)[tensor.product_codes]
    candidate = Candidate(
        reviewers=np.flatnonzero(np.char.startswith(names, "PAID")),
        products=np.flatnonzero(np.isin(products, ["P0", "P1", "P2"])),
        first_window=0,
        last_window=int(tensor.shape[4]) - 1,
        source="test",
    )
    group = BlockJudge(tensor, events, GroupParams()).judge(candidate)
    assert group is not None and set(group.reviewers) == set(pool)
    assert group.evidence["star_level"] == 1
    assert group.evidence["rating_share"] == pytest.approx(1.0)
