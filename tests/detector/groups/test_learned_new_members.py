"""Groups the labels proposed must hold new members that are dense on their own
(``detector.groups._new_members_dense``), on planted ground truth: a block of a campaign already
found widened by honest co-reviewers of its popular products is dropped, a twin pool the search
missed is kept; the score the rule reads is checked against the Poisson tail written out."""

import numpy as np
import pytest
from scipy import stats

from detector.groups import (
    GroupParams,
    _label_groups_on_own_evidence,
    _new_members_dense,
    _with_learned,
    review_events,
    review_tensor,
)
from detector.groups.blocks import BlockJudge, Candidate

DAY_MS = 86_400_000
START = 1_700_000_000_000
CAMPAIGN_DAY = 300  # campaign C's six weeks start here
TWIN_DAY = 500  # twin pool B's
PER_SELLER = 10


def _market() -> list[tuple[str, int, int, int]]:
    """2,000 honest shoppers (1–4 reviews of P100–P399 over two years); 600 one-off buyers of
    C's four popular products P20–P23 in its weeks (4–5 stars); 8 honest co-reviewers ("N")
    who rated two of them 5 stars two weeks apart in those weeks, with 6 other reviews each;
    campaign C (25 accounts, every product of P20–P23, 5 stars, each on its own day of six
    weeks) and a twin pool B (12 accounts, P60–P62, later)."""
    rng = np.random.default_rng(11)
    rows: list[tuple[str, int, int, int]] = []
    for shopper in range(2000):
        for _ in range(int(rng.integers(1, 5))):
            rows.append((f"H{shopper}", int(rng.integers(100, 400)), int(rng.integers(3, 6)),
                         START + int(rng.integers(0, 700)) * DAY_MS))  # fmt: skip
    for buyer in range(600):
        rows.append((f"O{buyer}", 20 + buyer % 4, int(rng.integers(4, 6)),
                     START + (CAMPAIGN_DAY + int(rng.integers(0, 42))) * DAY_MS))  # fmt: skip
    for fan in range(8):
        a, b = rng.choice(4, size=2, replace=False).tolist()
        day = CAMPAIGN_DAY + int(rng.integers(0, 20))
        rows.append((f"N{fan}", 20 + a, 5, START + day * DAY_MS))
        rows.append((f"N{fan}", 20 + b, 5, START + (day + 14) * DAY_MS))
        for product in rng.choice(300, size=6, replace=False).tolist():
            rows.append((f"N{fan}", 100 + product, int(rng.integers(3, 6)),
                         START + int(rng.integers(0, 700)) * DAY_MS))  # fmt: skip
    for name, products, day, size in (("C", range(20, 24), CAMPAIGN_DAY, 25),
                                      ("B", range(60, 63), TWIN_DAY, 12)):  # fmt: skip
        for member in range(size):
            days = rng.choice(42, size=len(products), replace=False).tolist()
            for product, d in zip(products, days, strict=True):
                rows.append((f"{name}{member}", product, 5, START + (day + d) * DAY_MS))
    return rows


@pytest.fixture(scope="module")
def market():  # type: ignore[no-untyped-def]
    rows = _market()
    reviewer, product, rating, moment = zip(*rows, strict=True)
    events = review_events(
        reviewer_id=list(reviewer), product_id=[f"P{p}" for p in product],
        seller_id=[f"S{p // PER_SELLER}" for p in product], rating=list(rating),
        timestamp_ms=list(moment),
    )  # fmt: skip
    tensor = review_tensor(events)
    judge = BlockJudge(tensor, events, GroupParams())
    names = np.asarray(events.reviewer_labels)[tensor.reviewer_codes].astype(str)
    product_names = np.asarray(events.product_labels)[tensor.product_codes].astype(str)

    def group(kinds: str, products: list[int], day: int, source: str):  # type: ignore[no-untyped-def]
        first = (START + day * DAY_MS - tensor.origin_ms) // tensor.window_ms
        candidate = Candidate(
            reviewers=np.flatnonzero(np.isin(np.array([n[0] for n in names]), list(kinds))),
            products=np.flatnonzero(np.isin(product_names, [f"P{p}" for p in products])),
            first_window=int(first), last_window=int(first) + 6, source=source,
        )  # fmt: skip
        found = judge.judge(candidate)
        assert found is not None
        return found

    campaign = group("C", [20, 21, 22, 23], CAMPAIGN_DAY, "logistic_cp:0")
    around = group("CN", [20, 21, 22, 23], CAMPAIGN_DAY, "learned:0")
    twin = group("B", [60, 61, 62], TWIN_DAY, "learned:1")
    return events, judge, campaign, around, twin


