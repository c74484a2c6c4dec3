"""Time ``detector.analyze`` on one product of 10,000 reviews (issue 4: under 100 ms).

A simulated honest product (and a boosted one) of ``--reviews`` reviews, judged against the
packaged reference model. "Six features": with dates only, the ERO features are day of week, text
length, country, verified purchase, helpful votes and reviewer's review count; with times, hour of
day makes seven. Prints the median and best of repeated runs after one warm-up call (numba's
cached kernels, the studentized-range tables), for ``analyze`` alone and with ``to_dict()``.

    .venv/bin/python benchmarks/bench_analyze.py [--reviews 10000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Mapping
from typing import Any

import detector
from detector.simulate import simulate


def timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, min(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    model = detector.default_reference_model()
    cases: dict[str, Mapping[str, Any]] = {}
    for scenario in ("honest", "boost"):
        arrays = simulate(scenario, seed=1, n_reviews=args.reviews).to_arrays()
        by_day = {**arrays, "posted_at": arrays["posted_at"].astype("datetime64[D]")}
        cases[f"{scenario}, dates only (6 features)"] = by_day
        cases[f"{scenario}, with times (7 features)"] = arrays
    print(f"detector.analyze on {args.reviews:,} reviews, {args.repeat} runs (median / best):")
    worst = 0.0
    for name, reviews in cases.items():
        detector.analyze(reviews, reference=model)  # warm-up
        median, best = timed(lambda r=reviews: detector.analyze(r, reference=model), args.repeat)
        with_json, _ = timed(
            lambda r=reviews: detector.analyze(r, reference=model).to_dict(), args.repeat
        )
        worst = max(worst, median)
        print(
            f"  {name:<32} {median:7.1f} ms / {best:6.1f} ms   with to_dict(): {with_json:7.1f} ms"
        )
    verdict = "PASS" if worst < 100 else "FAIL"
    print(f"slowest median {worst:.1f} ms (goal < 100 ms): {verdict}")


if __name__ == "__main__":
    main()
