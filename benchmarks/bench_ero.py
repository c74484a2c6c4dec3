"""Time ``detector.ero.analyze_ero`` on one product of 10,000 reviews (issue 4: the whole
``detector.analyze`` must stay under 100 ms, so ERO should take well under ~60 ms).

Features as a product with times has them: day of week (7 categories), hour of day (24),
text length, country (8), verified purchase, helpful votes, reviewer's review count - with and
without a calibration fitted on 100 reference products. Prints the median and best of repeated
runs, after one warm-up call (which builds the studentized-range tables once per process).

    .venv/bin/python benchmarks/bench_ero.py [--reviews N] [--repeat R]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from detector.ero import analyze_ero, fit_calibration
from detector.features import features_from_reviews

COUNTRIES = ["US", "UK", "DE", "FR", "IN", "CA", "JP", "IT"]


def product(rng: np.random.Generator, n: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    ratings = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.1, 0.05, 0.08, 0.2, 0.57])
    minutes = rng.integers(0, 730 * 24 * 60, size=n).astype("timedelta64[m]")
    posted = np.datetime64("2022-01-01T00:00") + minutes
    features = features_from_reviews(
        posted,
        text_length=rng.lognormal(5.0, 0.8, size=n) * np.where(ratings <= 2, 1.3, 1.0),
        country=rng.choice(COUNTRIES, size=n),
        verified=rng.random(n) < 0.85,
        helpful_votes=rng.poisson(1.0, size=n),
        reviewer_review_count=rng.poisson(20.0, size=n),
        has_time=True,
    )
    return ratings, features


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
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    rng = np.random.default_rng(4)
    ratings, features = product(rng, args.reviews)
    start = time.perf_counter()
    analyze_ero(ratings, features)
    first = (time.perf_counter() - start) * 1e3
    references = [product(rng, int(n)) for n in rng.integers(20, 2000, size=100)]
    start = time.perf_counter()
    calibration = fit_calibration(references)
    fit = (time.perf_counter() - start) * 1e3

    names = ", ".join(features)
    print(f"analyze_ero on {args.reviews:,} reviews; features: {names}")
    print(f"  first call (builds studentized-range tables): {first:7.1f} ms")
    median, best = timed(lambda: analyze_ero(ratings, features), args.repeat)
    print(f"  uncalibrated:  median {median:6.1f} ms   best {best:6.1f} ms   ({args.repeat} runs)")
    median, best = timed(
        lambda: analyze_ero(ratings, features, calibration=calibration), args.repeat
    )
    print(f"  calibrated:    median {median:6.1f} ms   best {best:6.1f} ms   ({args.repeat} runs)")
    print(f"fit_calibration on 100 reference products of 20-2,000 reviews: {fit:.0f} ms")


if __name__ == "__main__":
    main()
