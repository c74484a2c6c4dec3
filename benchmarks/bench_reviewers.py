"""Time the whole reviewer-graph fit (and one online update) on a planted graph of 10⁷ ratings.

    flock /tmp/team/bench.lock .venv/bin/python benchmarks/bench_reviewers.py \
        [--ratings 10000000] [--profile 25] [--compare]

Reviewers: 10% precise (σ 0.3), 70% ordinary (σ 1), 20% noisy (σ 2); products with quality
uniform on [1.5, 4.8]; ratings rounded and clipped to 1–5; dates uniform over three years, 80%
verified (so burstiness and the verified feature take part). Rows are in random order (no
locality: the worst case for the passes' per-reviewer and per-product look-ups). Goal (issue 15):
the whole graph fit — ``reviewer_scores(graph)`` as the CLI's file graph and the scheduled
database fit call it: TrueScore reliability (to its default tol 1e-9 stars), features, the
reinforced suspicion mixture (three rounds), the campaign prior and every per-review score —
under 30 s, memory linear in the ratings (peak RSS per rating printed); the stage split comes
from cProfile (cumulative wall time of each stage's functions).

The machine is shared: every timing prints its wall time and the CPU time of this process beside
it (CPU time is what other work on the machine inflates least; wall ≫ CPU means the process was
waiting for a core). ``--profile N`` runs the fit under cProfile and prints its N largest
functions by own time (each compiled pass is one call). ``--compare`` also times the fit given
the reliability, with and without the residuals' spread standardisation and the campaign prior.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from detector.reviewers.graph import graph_append, review_graph_from_codes
from detector.reviewers.reliability import reliability_update
from detector.reviewers.suspicion import reviewer_scores

T = TypeVar("T")


def timed(call: Callable[[], T]) -> tuple[T, float, float]:
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def line(label: str, wall: float, cpu: float, note: str = "") -> None:
    print(f"{label:<22}{wall:6.2f} s wall {cpu:6.2f} s CPU  {note}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ratings", type=int, default=10_000_000)
    parser.add_argument("--profile", type=int, default=0, help="print the N largest functions")
    parser.add_argument("--compare", action="store_true", help="also time the plain-residual fit")
    args = parser.parse_args()
    n = args.ratings
    n_reviewers, n_products = max(n // 10, 10), max(n // 100, 10)
    rng = np.random.default_rng(15)
    sigma = rng.choice([0.3, 1.0, 2.0], size=n_reviewers, p=[0.1, 0.7, 0.2])
    quality = rng.uniform(1.5, 4.8, size=n_products)
    reviewer = rng.integers(0, n_reviewers, size=n)
    product = rng.integers(0, n_products, size=n)
    rating = np.clip(np.rint(quality[product] + sigma[reviewer] * rng.standard_normal(n)), 1, 5)
    times = rng.integers(1_500_000_000_000, 1_500_000_000_000 + 3 * 365 * 86_400_000, size=n)
    verified = rng.random(n) < 0.8
    small = review_graph_from_codes(
        reviewer=[0, 1, 1], product=[0, 0, 1], rating=[3, 4, 5], timestamp_ms=[0, 1, 5]
    )
    reviewer_scores(small)  # compile (or load) the numba kernels outside the timing
    reviewer_scores(small, directional=True, standardise=False, campaign=False)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    graph, built, built_cpu = timed(
        lambda: review_graph_from_codes(
            reviewer=reviewer, product=product, rating=rating, timestamp_ms=times, verified=verified
        )
    )
    profile = cProfile.Profile()
    profile.enable()
    scores, whole, whole_cpu = timed(lambda: reviewer_scores(graph))
    profile.disable()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    fit = scores.reliability
    assert scores.mixture is not None
    print(f"ratings {n:,}  reviewers {graph.n_reviewers:,}  products {graph.n_products:,}")
    line("graph from codes", built, built_cpu)
    line(
        "whole graph fit",
        whole,
        whole_cpu,
        f"(goal < 30 s at 10⁷; {fit.sweeps} reliability sweeps to tol 1e-9 stars,"
        f" 3 rounds, {scores.mixture.iterations} EM steps in the last)",
    )
    stats = pstats.Stats(profile)
    print("  stages (wall, cProfile; a stage absent from the code under test shows –):")
    for label, names in STAGES:
        spent = stage_seconds(stats, names)
        print(f"    {label:<34}" + ("     –" if spent is None else f"{spent:6.2f} s"))
    print(
        f"peak RSS              {rss / 1024:6.0f} MiB  ({(rss - rss_before) * 1024 / n:.0f} bytes"
        " per rating above the planted arrays)"
    )
    if args.compare:
        _, plain, plain_cpu = timed(
            lambda: reviewer_scores(graph, fit=fit, standardise=False, campaign=False)
        )
        _, full, full_cpu = timed(lambda: reviewer_scores(graph, fit=fit))
        line("  fit given: full", full, full_cpu)
        line(
            "  fit given: plain",
            plain,
            plain_cpu,
            f"(no spread standardisation, no campaign prior: ratio {full_cpu / plain_cpu:.2f}"
            " in CPU)",
        )
    error = np.abs(fit.quality - quality)
    print(f"|x - true quality|    median {np.median(error):.3f}  (ratings are rounded and clipped)")
    precise, noisy = fit.reliability[sigma == 0.3], fit.reliability[sigma == 2.0]
    print(f"reliability median    precise {np.median(precise):.2f}  noisy {np.median(noisy):.2f}")

    k = 1000
    bigger, appended, appended_cpu = timed(
        lambda: graph_append(
            graph,
            user_id=[str(u) for u in rng.integers(0, n_reviewers, size=k)],
            product_id=[str(p) for p in rng.integers(0, n_products, size=k)],
            rating=rng.integers(1, 6, size=k),
            timestamp_ms=np.zeros(k, dtype=np.int64),
        )
    )
    _, updated, updated_cpu = timed(lambda: reliability_update(fit, bigger, first_new_row=n))
    line(f"append {k} ratings", appended, appended_cpu)
    line("online update", updated, updated_cpu)
    if args.profile:
        print(f"\nthe fit's {args.profile} largest functions by own time (cProfile):")
        stats.sort_stats("tottime").print_stats(args.profile)


#: (label, function names whose cumulative time makes the stage) for the stage table
STAGES = [
    ("reliability fit (TrueScore BCD)", ("reliability_fit",)),
    ("rows grouped by reviewer + back", ("reviewer_order", "reordered", "_in_row_order")),
    ("features (3 rounds)", ("reviewer_features",)),
    ("rank start", ("reviewer_suspicion",)),
    ("feature bins", ("feature_bins",)),
    ("mixture EM (3 rounds)", ("fit_mixture",)),
    ("campaign prior", ("review_campaign_suspicion",)),
    ("posterior without the review", ("mixture_without_review",)),
]


def stage_seconds(stats: pstats.Stats, names: tuple[str, ...]) -> float | None:
    """Summed cumulative wall time of the named functions (None if none was called)."""
    found = [
        values[3]
        for (_, _, name), values in stats.stats.items()  # type: ignore[attr-defined]
        if name in names
    ]
    return float(sum(found)) if found else None


if __name__ == "__main__":
    main()
