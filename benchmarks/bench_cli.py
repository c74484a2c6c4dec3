"""Time ``python -m detector FILE --json`` on a generated file and extrapolate to 100,000 products.

Writes ``--products`` simulated products (default 10,000; 20–80 reviews each, about 50 on average:
``iter_population(..., review_counts=(20, 80))``, so 100,000 products are about 5 million reviews)
as JSON Lines, grouped by product as the Amazon dumps are, then runs the CLI on it once per
``--jobs`` value with stdout to /dev/null, and reports wall time, peak memory (max RSS of the CLI
process) and the rate. With ``--unsorted N`` it also writes N other products, shuffles their lines
and times both files, to show the cost of the on-disk grouping (spill) pass.

The run has three parts: pass 1 reads and checks every review and samples up to 1,000 products;
the reference fit on that sample (a fixed cost, independent of the file's size); pass 2 reads the
file again and analyses every product. The extrapolation scales the measured total minus the
fit by the number of products and adds the fit back once.

    .venv/bin/python benchmarks/bench_cli.py [--products 10000] [--jobs 1 2] [--unsorted 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from detector.simulate import iter_population, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
TARGET_PRODUCTS = 100_000


def run_cli(path: Path, jobs: int) -> tuple[float, float, str]:
    """(wall seconds, max RSS in MB, stderr) of one CLI run."""
    command = [sys.executable, "-m", "detector", str(path), "--json", "--jobs", str(jobs)]
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=sink, stderr=subprocess.PIPE, text=True
        )
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read() if process.stderr else ""
    if status != 0:
        raise SystemExit(f"the CLI failed: {stderr}")
    return elapsed, usage.ru_maxrss / 1024, stderr.strip()


def fit_seconds(path: Path) -> float:
    """The reference fit alone, on the same sample the CLI draws (pass 1 without pass 2)."""
    from detector.cli import _reference
    from detector.io import ReviewSource

    with ReviewSource(path) as source:
        start = time.perf_counter()
        list(source.products())
        read = time.perf_counter() - start
    with ReviewSource(path) as source, contextlib.redirect_stderr(io.StringIO()):
        start = time.perf_counter()
        _reference(source, None, 1000)
        return time.perf_counter() - start - read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=99)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--unsorted", type=int, default=0, help="also time N shuffled products")
    parser.add_argument("--keep", type=Path, help="write the file here instead of a temp dir")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-cli-") as scratch:
        path = args.keep or Path(scratch) / "reviews.jsonl"
        start = time.perf_counter()
        population = iter_population(args.products, seed=args.seed, review_counts=(20, 80))
        reviews = write_jsonl(population, path)
        size = path.stat().st_size
        print(
            f"generated {args.products:,} products, {reviews:,} reviews, {size / 1e6:,.0f} MB "
            f"in {time.perf_counter() - start:.1f} s"
        )
        fit = fit_seconds(path)
        print(f"reference fit on the file's sample: {fit:.1f} s (pass 1 reading excluded)")
        for jobs in args.jobs:
            elapsed, rss, _ = run_cli(path, jobs)
            scale = TARGET_PRODUCTS / args.products
            projected = fit + (elapsed - fit) * scale
            print(
                f"--jobs {jobs}: {elapsed:7.1f} s wall, max RSS {rss:6.0f} MB, "
                f"{args.products / elapsed:6.0f} products/s, {reviews / elapsed:7.0f} reviews/s"
                f"  → {TARGET_PRODUCTS:,} products (~{reviews * scale / 1e6:.1f}M reviews): "
                f"~{projected / 60:.0f} min"
            )
        if args.unsorted:
            subset, shuffled = Path(scratch) / "subset.jsonl", Path(scratch) / "shuffled.jsonl"
            count = write_jsonl(
                iter_population(args.unsorted, seed=args.seed + 1, review_counts=(20, 80)), subset
            )
            lines = subset.read_text(encoding="utf-8").splitlines(keepends=True)
            random.Random(1).shuffle(lines)
            shuffled.write_text("".join(lines), encoding="utf-8")
            grouped, _, _ = run_cli(subset, 1)
            spilled, rss, _ = run_cli(shuffled, 1)
            print(
                f"{args.unsorted:,} products ({count:,} reviews) grouped: {grouped:.1f} s; the "
                f"same shuffled (grouped through SQLite): {spilled:.1f} s, max RSS {rss:.0f} MB"
            )


if __name__ == "__main__":
    main()
