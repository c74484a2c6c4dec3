"""Scale of the group fit (issue 17: 10⁷ review events in under 60 s here).

    python benchmarks/bench_groups.py [--events 1000000 10000000] [--campaigns 40] [--seed 9]

Each size runs in its own child process (so its peak memory is its own): a planted marketplace
drawn by ``market`` below — numpy only, no per-review Python — as integer codes
(``ReviewEvents.from_codes``), then each stage of ``find_groups`` (default ``GroupParams``, no
labels) timed: the tensor, the co-review seeds (``rank + extra_seeds``), the Logistic CP, the
tail (the neighbourhoods of the seeds past the rank), refine (every candidate's rank-1 slice)
and judging (``_judged``: every candidate, the bar, overlaps) — the groups ``find_groups``
returns, whose members recall and precision are measured on. Printed: events, tensor cells,
stage seconds, the fit's total, the child's peak RSS, member recall/precision against the
planted campaigns, and the greedy dense-block peel on the same tensor. One machine, numpy +
numba, single-threaded; the machine is shared, so read the figures as ratios.

``--tree PATH`` imports ``detector`` from another checkout in the children (a baseline
worktree: PYTHONPATH comes before the editable install's finder). Under each row: the fit's
system CPU, page faults, preemptions (involuntary context switches: runnable, not running),
waits (voluntary ones: I/O, locks), the load average before and after, and a digest of the
groups' ``to_dict`` (equal digests: the same groups, bit for bit).

Measured at 1e0af81 against ae0b908 (same markets, one after the other; wall = CPU when the
machine is quiet), fit s wall (CPU): 10⁷ draw 9, load 1.1: 23.6 (23.6) -> 20.7 (20.7), CP
10.0 -> 7.2, tensor 3.3 -> 2.6 (noise: unchanged code), peak 2,720 MiB both; draw 3, load
1.3–1.7: 26.9 (26.9) -> 24.9 (23.9), CP 12.1 -> 8.7 (9.3 wall); the same groups (digests
344c55bc3b6a, 72c8d9ba5434), recall/precision 0.969/0.997 and 0.908/0.996 both. 10⁶ draw 3:
CP 10.3 -> 6.0 s CPU (digests equal at draws 9 and 3). **Wall against CPU**: at load 6.2 the
same 10⁷ draw-9 fit of ae0b908 took 90.1 s wall for 39.1 s CPU, 11,309 preemptions and 14
waits (no I/O: 2 major faults over the run), so the excess is other processes' load; CPU
itself grows under load too (seeds 15.9 against 7.7 s: the two cores share the caches). The
market's generation is not in "fit s". System CPU is 3–6 s of a 10⁷ fit, ~450,000 page faults:
memory this VM has not touched costs ~1.5 s of system CPU per GB at first touch, reused memory
~0.13 s per GB; with glibc keeping freed memory (``MALLOC_MMAP_MAX_=0
MALLOC_TRIM_THRESHOLD_=100000000000``) the draw-9 fit took 126,331 faults and 2.4 s system CPU
(at load 6.7) instead of 477,165 and 4.1 s — a process setting, not the library's.

Measured before (load ~2–4 on the 2 cores, CPU s in brackets; market draws 9,
the default, and 3): 10⁷ draw 9 57.5 s (33.7: tensor 5.9, seeds 10.7, CP 13.0, tail 0.4,
refine 3.3, judge 0.4), 2,726 MiB, member recall/precision 0.969/0.997; draw 3 57.0 s (37.7),
0.908/0.996. find_groups on the same markets: 3·10⁶ draw 9 0.979/0.998, draw 3 0.977/0.995;
10⁶ draw 9 0.983/0.987, draw 3 0.938/0.985. Before (e4d7c12, same runs and markets): 10⁷
0.947/0.997 (37.2 s CPU) and 0.788/0.998 (37.6); 3·10⁶ 0.949/0.998, 0.934/0.995; 10⁶
0.981/0.984, 0.922/0.985. What changed: at 10⁷ deal hunters' seeds (a few products of two
sales, 100–150 hunters each) took 298 of the 320 seed slots of draw 3 and 23 of its 39
campaigns had a seed; seeds now need a focus (``seeds.MIN_SEED_FOCUS``): 34 of 39 (draw 9: 31
-> 36 of 40). The slots the hunters left went partly to multi-item order buyers of popular
small sellers, whose blocks (one session per buyer) scored 27.9–36.3, over the floor: the
judge now needs ``min_reviewers`` members with two or more sessions (``blocks`` step 4).
9202387 also summed the pairs' null over classes of rows by size (a sale's products meet
busy rows): 10⁷ 0.980/0.997 and 0.904/0.994, 3·10⁶ 0.998/0.995 and 0.997/0.989, but eval_groups'
own s1 0.972 -> 0.938 recall (a 2-product campaign's seed merged 11 products), so it was dropped.

Measured at 1faaa8c (load ~4.5 on the 2 cores, so CPU s in brackets), wall s: 10⁶ 9.3 (9.1),
3·10⁶ 12.7 (12.1), 10⁷ 47.6 (31.3: tensor 3.9, seeds 7.6, CP 13.8, tail 0.5, refine 3.0, judge
2.4), 3,016 MiB peak; member recall/precision 0.981/0.984, 0.954/0.998, 0.947/0.997. Before
(bc8c374, seeds by scipy's XᵀX − YᵀY and a Python merge, a quarter pair per product): 10⁷
50.6 s wall (tensor 6.8, seeds 20.2, CP 15.8, tail 0.7, refine 6.0, judge 1.1); recall/precision
at 10⁶, 3·10⁶, 10⁷ 0.952/0.985, 0.931/0.996, 0.859/0.996 — the misses at 10⁷ were campaigns
with no pair within the pair budget, which the compiled seeds (``seed_kernel``) now afford at
one pair per product.

Measured at 9db8f36 (load ~1, one other helper's jobs; h3's faster CP in the tree), wall s:
10⁶ 14.0, 3·10⁶ 16.4, 10⁷ 51.8 (tensor 5.6, seeds 19.3, CP 15.2, tail 3.7, refine 6.1, judge
1.9), 3,237 MiB peak; member recall/precision 0.952/0.985, 0.931/0.578, 0.766/0.158. Before
(4ad5361): 10⁶ 25.2 s, 3·10⁶ 36.9 s, 10⁷ 63.1 s / 4,756 MiB; recall/precision 0.936/0.577,
0.765/0.188, 0.061/0.008 — seeds then counted same-week co-reviews (orders, sale weeks), which
at 10⁷ filled every seed slot (1 of 40 campaigns had a seed among the first 320; now 21), and
the judge's null did not know sale-week bursts (``BlockJudge.bursts``). At 3568fff the judge
also needs ``min_focus`` (the block's share of its members' cells in its weeks): blocks of deal
hunters on 3–4 sale products of 3 sellers (focus 0.11–0.16) had kept precision at 0.578 (3·10⁶)
and 0.158 (10⁷); with it 0.996 and 1.000 at the same recall (10⁷: 65.9 s wall / 52.2 s CPU
while other helpers' test suites ran, refine 16.2 s wall for 6.5 s CPU).

The market has the parts of ``detector.simulate.groups`` (whose per-account loops take minutes at
this size): sellers with 1 + Pareto products, log-normal popularity, a J-shaped star mix per
product; honest accounts with Zipf(2.1) activity (capped at 300) at uniform moments; brand fans
(4–10 products of one brand over the whole timeline, warmer stars); multi-item orders (2–4
products of one seller within a week); deal hunters (5–15 products of a 4-weekly sale within its
week); campaigns of 8–40 accounts of shared pools rating 40–90 % of 3–10 popular products of 1–3
sellers, 5 stars, on different days of a 3–12 week window, with camouflage ratings elsewhere.
Products drawn with replacement collapse into one tensor cell, as duplicate reviews do.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detector.groups import GroupParams, ReviewEvents, _judged, review_tensor
from detector.groups.blocks import BlockJudge
from detector.groups.dense_block import dense_block_candidates
from detector.groups.logistic_cp import (
    ProductCells,
    candidates_from_fit,
    logistic_cp,
    neighbourhood,
)
from detector.groups.refine import refine
from detector.groups.seeds import seeds

IntArray = npt.NDArray[np.int64]
DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS
WEEKS = 104
START_MS = 1_609_459_200_000
HONEST_MIX = np.array([0.05, 0.09, 0.12, 0.24, 0.50])
FAN_MIX = np.array([0.02, 0.04, 0.09, 0.20, 0.65])
STAGES = ("tensor", "seeds", "logistic_cp", "tail", "refine", "judge")


@dataclass
class Market:
    reviewer: IntArray
    product: IntArray
    seller: IntArray
    rating: IntArray
    ms: IntArray
    members: set[int]
    campaigns: list[tuple[IntArray, IntArray]]  # (members, products) of each campaign
    kinds: list[tuple[int, str]]  # (first account, kind): orders, deals, fans, pools, honest


class _Parts:
    def __init__(self, rng: np.random.Generator, n_sellers: int) -> None:
        self.rng = rng
        per_seller = 1 + np.minimum(rng.pareto(1.3, n_sellers) * 3, 60).astype(np.int64)
        self.product_seller = np.repeat(np.arange(n_sellers), per_seller)
        self.seller_first = np.concatenate([[0], np.cumsum(per_seller)[:-1]])
        self.seller_size = per_seller
        weight = rng.lognormal(0.0, 1.5, self.product_seller.size)
        self.cumulative = np.cumsum(weight / weight.sum())
        mix = rng.dirichlet(HONEST_MIX * 40, self.product_seller.size)
        self.mix = np.cumsum(mix, axis=1)[:, :-1]
        self.columns: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
        self.n_reviewers = 0
        self.campaigns: list[tuple[IntArray, IntArray]] = []
        self.kinds: list[tuple[int, str]] = []  # (first account, kind) of each batch of accounts

    def accounts(self, count: int, kind: str = "") -> IntArray:
        out = np.arange(self.n_reviewers, self.n_reviewers + count, dtype=np.int64)
        self.kinds.append((self.n_reviewers, kind))
        self.n_reviewers += count
        return out

    def popular(self, count: int) -> IntArray:
        draws = self.rng.random(count) * self.cumulative[-1]
        return np.minimum(np.searchsorted(self.cumulative, draws), self.cumulative.size - 1)

    def honest_stars(self, product: IntArray) -> IntArray:
        out = np.empty(product.size, dtype=np.int64)
        for start in range(0, product.size, 1_000_000):  # (chunk × 4) floats at a time
            part = product[start : start + 1_000_000]
            draws = self.rng.random(part.size)[:, None]
            out[start : start + part.size] = 1 + (draws > self.mix[part]).sum(axis=1)
        return out

    def anytime(self, count: int) -> IntArray:
        return START_MS + self.rng.integers(0, WEEKS * WEEK_MS, count)

    def add(self, reviewer: IntArray, product: IntArray, rating: IntArray, ms: IntArray) -> None:
        self.columns.append((reviewer, product, rating, ms))


def market(events: int, campaigns: int, seed: int) -> Market:
    """About ``events`` reviews (the honest accounts take what the other parts leave)."""
    rng = np.random.default_rng(seed)
    b = _Parts(rng, max(400, events // 500))
    _orders(b, events // 50)
    _deals(b, max(400, events // 500), 150)
    _fans(b, 25)
    members = _campaigns(b, campaigns, agencies=max(5, campaigns // 4))
    _honest(b, events - sum(c[0].size for c in b.columns))
    reviewer, product, rating, ms = (np.concatenate(c) for c in zip(*b.columns, strict=True))
    return Market(
        reviewer, product, b.product_seller[product], rating, ms, members, b.campaigns, b.kinds
    )


def _honest(b: _Parts, events: int) -> None:
    activity = np.minimum(b.rng.zipf(2.1, max(1, events // 3)), 300)
    activity = activity[np.cumsum(activity) <= events]
    reviewer = np.repeat(b.accounts(activity.size, "honest"), activity)
    product = b.popular(reviewer.size)
    b.add(reviewer, product, b.honest_stars(product), b.anytime(reviewer.size))


def _within_seller(b: _Parts, seller: IntArray) -> IntArray:
    """One product of each given seller, uniformly (vectorised over the sellers)."""
    offset = (b.rng.random(seller.size) * b.seller_size[seller]).astype(np.int64)
    return b.seller_first[seller] + offset


def _orders(b: _Parts, orders: int) -> None:
    buyers = b.accounts(orders, "order")
    items = b.rng.integers(2, 5, orders)
    buyer = np.repeat(buyers, items)
    seller = np.repeat(b.product_seller[b.popular(orders)], items)
    moment = np.repeat(b.anytime(orders), items) + b.rng.integers(0, WEEK_MS, buyer.size)
    product = _within_seller(b, seller)
    b.add(buyer, product, b.honest_stars(product), moment)


def _deals(b: _Parts, hunters: int, sale_size: int) -> None:
    accounts = b.accounts(hunters, "deal")
    for week in range(0, WEEKS - 1, 4):
        sale = b.rng.choice(b.product_seller.size, size=sale_size, replace=False)
        joining = accounts[b.rng.random(hunters) < 0.5]
        counts = b.rng.integers(5, 16, joining.size)
        hunter = np.repeat(joining, counts)
        product = sale[b.rng.integers(0, sale_size, hunter.size)]
        moment = START_MS + week * WEEK_MS + b.rng.integers(0, WEEK_MS, hunter.size)
        b.add(hunter, product, b.honest_stars(product), moment)


def _fans(b: _Parts, brands: int) -> None:
    big = np.flatnonzero(b.seller_size >= 5)
    chosen = b.rng.choice(big, size=min(brands, big.size), replace=False)
    fans_per = b.rng.integers(15, 51, chosen.size)
    brand = np.repeat(chosen, fans_per)
    fan = b.accounts(brand.size, "fan")
    counts = np.minimum(b.rng.integers(4, 11, fan.size), b.seller_size[brand])
    who, seller = np.repeat(fan, counts), np.repeat(brand, counts)
    product = _within_seller(b, seller)
    stars = 1 + np.searchsorted(np.cumsum(FAN_MIX), b.rng.random(who.size) * FAN_MIX.sum())
    b.add(who, product, stars.astype(np.int64), b.anytime(who.size))


def _campaigns(b: _Parts, campaigns: int, agencies: int) -> set[int]:
    rng = b.rng
    pools = [b.accounts(int(rng.integers(40, 121)), "pool") for _ in range(agencies)]
    for pool in pools:  # aged accounts: 3–30 honest reviews over the timeline
        aged = pool[rng.random(pool.size) < 0.5]
        counts = rng.integers(3, 31, aged.size)
        who = np.repeat(aged, counts)
        product = b.popular(who.size)
        b.add(who, product, b.honest_stars(product), b.anytime(who.size))
    members: set[int] = set()
    for index in range(campaigns):
        pool = pools[index % agencies]
        crew = rng.choice(pool, size=min(int(rng.integers(8, 41)), pool.size), replace=False)
        members |= set(crew.tolist())
        sellers = np.unique(b.product_seller[b.popular(int(rng.integers(1, 4)))])
        catalogue = np.concatenate(
            [np.arange(b.seller_first[s], b.seller_first[s] + b.seller_size[s]) for s in sellers]
        )
        count = min(int(rng.integers(3, 11)), catalogue.size)
        if count < 2:
            continue
        products = rng.choice(catalogue, size=count, replace=False)
        b.campaigns.append((crew, products))
        weeks = int(rng.integers(3, 13))
        start = START_MS + int(rng.integers(0, (WEEKS - weeks) * WEEK_MS))
        take = np.maximum(2, np.rint(rng.uniform(0.4, 0.9, crew.size) * count)).astype(np.int64)
        take = np.minimum(take, count)
        who = np.repeat(crew, take)
        keys = rng.random((crew.size, count)).argsort(axis=1)  # a random part per member
        rated = np.concatenate([products[k[:t]] for k, t in zip(keys, take, strict=True)])
        days = rng.integers(0, weeks * 7, who.size)
        moment = start + days * DAY_MS + rng.integers(0, DAY_MS, who.size)
        stars = np.where(rng.random(who.size) < 0.9, 5, 4).astype(np.int64)
        b.add(who, rated, stars, moment)
        camouflage = rng.integers(1, 6, crew.size)
        other_who = np.repeat(crew, camouflage)
        other = b.popular(other_who.size)
        b.add(other_who, other, b.honest_stars(other), b.anytime(other_who.size))
    return members


def run_one(events: int, campaigns: int, skip_peel: bool, seed: int = 9) -> dict[str, object]:
    load = os.getloadavg()[0]
    clock = time.perf_counter()
    m = market(events, campaigns, seed=seed)
    generated = time.perf_counter() - clock
    data = ReviewEvents.from_codes(
        reviewer=m.reviewer, product=m.product, seller=m.seller, rating=m.rating,
        timestamp_ms=m.ms,
    )  # fmt: skip
    params = GroupParams()
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(stage: str, clocks: tuple[float, float]) -> None:
        timings[stage] = time.perf_counter() - clocks[0]
        cpu[stage] = time.process_time() - clocks[1]

    def now() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    before = resource.getrusage(resource.RUSAGE_SELF)
    clocks = now()
    tensor = review_tensor(data)
    timed("tensor", clocks)
    clocks = now()
    found_seeds = seeds(tensor, params.rank + params.extra_seeds)
    starts, beyond = found_seeds[: params.rank], found_seeds[params.rank :]
    timed("seeds", clocks)
    clocks = now()
    fit = logistic_cp(tensor, rank=params.rank, iterations=params.iterations, starts=starts)
    timed("logistic_cp", clocks)
    clocks = now()  # find_groups' other stages, in its order (no labels here)
    cells_of = ProductCells(tensor)
    candidates = candidates_from_fit(fit) + [
        candidate
        for i, seed in enumerate(beyond, start=params.rank)
        for candidate in neighbourhood(tensor, seed, params.max_sellers, f"seed:{i}", cells_of)
    ]
    timed("tail", clocks)
    clocks = now()
    judge = BlockJudge(tensor, data, params)
    candidates += [r for c in candidates if (r := refine(judge, c)) is not None]
    timed("refine", clocks)
    clocks = now()
    groups = _judged(judge, candidates, params)
    timed("judge", clocks)
    after = resource.getrusage(resource.RUSAGE_SELF)
    found = {int(data.reviewer[r]) for g in groups for r in g.review_rows}
    hits = len(found & m.members)
    out: dict[str, object] = {
        "events": int(data.n_reviews), "cells": tensor.nnz, "generated_s": generated,
        "timings": timings, "cpu": cpu, "groups": len(groups),
        "recall": hits / max(1, len(m.members)), "precision": hits / max(1, len(found)),
        "system_s": after.ru_stime - before.ru_stime,
        "page_faults": after.ru_minflt - before.ru_minflt,
        "preempted": after.ru_nivcsw - before.ru_nivcsw,
        "waits": after.ru_nvcsw - before.ru_nvcsw,
        "load": (load, os.getloadavg()[0]),
        "digest": hashlib.sha256(
            json.dumps([g.to_dict() for g in groups], sort_keys=True).encode()
        ).hexdigest()[:12],
    }  # fmt: skip
    if not skip_peel:
        clock = time.perf_counter()
        dense_block_candidates(tensor, params.blocks, params.max_sellers)
        out["peel_s"] = time.perf_counter() - clock
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--campaigns", type=int, default=40)
    parser.add_argument("--skip-dense-block", action="store_true")
    parser.add_argument("--seed", type=int, default=9, help="the market's draw (default 9)")
    parser.add_argument(
        "--tree", help="import detector from this checkout (a baseline worktree) in the children"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_one(args.child, args.campaigns, args.skip_dense_block, args.seed)))
        return
    print("stage times: wall s (CPU s of the process, which the shared machine's load leaves)")
    print(f"{'events':>11} {'cells':>10} {'gen s':>6} {'tensor':>11} {'seeds':>11} {'CP':>11} "
          f"{'tail':>11} {'refine':>11} {'judge':>11} {'fit s':>13} {'peak MiB':>9} "
          f"{'groups':>6} {'recall':>6} {'prec.':>6} {'peel s':>7}")  # fmt: skip
    for size in args.events:
        command = [sys.executable, __file__, "--child", str(size)]
        command += ["--campaigns", str(args.campaigns), "--seed", str(args.seed)]
        command += ["--skip-dense-block"] if args.skip_dense_block else []
        env = dict(os.environ)
        if args.tree:  # before the editable install's finder, which comes after sys.path
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [args.tree, env.get("PYTHONPATH")]))
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        t, c = r["timings"], r["cpu"]
        peel = f"{r['peel_s']:7.1f}" if "peel_s" in r else "      -"
        stages = " ".join(f"{t[s]:>5.1f} ({c[s]:>4.1f})" for s in STAGES)
        total = f"{sum(t.values()):>6.1f} ({sum(c.values()):>5.1f})"
        print(f"{r['events']:>11,} {r['cells']:>10,} {r['generated_s']:>6.1f} {stages} {total} "
              f"{r['peak_rss_mib']:>9.0f} {r['groups']:>6} {r['recall']:>6.3f} "
              f"{r['precision']:>6.3f} {peel}")  # fmt: skip
        print(f"{'':>11} fit: system CPU {r['system_s']:.1f} s, {r['page_faults']:,} page faults, "
              f"{r['preempted']:,} preemptions, {r['waits']:,} waits; load {r['load'][0]:.1f} -> "
              f"{r['load'][1]:.1f}; groups digest {r['digest']}")  # fmt: skip
    print("goal: 10^7 review events fitted in under 60 s (fit s: the six stages, find_groups)")


if __name__ == "__main__":
    main()
