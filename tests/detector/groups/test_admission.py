"""The admission pass (detector.groups.admission) and the null's sessions and seller habit
(detector.groups.blocks): BH against statsmodels, sessions and habit against hand counts, and a
planted pool whose two-product members the block rules leave out but the test lets in."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from detector.groups import GroupParams, find_groups, review_events, review_tensor
from detector.groups.admission import benjamini_hochberg
from detector.groups.blocks import BlockJudge

DAY_MS = 86_400_000
START = 1_700_000_000_000


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_benjamini_hochberg_admits_what_statsmodels_rejects(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(0, 1, 80), 10 ** -rng.uniform(2, 6, 20)])
    mine = benjamini_hochberg(np.log(p), p.size, 0.05)
    reference = multipletests(p, alpha=0.05, method="fdr_bh")[0]
    assert np.array_equal(mine, reference)
    # untested hypotheses (p = 1) raise m: the same as listing them
    padded = np.concatenate([p, np.ones(400)])
    wider = multipletests(padded, alpha=0.05, method="fdr_bh")[0][: p.size]
    assert np.array_equal(benjamini_hochberg(np.log(p), padded.size, 0.05), wider)


def _events(rows):  # type: ignore[no-untyped-def]
    reviewer, product, seller, rating, moment = zip(*rows, strict=True)
    return review_events(
        reviewer_id=list(reviewer), product_id=list(product), seller_id=list(seller),
        rating=list(rating), timestamp_ms=list(moment),
    )  # fmt: skip


def test_sessions_count_one_seller_per_seven_day_span() -> None:
    rows = [
        ("order", "P1", "S1", 5, START), ("order", "P2", "S1", 5, START + 3 * DAY_MS),
        ("order", "P3", "S1", 5, START + 6 * DAY_MS),  # one order, reviewed over 6 days: 1
        ("paid", "P1", "S1", 5, START), ("paid", "P2", "S1", 5, START + 8 * DAY_MS),
        ("paid", "P3", "S1", 5, START + 16 * DAY_MS),  # three spans: 3
        ("two", "P1", "S1", 5, START), ("two", "Q1", "S2", 5, START),  # two sellers: 2
    ]  # fmt: skip
    events = _events(rows)
    judge = BlockJudge(review_tensor(events), events, GroupParams())
    sessions = judge.sessions(np.arange(events.n_reviews))
    names = sorted({r[0] for r in rows})  # codes ascend with the sorted ids
    assert dict(zip(names, sessions.tolist(), strict=True)) == {"order": 1, "paid": 3, "two": 2}


def test_a_fans_reviews_of_the_brand_outside_the_window_are_its_habit() -> None:
    """ℓ_u = o_u · |W| / (T − |W|): 8 of the fan's 5-star reviews of seller S1 fall outside a
    2-window block of a 20-window market, so its habit predicts 8 · 2 / 18 there."""
    rows = [("fan", f"P{i}", "S1", 5, START + i * 7 * DAY_MS) for i in range(10)]
    rows += [("other", "P0", "S1", 5, START + 19 * 7 * DAY_MS), ("other", "Q", "S2", 4, START)]
    events = _events(rows)
    tensor = review_tensor(events)
    judge = BlockJudge(tensor, events, GroupParams())
    fan = np.array([int(np.searchsorted(tensor.reviewer_codes, events.reviewer[0]))])
    seller = np.unique(tensor.seller[tensor.reviewer == fan[0]])
    assert tensor.shape[4] == 20
    habit = judge.loyal(fan, seller, 0, 1, [4])
    assert habit[0] == pytest.approx(8 * 2 / 18)


def _shoppers(rng: np.random.Generator, products_per_seller: int) -> list[tuple]:
    """4,000 honest shoppers review 60 products (``products_per_seller`` a seller) on random days
    of two years, a tenth of them two products; rows (reviewer, product, seller, stars, ms)."""
    rows = []
    for shopper in range(4000):
        for product in rng.choice(60, size=1 + int(rng.random() < 0.1), replace=False).tolist():
            stars = int(rng.choice(5, p=[0.06, 0.06, 0.12, 0.26, 0.5])) + 1
            day = int(rng.integers(0, 700))
            seller = f"S{product // products_per_seller}"
            rows.append((f"H{shopper}", f"P{product}", seller, stars, START + day * DAY_MS))
    return rows


def _campaign_market(seed: int = 11):  # type: ignore[no-untyped-def]
    """20 paid accounts give 5 stars to 8 products of one seller on different days of 6 weeks:
    12 rate 4-5 of them, 8 only two (below the block's member share, 3 of 8); 4,000 shoppers
    review 60 products over two years (a tenth
    of them two products)."""
    rng = np.random.default_rng(seed)
    rows = _shoppers(rng, products_per_seller=8)
    pool = [f"PAID{i}" for i in range(20)]
    for index, member in enumerate(pool):
        size = 2 if index >= 12 else int(rng.integers(4, 6))
        chosen = rng.choice(8, size=size, replace=False).tolist()
        days = rng.choice(np.arange(0, 42, 8), size=size, replace=False).tolist()
        for product, day in zip(chosen, days, strict=True):
            rows.append((member, f"P{product}", "S0", 5, START + (300 + day) * DAY_MS))
    return _events(rows), set(pool), set(pool[12:])


def test_two_product_members_of_a_plain_campaign_are_admitted() -> None:
    events, pool, light = _campaign_market()
    unadmitted = find_groups(events, params=GroupParams(member_fdr=0))
    without = {r for g in unadmitted for r in g.reviewers}
    groups = find_groups(events)
    found = {r for g in groups for r in g.reviewers}
    assert found <= pool
    assert light - without, "the block rules alone should leave some two-product members out"
    assert found >= without and len(found & light) > len(without & light)
    group = groups[0]
    assert group.evidence["admitted_members"] == len(group.reviewers)
    # the recomputed score is the Poisson tail of the admitted block (scipy reference)
    expected = group.evidence["expected_reviews"]
    observed = group.evidence["observed_sessions"]
    reference = -stats.poisson.logsf(observed - 1, expected) / np.log(10)
    assert group.score == pytest.approx(min(reference, 1e6), rel=1e-3)


def test_focus_is_the_blocks_share_of_its_members_cells_in_its_weeks() -> None:
    """Two members with 3 block cells each; one also reviewed 9 other products that week and
    another one a month later (outside the block's windows): focus = 6 / (6 + 9)."""
    rows = [(u, f"P{i}", "S1", 5, START + i * DAY_MS) for u in ("A", "B") for i in range(3)]
    rows += [("A", f"Q{i}", f"T{i}", 4, START + (3 + i % 3) * DAY_MS) for i in range(9)]
    rows += [("B", "Q0", "T0", 4, START + 40 * DAY_MS)]
    events = _events(rows)
    tensor = review_tensor(events)
    judge = BlockJudge(tensor, events, GroupParams())
    block_products = np.flatnonzero(np.char.startswith(
        np.asarray(events.product_labels)[tensor.product_codes].astype(str), "P"
    ))  # fmt: skip
    block = np.flatnonzero(np.isin(tensor.product, block_products))
    members = np.unique(tensor.reviewer[block])
    assert tensor.window[block].max() == 0
    assert judge.focus(block, members, 0, 0) == pytest.approx(6 / 15)


def test_the_tested_weeks_widen_to_where_admitted_members_reviewed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A 12-week campaign (24 accounts, 3 of 6 products each on days 8+ apart) whose candidate
    covers its first 7 weeks: members admitted at the window's margin widen the tested weeks,
    so those who reviewed only later are tested and admitted too (planted truth: the pool;
    without the widening, MAX_PASSES = 1, they are not)."""
    from detector.groups import admission
    from detector.groups.blocks import Candidate

    rng = np.random.default_rng(4)
    rows = _shoppers(rng, products_per_seller=6)
    pool = [f"PAID{i}" for i in range(24)]
    for member in pool:
        chosen = rng.choice(6, size=3, replace=False).tolist()
        offset = int(rng.integers(0, 68))
        for product, step in zip(chosen, (0, 8, 16), strict=True):
            rows.append((member, f"P{product}", "S0", 5, START + (300 + offset + step) * DAY_MS))
    events = _events(rows)
    tensor = review_tensor(events)
    judge = BlockJudge(tensor, events, GroupParams())
    first = int((START + 300 * DAY_MS - tensor.origin_ms) // tensor.window_ms)
    names = np.asarray(events.reviewer_labels)[tensor.reviewer_codes].astype(str)
    products = np.asarray(events.product_labels)[tensor.product_codes]
    own = np.flatnonzero(np.isin(products, [f"P{i}" for i in range(6)]))
    candidate = Candidate(
        reviewers=np.flatnonzero(np.char.startswith(names, "PAID")),
        products=own, first_window=first, last_window=first + 6, source="test",
    )  # fmt: skip
    group = judge.judge(candidate)
    assert group is not None

    def window(moment: int) -> int:
        return int((moment - tensor.origin_ms) // tensor.window_ms)

    # first review past the candidate's weeks and the tested margin (window first + 7)
    late = {m for m in pool if min(window(t) for (u, *_, t) in rows if u == m) > first + 7}
    assert late, "the draw should hold members who reviewed only after the candidate's weeks"
    assert not late & set(group.reviewers)
    widened = admission.admit(judge, group, np.sort(own), 0.05)
    monkeypatch.setattr(admission, "MAX_PASSES", 1)
    narrow = admission.admit(judge, group, np.sort(own), 0.05)
    assert widened is not None and narrow is not None
    assert set(widened.reviewers) <= set(pool)
    assert late <= set(widened.reviewers)
    assert not late & set(narrow.reviewers)
