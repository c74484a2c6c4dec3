"""Seeds learned from the labels (``detector.groups.learned_seeds``), on planted ground truth: a
labelled pool's twin pool (another seller, other weeks, no shared account) is where the learned
seeds start, ahead of an honest look-alike pair that co-review counting ranks first; and with
the seed slots taken by a stronger campaign, the twin is found only with the labels."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from detector.groups import GroupParams, Label, find_groups, review_events, review_tensor
from detector.groups.blocks import BlockJudge
from detector.groups.learned_seeds import fit_logistic, learned_seeds
from detector.groups.seeds import seeds

DAY_MS = 86_400_000
START = 1_700_000_000_000
BLOCK = 7 * 12  # days of a seeding grid block
PER_SELLER = 10


def _pool(rows: list[tuple], rng: np.random.Generator, name: str, products: range, day: int,
          size: int) -> None:  # fmt: skip
    """``size`` accounts each rate every product 5 stars on its own day of six weeks."""
    for member in range(size):
        days = rng.choice(42, size=len(products), replace=False).tolist()
        for product, d in zip(products, days, strict=True):
            rows.append((f"{name}{member}", product, 5, START + (day + d) * DAY_MS))


def _market() -> list[tuple]:
    """2,000 honest shoppers (1–4 reviews of 300 products over two years); 100 busy honest
    co-reviewers of two popular products (P0, P1) in different weeks of one block, with any
    stars and 8 other reviews each; a strong campaign C (25 accounts, P20–P23); a labelled
    pool A (12 accounts, P40–P42) and its twin B (12 accounts, P60–P62, later weeks)."""
    rng = np.random.default_rng(5)
    rows: list[tuple] = []
    for shopper in range(2000):
        for _ in range(int(rng.integers(1, 5))):
            product = int(rng.integers(100, 400))
            rows.append((f"H{shopper}", product, int(rng.integers(3, 6)),
                         START + int(rng.integers(0, 700)) * DAY_MS))  # fmt: skip
    for fan in range(100):
        first, second = rng.choice(BLOCK // 7, size=2, replace=False).tolist()
        for product, week in ((0, first), (1, second)):
            rows.append((f"F{fan}", product, int(rng.integers(1, 6)),
                         START + (2 * BLOCK + 7 * week) * DAY_MS))  # fmt: skip
        for product in rng.choice(300, size=8, replace=False).tolist():
            rows.append((f"F{fan}", 100 + product, int(rng.integers(3, 6)),
                         START + int(rng.integers(0, 700)) * DAY_MS))  # fmt: skip
    _pool(rows, rng, "C", range(20, 24), 3 * BLOCK + 5, 25)
    _pool(rows, rng, "A", range(40, 43), 4 * BLOCK + 5, 12)
    _pool(rows, rng, "B", range(60, 63), 6 * BLOCK + 5, 12)
    return rows


def _events(rows: list[tuple]):  # type: ignore[no-untyped-def]
    reviewer, product, rating, moment = zip(*rows, strict=True)
    return review_events(
        reviewer_id=list(reviewer), product_id=[f"P{p}" for p in product],
        seller_id=[f"S{p // PER_SELLER}" for p in product], rating=list(rating),
        timestamp_ms=list(moment),
    )  # fmt: skip


@pytest.fixture(scope="module")
def market():  # type: ignore[no-untyped-def]
    events = _events(_market())
    tensor = review_tensor(events)
    names = np.asarray(events.reviewer_labels)[tensor.reviewer_codes].astype(str)
    return events, tensor, names


def _labels(names: np.ndarray) -> list[Label]:
    return [Label("reviewer", n, "paid_reviews", True) for n in names if n.startswith("A")]


def test_the_twin_pool_is_learned_first_where_counting_ranks_the_fans_first(market) -> None:  # type: ignore[no-untyped-def]
    events, tensor, names = market
    # co-review counting alone: the busy honest co-reviewers' pair outranks the twin pool
    by_count = [{names[r][0] for r in s.reviewers} for s in seeds(tensor, 10)]
    assert by_count.index({"F"}) < next(i for i, k in enumerate(by_count) if "B" in k)
    confirmed = np.flatnonzero(np.char.startswith(names, "A"))
    activity = BlockJudge(tensor, events, GroupParams()).activity
    top = learned_seeds(tensor, confirmed, activity, limit=2)
    products = [{int(tensor.product_codes[p]) for p in s.products} for s in top]
    labels = np.asarray(events.product_labels)
    assert {labels[p] for p in products[0]} in ({"P60", "P61", "P62"}, {"P20", "P21", "P22", "P23"})
    found = [{names[r][0] for r in s.reviewers} for s in top]
    assert {"B"} in found and {"F"} not in found  # both paid pools, not the fans
    assert not any("A" in kinds for kinds in found)  # the confirmed pool has its label seeds
    assert learned_seeds(tensor, np.zeros(0, dtype=np.int64), activity) == []


def test_the_twin_pool_is_found_only_with_the_labels(market) -> None:  # type: ignore[no-untyped-def]
    events, _, names = market
    params = GroupParams(rank=1, extra_seeds=0)  # one seed slot: campaign C's

    def recall(labels: list[Label]) -> float:
        found = {r for g in find_groups(events, labels, params=params) for r in g.reviewers}
        return len({r for r in found if r.startswith("B")}) / 12

    without = find_groups(events, [], params=params)
    assert any({r[0] for r in g.reviewers} == {"C"} for g in without)
    assert recall([]) == 0.0
    assert recall(_labels(names)) >= 0.9
    honest = {r for g in find_groups(events, _labels(names), params=params) for r in g.reviewers}
    assert not {r for r in honest if r[0] in "HF"}
    # switched off, the labels reach the confirmed pool only
    off = GroupParams(rank=1, extra_seeds=0, learned_seeds=False)
    found = {r for g in find_groups(events, _labels(names), params=off) for r in g.reviewers}
    assert not {r for r in found if r.startswith("B")}


def test_fit_logistic_matches_sklearn() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 5)) * [1.0, 3.0, 0.5, 2.0, 1.0] + [0.0, 5.0, -1.0, 0.0, 2.0]
    y = (x @ [1.0, -0.5, 2.0, 0.0, 0.3] + rng.normal(size=400)) > -2.5
    fit = fit_logistic(x, y, l2=1.0)
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    reference = LogisticRegression(C=1.0, class_weight="balanced", tol=1e-10, max_iter=10_000)
    reference.fit(z, y)
    np.testing.assert_allclose(fit.weights, reference.coef_[0], atol=1e-4)
    np.testing.assert_allclose(fit.intercept, reference.intercept_[0], atol=1e-4)
    np.testing.assert_allclose(fit.probability(x), reference.predict_proba(z)[:, 1], atol=1e-5)


def test_a_learned_group_is_kept_only_for_members_no_group_holds() -> None:
    from detector.groups import Group, _with_learned

    def group(members: range, score: float) -> Group:
        return Group(tuple(f"R{i}" for i in members), ("P1", "P2"), ("S1",), 0, 1, 5.0, score)

    found = [group(range(0, 10), 50.0)]
    around = group(range(0, 14), 80.0)  # 4 new members: honest co-reviewers of a found one
    missed = group(range(20, 26), 30.0)  # 6 new members: a campaign the search missed
    kept = _with_learned(found, [around, missed], GroupParams())
    assert kept == [found[0], missed]
