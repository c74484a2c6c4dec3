"""Issue 17's goals on planted campaigns: ``python benchmarks/eval_groups.py [--seeds 2 3]``.

For every seed, ``detector.simulate.groups`` draws a marketplace (campaigns mixed among honest
reviewers and look-alikes: brand fans, multi-item orders, deal hunters) and each method is scored
against its ground truth:

- member recall and precision (reviewers put in a group vs campaign members);
- honest reviewers put in any group (share of all non-members; by look-alike kind);
- products judged suspicious or worse: a product is, when a group covers its reviews —
  attacked products found (goal ≥ 90 %), products not attacked (goal ≤ 5 %).

Methods on the same data: ``find_groups`` with the Logistic CP (the default), the same with zero
iterations (its seeds alone — what the decomposition adds), the greedy dense-block peel
(D-Cube/M-Zoom), and FRAUDAR (``rgmining-fraudar``, the ``bench`` extra) with one block per
campaign (its reviewers; products: those two or more flagged reviewers reviewed).

Labels: the members and sellers of 10 % of the campaigns become ``Label(..., abusive=True)``;
recall (and precision) is measured on the members of the other 90 % (labelled accounts left
out), unsupervised and semi-supervised, side by side, for ``--label-draws`` draws per seed, and
apart on the members of the campaigns linked to the labelled ones (sharing accounts or sellers):
label seeds (and the lifted floor of ``detector.groups._judged``, off by default) reach only
those; the learned seeds (``detector.groups.learned_seeds``: the pairs most like the confirmed
pools', by a logistic regression) reach the others.
Seed coverage: for each campaign, the rank of the first co-review seed holding three of its
members (a component of the decomposition starts only on a seed; rank ``GroupParams().rank``).

``--generator indep`` runs the same on ``benchmarks/independent_groups_sim.py`` (written apart,
from the issue's text; never used to choose anything here). Seeds 1 and 2 of the own generator
were used while choosing the defaults (seed 2 for this session's judge and label changes);
seed 3 and the independent generator were not — until ``extra_seeds`` (224), swept on the
independent generator's seeds 1–3. The block judge's member-day count and its off-level-member
rule were checked on seeds 4 and 5 of both generators (not 1–3) before being kept. The session
score on one side of the scale and the floor 25 were chosen on the honest-majority blocks of
seeds 1–3 of both generators (judged 1–6 of both); admission's widening of the tested weeks
(``admission.CONTINUED``) on the independent generator's seeds 6 and 8. The seeds' focus bar
(``seeds.MIN_SEED_FOCUS``), the judge's two-session rule and the choice of the plain pair null
on bench_groups' 10⁷ draws 3 and 9 and seeds 1–3 of both generators. ``learned_new_score``
(a learned or label seed's group kept only when its new members score 10 on their own) on the
3 random label draws of seeds 1–3 of both generators. Seeds never used to
choose anything: independent 7 and 9, own 7 and 8.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.groups import (
    GroupParams,
    Label,
    ReviewEvents,
    find_groups,
    review_events,
    review_tensor,
)
from detector.groups.seeds import seeds
from detector.simulate.groups import GroupMarket, simulate_groups


@dataclass
class Found:
    reviewers: set[str]
    products: set[str]
    seconds: float


def run_groups(events: ReviewEvents, params: GroupParams, labels: list[Label]) -> Found:
    start = time.perf_counter()
    groups = find_groups(events, labels, params=params)
    seconds = time.perf_counter() - start
    reviewers = {r for g in groups for r in g.reviewers}
    products = {p for g in groups for p in g.products}
    return Found(reviewers, products, seconds)


def run_fraudar(market: GroupMarket, blocks: int) -> Found:
    import fraudar

    start = time.perf_counter()
    graph = fraudar.ReviewGraph(blocks=blocks)
    reviewers = {name: graph.new_reviewer(name) for name in np.unique(market.reviewer_id)}
    products = {name: graph.new_product(name) for name in np.unique(market.product_id)}
    for user, product, rating in zip(
        market.reviewer_id.tolist(), market.product_id.tolist(), market.rating.tolist(),
        strict=True,
    ):  # fmt: skip
        graph.add_review(reviewers[user], products[product], rating / 5.0)
    with contextlib.redirect_stdout(io.StringIO()):  # the package prints its progress
        graph.update()
    flagged = {name for name, node in reviewers.items() if node.anomalous_score > 0}
    seconds = time.perf_counter() - start
    mask = np.isin(market.reviewer_id, list(flagged))
    names, counts = np.unique(market.product_id[mask], return_counts=True)
    return Found(flagged, set(names[counts >= 2].tolist()), seconds)


def scores(market: GroupMarket, found: Found) -> dict[str, float]:
    truth = market.truth
    members = truth.members()
    everyone = set(np.unique(market.reviewer_id).tolist())
    honest = everyone - members
    attacked = truth.attacked_products()
    products = set(np.unique(market.product_id).tolist())
    hits = len(found.reviewers & members)
    return {
        "recall": hits / len(members),
        "precision": hits / len(found.reviewers) if found.reviewers else float("nan"),
        "honest_in_groups": len(found.reviewers & honest) / len(honest),
        "attacked_found": len(found.products & attacked) / len(attacked),
        "unattacked_flagged": len(found.products - attacked) / len(products - attacked),
        "seconds": found.seconds,
    }


def label_experiment(
    market: GroupMarket, events: ReviewEvents, rng: np.random.Generator
) -> tuple[float, float, int]:
    """(recall on the other 90 % unsupervised, semi-supervised, labels given)."""
    unsupervised = run_groups(events, GroupParams(), [])
    draw = label_draw(market, events, rng, unsupervised)
    return draw["unsupervised_recall"], draw["supervised_recall"], int(draw["labels"])


def sharing_campaigns(market: GroupMarket) -> list[int]:
    """Campaigns that share an account or a seller with another campaign."""
    campaigns = market.truth.campaigns
    return [
        i
        for i, c in enumerate(campaigns)
        if any(
            j != i and (set(c.members) & set(d.members) or set(c.sellers) & set(d.sellers))
            for j, d in enumerate(campaigns)
        )
    ]


def label_draw(
    market: GroupMarket,
    events: ReviewEvents,
    rng: np.random.Generator,
    unsupervised: Found,
    among: list[int] | None = None,
) -> dict[str, float]:
    """Label the members and sellers of 10 % of the campaigns (drawn by ``rng``, from ``among``
    when given) and score both fits on the other campaigns' members (labelled accounts left
    out): recall, and precision among the reviewers put in groups outside the labelled
    accounts."""
    campaigns = market.truth.campaigns
    pool = list(range(len(campaigns))) if among is None else among
    size = min(len(pool), max(1, round(0.1 * len(campaigns))))
    chosen = set(np.asarray(pool)[rng.choice(len(pool), size=size, replace=False)].tolist())
    labelled = {m for i in chosen for m in campaigns[i].members}
    labels = [Label("reviewer", m, "paid_reviews", True) for m in sorted(labelled)]
    labels += [
        Label("seller", s, "paid_reviews", True)
        for s in sorted({s for i in chosen for s in campaigns[i].sellers})
    ]
    others = {m for i, c in enumerate(campaigns) if i not in chosen for m in c.members} - labelled
    sellers = {s for i in chosen for s in campaigns[i].sellers}
    linked = {
        m
        for i, c in enumerate(campaigns)
        if i not in chosen and (set(c.members) & labelled or set(c.sellers) & sellers)
        for m in c.members
    } - labelled
    members = market.truth.members()
    out: dict[str, float] = {
        "labels": len(labels), "campaigns": float(len(chosen)), "linked_members": len(linked),
    }  # fmt: skip
    supervised = run_groups(events, GroupParams(), labels)
    for name, found in (("unsupervised", unsupervised), ("supervised", supervised)):
        flagged = found.reviewers - labelled
        out[f"{name}_recall"] = len(flagged & others) / len(others)
        out[f"{name}_precision"] = len(flagged & members) / len(flagged) if flagged else np.nan
        out[f"{name}_linked_recall"] = len(flagged & linked) / len(linked) if linked else np.nan
    return out


def seed_coverage(market: GroupMarket, events: ReviewEvents) -> tuple[int, int, list[int]]:
    """How many campaigns have a co-review seed among the first ``rank`` (a seed holding three
    or more of the campaign's members on its products), how many among all seeds, and the rank
    of each campaign's best seed (-1: none) — why the decomposition cannot add a campaign its
    seeds miss (a component starts only on a seed)."""
    tensor = review_tensor(events)
    found = seeds(tensor, 100_000)
    names = np.asarray(events.reviewer_labels)[tensor.reviewer_codes]
    products = np.asarray(events.product_labels)[tensor.product_codes]
    best = []
    for campaign in market.truth.campaigns:
        members, targets = set(campaign.members), set(campaign.products)
        rank = -1
        for index, seed in enumerate(found):
            hits = {str(names[r]) for r in seed.reviewers} & members
            if len(hits) >= 3 and {str(products[p]) for p in seed.products} & targets:
                rank = index
                break
        best.append(rank)
    limit = GroupParams().rank
    return sum(0 <= r < limit for r in best), sum(r >= 0 for r in best), best


def load(generator: str, seed: int) -> GroupMarket:
    if generator == "indep":  # H6's generator, written from the issue's text alone
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from independent_groups_sim import simulate

        return simulate(seed=seed)  # type: ignore[no-any-return]
    return simulate_groups(seed=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--generator", choices=["own", "indep"], default="own")
    parser.add_argument("--label-draws", type=int, default=3)
    parser.add_argument("--no-fraudar", action="store_true")
    args = parser.parse_args()
    methods: dict[str, Callable[[GroupMarket, ReviewEvents], Found]] = {
        "logistic_cp (full)": lambda m, e: run_groups(e, GroupParams(), []),
        "seeds only (no CP, no refine)": lambda m, e: run_groups(
            e, GroupParams(iterations=0, refine=False), []
        ),
        "CP without refine": lambda m, e: run_groups(e, GroupParams(refine=False), []),
        "seeds + refine (no CP)": lambda m, e: run_groups(e, GroupParams(iterations=0), []),
        "dense_block (D-Cube peel)": lambda m, e: run_groups(
            e, GroupParams(method="dense_block"), []
        ),
    }
    if not args.no_fraudar and importlib.util.find_spec("fraudar") is None:
        print("FRAUDAR left out: rgmining-fraudar is not installed (the bench extra)")
    elif not args.no_fraudar:
        methods["FRAUDAR (rgmining-fraudar)"] = lambda m, e: run_fraudar(m, len(m.truth.campaigns))
    header = (
        f"{'seed':>4} {'method':<28} {'recall':>7} {'prec.':>7} {'honest':>8} "
        f"{'att.found':>9} {'unatt.':>7} {'s':>7}"
    )
    print(f"generator: {args.generator}")
    print(header)
    for seed in args.seeds:
        market = load(args.generator, seed)
        events = review_events(
            reviewer_id=market.reviewer_id, product_id=market.product_id,
            seller_id=market.seller_id, rating=market.rating, timestamp_ms=market.timestamp_ms,
        )  # fmt: skip
        print(
            f"# seed {seed}: {market.n_reviews:,} reviews, {len(market.truth.campaigns)} "
            f"campaigns, {len(market.truth.members())} members"
        )
        full: Found | None = None
        for name, method in methods.items():
            found = method(market, events)
            full = found if full is None else full
            s = scores(market, found)
            print(
                f"{seed:>4} {name:<28} {s['recall']:>7.3f} {s['precision']:>7.3f} "
                f"{s['honest_in_groups']:>8.4f} {s['attacked_found']:>9.3f} "
                f"{s['unattacked_flagged']:>7.4f} {s['seconds']:>7.1f}"
            )
        top, anywhere, ranks = seed_coverage(market, events)
        print(
            f"{seed:>4} co-review seeds: {top} of {len(ranks)} campaigns have a seed among the "
            f"first {GroupParams().rank}, {anywhere} among all; best seed rank per campaign {ranks}"
        )
        assert full is not None
        rng = np.random.default_rng(seed)
        sharing = sharing_campaigns(market)
        draws: list[tuple[str, list[int] | None]] = [("", None)] * args.label_draws
        if sharing:  # one more draw among the campaigns that share accounts or sellers
            draws.append((" among linked campaigns", sharing))
        for draw, (kind, among) in enumerate(draws):
            d = label_draw(market, events, rng, full, among)
            print(
                f"{seed:>4} labels draw {draw + 1}{kind} ({int(d['campaigns'])} campaigns, "
                f"{int(d['labels'])} labels): other campaigns' members: recall unsupervised "
                f"{d['unsupervised_recall']:.3f} -> semi-supervised {d['supervised_recall']:.3f}; "
                f"precision {d['unsupervised_precision']:.3f} -> {d['supervised_precision']:.3f}; "
                f"members of campaigns sharing accounts or sellers with the labelled ones "
                f"({int(d['linked_members'])}): recall {d['unsupervised_linked_recall']:.3f} -> "
                f"{d['supervised_linked_recall']:.3f}"
            )
    print(
        "goals: recall >= 0.90 at precision >= 0.90; honest <= 0.01; attacked found >= 0.90; "
        "unattacked <= 0.05; labels raise recall on the other campaigns"
    )


if __name__ == "__main__":
    main()