def test_the_block_around_a_found_campaign_gains_only_honest_members(market) -> None:  # type: ignore[no-untyped-def]
    _, _, campaign, around, twin = market
    assert {r[0] for r in campaign.reviewers} == {"C"} and len(campaign.reviewers) == 25
    new = set(around.reviewers) - set(campaign.reviewers)
    assert len(new) >= 5 and {r[0] for r in new} == {"N"}  # planted honest co-reviewers
    assert around.score > 25.0  # the campaign's own strength carries the block
    assert {r[0] for r in twin.reviewers} == {"B"}


def test_new_members_score_is_their_poisson_tail(market) -> None:  # type: ignore[no-untyped-def]
    events, judge, campaign, around, _ = market
    # written out: S = Σ d_u / D over the new members, λ = S · (reviews of the group's
    # products at 4–5 stars in its weeks), c = their sessions (two weeks apart: two each)
    rows = np.asarray(around.review_rows)
    names = np.asarray(events.reviewer_labels)[events.reviewer[rows]]
    new = sorted(set(names) - set(campaign.reviewers))
    activity = {n: 0 for n in new}
    for code in events.reviewer.tolist():
        label = events.reviewer_labels[code]
        if label in activity:
            activity[label] += 1
    share = sum(activity.values()) / events.n_reviews
    expected = share * float(around.evidence["product_reviews_in_window"])
    observed = 2 * len(new)
    reference = -stats.poisson.logsf(observed - 1, expected) / np.log(10.0)
    score = judge.score_without(around, frozenset(campaign.reviewers))
    assert score == pytest.approx(reference, rel=1e-9)
    params = GroupParams()
    assert reference < params.learned_new_score
    assert not _new_members_dense(judge, around, frozenset(campaign.reviewers), params)


def test_a_learned_group_is_kept_for_a_missed_pool_not_for_honest_neighbours(market) -> None:  # type: ignore[no-untyped-def]
    _, judge, campaign, around, twin = market
    params = GroupParams()

    def dense(group, held):  # type: ignore[no-untyped-def]
        return _new_members_dense(judge, group, held, params)

    kept = _with_learned([campaign], [around, twin], params, dense)
    assert {g.evidence["source"] for g in kept} == {"logistic_cp:0", "learned:1"}
    # without the test of the new members alone, the honest neighbours' block was kept
    before = _with_learned([campaign], [around, twin], params)
    assert len(before) == 3


def test_a_label_group_stays_when_it_holds_confirmed_accounts_no_other_group_holds(market) -> None:  # type: ignore[no-untyped-def]
    _, judge, campaign, around, twin = market
    params = GroupParams()
    labelled = type(around)(**{**around.__dict__, "evidence": {**around.evidence,
                                                               "source": "label:0"}})  # fmt: skip
    confirmed = frozenset(campaign.reviewers[:10])
    # the campaign's accounts are in another group as well: only honest members are new
    out = _label_groups_on_own_evidence(judge, [campaign, labelled, twin], confirmed, params)
    assert out == [campaign, twin]
    # alone, the label seed's block is the confirmed pool's own group and stays
    out = _label_groups_on_own_evidence(judge, [labelled, twin], confirmed, params)
    assert out == [labelled, twin]
    # unsupervised-looking sources are never tested
    assert _label_groups_on_own_evidence(judge, [campaign, around], confirmed, params) == [
        campaign, around,
    ]  # fmt: skip
