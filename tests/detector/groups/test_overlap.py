"""The overlap pass of ``detector.groups._judged``: a weaker group whose rows lie mostly in a
stronger one is dropped, unless it holds ``min_reviewers`` members no stronger group holds (a
pool's two campaigns proposed as one block keep only the members with a share of all its
products). Planted: 24 accounts rate 5-6 of seller S0's 8 products, 24 accounts (13 of them
also in the first campaign) rate seller S1's 3 products on days 8 apart, in the same weeks."""

import numpy as np

from detector.groups import GroupParams, _judged, review_events, review_tensor
from detector.groups.blocks import BlockJudge, Candidate

DAY_MS = 86_400_000
START = 1_700_000_000_000


def test_a_smaller_campaign_inside_a_merged_block_keeps_its_own_group() -> None:
    rng = np.random.default_rng(7)
    rows = []
    for shopper in range(5000):
        product = int(rng.integers(0, 60))
        stars = int(rng.choice(5, p=[0.06, 0.06, 0.12, 0.26, 0.5])) + 1
        day = int(rng.integers(0, 700))
        rows.append((f"H{shopper}", f"P{product}", f"S{product // 8}", stars, START + day * DAY_MS))
    first = [f"A{i}" for i in range(24)]
    second = first[:13] + [f"B{i}" for i in range(11)]
    for member in first:
        size = int(rng.integers(5, 7))
        days = rng.choice(21, size=size, replace=False).tolist()
        for product, day in zip(
            rng.choice(8, size=size, replace=False).tolist(), days, strict=True
        ):
            rows.append((member, f"P{product}", "S0", 5, START + (300 + day) * DAY_MS))
    for member in second:
        offset = int(rng.integers(0, 5))
        for product, day in zip(range(3), (0, 8, 16), strict=True):
            rows.append((member, f"Q{product}", "S1", 5, START + (300 + offset + day) * DAY_MS))
    reviewer, product, seller, rating, moment = zip(*rows, strict=True)
    events = review_events(
        reviewer_id=list(reviewer), product_id=list(product), seller_id=list(seller),
        rating=list(rating), timestamp_ms=list(moment),
    )  # fmt: skip
    tensor = review_tensor(events)
    params = GroupParams(member_fdr=0)  # no admission pass: the overlap rule alone
    judge = BlockJudge(tensor, events, params)
    names = np.asarray(events.reviewer_labels)[tensor.reviewer_codes].astype(str)
    products = np.asarray(events.product_labels)[tensor.product_codes].astype(str)
    windows = tensor.window[np.isin(tensor.reviewer, np.flatnonzero(np.isin(names, first)))]
    lo, hi = int(windows.min()), int(windows.max())

    def candidate(who: list[str], what: list[str]) -> Candidate:
        return Candidate(
            reviewers=np.flatnonzero(np.isin(names, who)),
            products=np.flatnonzero(np.isin(products, what)),
            first_window=lo, last_window=hi, source="test",
        )  # fmt: skip

    merged = candidate(first + second, [f"P{i}" for i in range(8)] + ["Q0", "Q1", "Q2"])
    own = candidate(second, ["Q0", "Q1", "Q2"])
    block = judge.judge(merged)
    assert block is not None
    only_second = set(second) - set(first)
    assert not only_second & set(block.reviewers)  # 3 of 11 products: below the share
    groups = _judged(judge, [merged, own], params)
    found = {r for g in groups for r in g.reviewers}
    assert found <= set(first) | set(second)
    assert only_second <= found
    # the old rule (more than half the rows in a stronger group: dropped) would lose them
    (strong, weak) = sorted(groups, key=lambda g: -g.score)
    assert len(set(weak.review_rows) & set(strong.review_rows)) > len(weak.review_rows) // 2
