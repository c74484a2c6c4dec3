"""Scale of the group fit (issue 17: 10⁷ review events in under 60 s here).

    python benchmarks/bench_groups.py [--honest 4000000]

Draws a planted marketplace (``detector.simulate.groups``; the honest reviewers' count sets the
size: ~2.5 reviews each), codes it as ``ReviewEvents.from_codes`` and times each stage of
``find_groups``: the tensor, the seeds, the Logistic CP, judging. Printed beside the greedy
dense-block peel on the same tensor. One machine, numpy + numba, single-threaded; the machine is
shared, so read the figures as ratios. Quality at this scale is printed too (member recall).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from detector.groups import GroupParams, ReviewEvents, review_tensor
from detector.groups.blocks import BlockJudge
from detector.groups.dense_block import dense_block_candidates
from detector.groups.logistic_cp import candidates_from_fit, logistic_cp
from detector.groups.seeds import seeds
from detector.simulate.groups import GroupScenario, simulate_groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--honest", type=int, default=4_000_000)
    parser.add_argument("--skip-dense-block", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    market = simulate_groups(GroupScenario(sellers=20_000, honest_reviewers=args.honest), seed=9)
    print(f"simulated {market.n_reviews:,} reviews in {time.perf_counter() - start:.1f} s")
    codes = {}
    for name in ("reviewer_id", "product_id", "seller_id"):
        _, codes[name] = np.unique(getattr(market, name), return_inverse=True)
    events = ReviewEvents.from_codes(
        reviewer=codes["reviewer_id"], product=codes["product_id"], seller=codes["seller_id"],
        rating=market.rating, timestamp_ms=market.timestamp_ms,
    )  # fmt: skip
    params = GroupParams()
    timings = {}
    clock = time.perf_counter()
    tensor = review_tensor(events)
    timings["tensor"] = time.perf_counter() - clock
    clock = time.perf_counter()
    starts = seeds(tensor, params.rank)
    timings["seeds"] = time.perf_counter() - clock
    clock = time.perf_counter()
    fit = logistic_cp(tensor, rank=params.rank, iterations=params.iterations, starts=starts)
    timings["logistic CP"] = time.perf_counter() - clock
    clock = time.perf_counter()
    judge = BlockJudge(tensor, events, params)
    groups = [g for c in candidates_from_fit(fit) if (g := judge.judge(c)) is not None]
    timings["judge"] = time.perf_counter() - clock
    total = sum(timings.values())
    print(f"tensor: {tensor.nnz:,} cells of shape {tensor.shape}")
    for stage, seconds in timings.items():
        print(f"  {stage:<12} {seconds:7.1f} s")
    print(f"find_groups (logistic_cp) total {total:.1f} s for {market.n_reviews:,} reviews "
          f"(goal: 10^7 under 60 s)")  # fmt: skip
    labels = np.unique(market.reviewer_id)
    found = {str(labels[events.reviewer[r]]) for g in groups for r in g.review_rows}
    members = market.truth.members()
    hits = len(found & members)
    print(f"groups {len(groups)}, member recall {hits / len(members):.3f}, "
          f"precision {hits / max(1, len(found)):.3f}")  # fmt: skip
    if not args.skip_dense_block:
        clock = time.perf_counter()
        dense_block_candidates(tensor, params.blocks)
        print(f"dense-block peel ({params.blocks} blocks) {time.perf_counter() - clock:.1f} s")


if __name__ == "__main__":
    main()
