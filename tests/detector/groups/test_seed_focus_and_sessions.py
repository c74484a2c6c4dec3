"""Two honest look-alikes of the bench market's 10⁷ draw 3 (issue 17), each kept out by a rule
that can fail: deal hunters' seeds left out by the seeds' focus (``seeds.seeds``' ``min_focus``),
and blocks of multi-item order buyers (one session each) refused by the block judge
(``blocks`` step 4: ``min_reviewers`` members with two or more sessions)."""

import numpy as np

from detector.groups import GroupParams, review_events, review_tensor
from detector.groups.blocks import BlockJudge, Candidate
from detector.groups.seeds import seeds

DAY_MS = 86_400_000
START = 1_700_000_000_000


def _one_off_shoppers(rng: np.random.Generator, products: int) -> list[tuple]:
    """3,000 shoppers review one product each on a random day of two years."""
    return [
        (f"H{i}", int(rng.integers(0, products)), int(rng.integers(3, 6)),
         START + int(rng.integers(0, 700)) * DAY_MS)
        for i in range(3000)
    ]  # fmt: skip


def _events(rows: list[tuple], per_seller: int):  # type: ignore[no-untyped-def]
    reviewer, product, rating, moment = zip(*rows, strict=True)
    return review_events(
        reviewer_id=list(reviewer), product_id=[f"P{p}" for p in product],
        seller_id=[f"S{p // per_seller}" for p in product], rating=list(rating),
        timestamp_ms=list(moment),
    )  # fmt: skip


def _hunters_and_a_pool() -> list[tuple]:
    """60 deal hunters each review 2 of 4 sale products (P0–P3) and 25 of 2,000 others, on days
    of different weeks of one 12-week block; 10 paid accounts rate 3 products (P3000–P3002) on
    different days of four weeks of the same block."""
    rng = np.random.default_rng(21)
    rows = _one_off_shoppers(rng, 3003)
    for hunter in range(60):
        chosen = rng.choice(4, size=2, replace=False).tolist()
        chosen += (4 + rng.choice(2000, size=25, replace=False)).tolist()
        days = rng.choice(80, size=len(chosen), replace=False)
        for product, day in zip(chosen, days.tolist(), strict=True):
            rows.append((f"D{hunter}", product, 5, START + (7 * 12 * 3 + day) * DAY_MS))
    for member in range(10):
        for product, day in zip(range(3000, 3003), rng.choice(28, 3, replace=False).tolist(),
                                strict=True):  # fmt: skip
            rows.append((f"PAID{member}", product, 5, START + (7 * 12 * 3 + 30 + day) * DAY_MS))
    return rows


def test_deal_hunters_seed_is_left_out_by_its_focus() -> None:
    events = _events(_hunters_and_a_pool(), per_seller=50)
    tensor = review_tensor(events)
    names = np.asarray(events.reviewer_labels)[tensor.reviewer_codes].astype(str)

    def kinds(**focus: float) -> list[set[str]]:
        return [{names[r][0] for r in s.reviewers} for s in seeds(tensor, 20, **focus)]

    assert {"D"} in kinds(min_focus=0.0)  # the hunters' seed, without the focus
    focused = kinds()  # MIN_SEED_FOCUS
    assert {"P"} in focused and all("D" not in k for k in focused)


def _buyers_of_one_seller(spread_days: int) -> list[tuple]:
    """12 buyers each review 3 of a seller's 4 products (P0–P3, 5 stars) within
    ``spread_days`` days from a random day of eight weeks (one order when < 7)."""
    rng = np.random.default_rng(22)
    rows = _one_off_shoppers(rng, 40)
    for buyer in range(12):
        start = 300 + int(rng.integers(0, 56))
        days = rng.choice(spread_days, size=3, replace=False).tolist()
        for product, day in zip(rng.choice(4, 3, replace=False).tolist(), days, strict=True):
            rows.append((f"B{buyer}", product, 5, START + (start + day) * DAY_MS))
    return rows


def _judged(rows: list[tuple]):  # type: ignore[no-untyped-def]
    events = _events(rows, per_seller=4)
    tensor = review_tensor(events)
    names = np.asarray(events.reviewer_labels)[tensor.reviewer_codes].astype(str)
    products = np.asarray(events.product_labels)[tensor.product_codes]
    candidate = Candidate(
        reviewers=np.flatnonzero(np.char.startswith(names, "B")),
        products=np.flatnonzero(np.isin(products, ["P0", "P1", "P2", "P3"])),
        first_window=0, last_window=int(tensor.shape[4]) - 1, source="test",
    )  # fmt: skip
    return BlockJudge(tensor, events, GroupParams()).judge(candidate)


def test_order_buyers_one_session_each_are_no_group() -> None:
    assert _judged(_buyers_of_one_seller(spread_days=3)) is None


def test_the_same_buyers_over_weeks_are_a_block() -> None:
    """The same accounts and products with each review on its own week: several sessions."""
    group = _judged(_buyers_of_one_seller(spread_days=40))
    assert group is not None and len(group.reviewers) >= 10
