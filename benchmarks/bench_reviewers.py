"""Time the whole reviewer-graph fit (and one online update) on a planted graph of 10⁷ ratings.

    nice -n 10 .venv/bin/python benchmarks/bench_reviewers.py [--ratings 10000000]

Reviewers: 10% precise (σ 0.3), 70% ordinary (σ 1), 20% noisy (σ 2); products with quality
uniform on [1.5, 4.8]; ratings rounded and clipped to 1–5; dates uniform over three years, 80%
verified (so burstiness and the verified feature take part). Goal (issue 15): the whole graph fit —
TrueScore reliability, features, the reinforced suspicion mixture (three rounds), per-review
scores — under 30 s, memory linear in the ratings (peak RSS per rating printed). The machine is
shared: run twice and read the stage split, not one total; the fit without the residuals' spread
standardisation and the campaign prior is timed in the same run, so their cost is read as a ratio.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from detector.reviewers.graph import graph_append, review_graph_from_codes
from detector.reviewers.reliability import reliability_fit, reliability_update
from detector.reviewers.suspicion import reviewer_scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ratings", type=int, default=10_000_000)
    parser.add_argument("--tol", type=float, default=1e-6)
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
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    start = time.perf_counter()
    graph = review_graph_from_codes(
        reviewer=reviewer, product=product, rating=rating, timestamp_ms=times, verified=verified
    )
    built = time.perf_counter() - start
    small = review_graph_from_codes(
        reviewer=[0, 1, 1], product=[0, 0, 1], rating=[3, 4, 5], timestamp_ms=[0, 1, 5]
    )
    reviewer_scores(small)  # compile the numba kernels outside the timing
    start = time.perf_counter()
    fit = reliability_fit(graph, tol=args.tol)
    fitted = time.perf_counter() - start
    start = time.perf_counter()
    scores = reviewer_scores(graph, fit=fit)
    scored = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    assert scores.mixture is not None
    print(f"ratings {n:,}  reviewers {graph.n_reviewers:,}  products {graph.n_products:,}")
    print(f"graph from codes      {built:6.2f} s")
    print(f"reliability fit       {fitted:6.2f} s  ({fit.sweeps} sweeps, tol {args.tol:g} stars,")
    print(f"                      converged {fit.converged})")
    print(f"features + mixture    {scored:6.2f} s  (3 rounds, {scores.mixture.iterations} EM steps")
    print("                      in the last; per-review scores included)")
    print(f"whole graph fit       {fitted + scored:6.2f} s  (goal < 30 s at 10⁷ ratings)")
    start = time.perf_counter()
    reviewer_scores(graph, fit=fit, standardise=False, campaign=False)
    plain = time.perf_counter() - start
    print(
        f"  beside it, the same features + mixture without the spread standardisation and the"
        f"\n  campaign prior (the fit before them) {plain:6.2f} s: ratio {scored / plain:.2f}"
    )
    print(
        f"peak RSS              {rss / 1024:6.0f} MiB  ({(rss - rss_before) * 1024 / n:.0f} bytes"
        " per rating above the planted arrays)"
    )
    error = np.abs(fit.quality - quality)
    print(f"|x - true quality|    median {np.median(error):.3f}  (ratings are rounded and clipped)")
    precise, noisy = fit.reliability[sigma == 0.3], fit.reliability[sigma == 2.0]
    print(f"reliability median    precise {np.median(precise):.2f}  noisy {np.median(noisy):.2f}")

    k = 1000
    start = time.perf_counter()
    bigger = graph_append(
        graph,
        user_id=[str(u) for u in rng.integers(0, n_reviewers, size=k)],
        product_id=[str(p) for p in rng.integers(0, n_products, size=k)],
        rating=rng.integers(1, 6, size=k),
        timestamp_ms=np.zeros(k, dtype=np.int64),
    )
    appended = time.perf_counter() - start
    start = time.perf_counter()
    reliability_update(fit, bigger, first_new_row=n, tol=args.tol)
    updated = time.perf_counter() - start
    print(f"append {k} ratings    {appended:6.2f} s")
    print(f"online update         {updated:6.2f} s")


if __name__ == "__main__":
    main()
