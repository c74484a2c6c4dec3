"""``python -m detector FILE --json`` beside one plain read-and-parse pass of the same file.

Issue 18's goal: at least 50,000 reviews/s with ``--jobs 2`` on a million-review file, within 10×
of one plain read-and-parse pass, memory bounded by the largest product plus the reviewer graph.
This prints, side by side in one run (ratios hold on a loaded machine):

* one plain pass: read the file line by line and parse each line, with the json module and with
  orjson (one process, results dropped);
* the CLI with each ``--jobs`` value (stdout to /dev/null; ``--profile`` for the stage times):
  wall time, reviews/s, peak RSS (the largest process's, ``wait4``), and its ratio to the json pass;
* the same with the per-product analysis taken out, two ways: the wall time minus the analysis
  stage (what reading, grouping, the graph and reference fits and writing cost), and minus the CPU
  time spent inside ``detector.analyze`` shared over the jobs, and minus that and the JSON
  record (``Verdict.to_dict`` and its one encoding; the rest of that stage — building each
  product's arrays, moving lines between processes — stays in);
* a ``GOAL`` line per run: reviews/s against 50,000, the ratio to the json pass against 10×,
  and the peak RSS of the CLI's parent process and of its largest worker (``--profile``'s
  memory line; a forked worker's RSS includes the pages it shares with the parent);
* per product: the CPU ``detector.analyze`` and the record take (``time.process_time`` in the
  workers, so a worker waiting for a core on a loaded machine does not count), beside the CPU a
  product may take for the 50,000 reviews/s goal once the other stages are paid.

The file is generated with ``detector.simulate`` (``--products`` products of 20–80 reviews, ~50 on
average: 20,000 products ≈ 1 million reviews), grouped by product as the Amazon dumps are; with
``--shuffled`` the same file's lines are also shuffled and timed (the CLI needs no grouping).
``--baseline DIR`` (another checkout, e.g. ``git worktree add --detach DIR <commit>``) times that
tree's CLI before this tree's for each ``--jobs``, so a before/after pair sees the same load, and
says whether this tree's output is byte for byte the baseline's (each run's stdout goes to a
file beside the data, hashed after the run, so no reading competes with the timed CLI). The
baseline's "to_dict" stage before the one encoding was worker wall time, not CPU.

    nice -n 10 .venv/bin/python benchmarks/bench_cli.py --dir /tmp/bench [--products 20000]
        [--jobs 1 2] [--shuffled] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from detector.simulate import iter_population, write_jsonl

ROOT = Path(__file__).resolve().parents[1]


def plain_pass(path: Path, loads: object) -> float:
    """Seconds to read ``path`` line by line and parse every line with ``loads``."""
    parse = loads  # a local name: the loop below is all the pass does
    start = time.perf_counter()
    with open(path, "rb") as stream:
        for line in stream:
            parse(line)  # type: ignore[operator]
    return time.perf_counter() - start


def run_cli(
    path: Path, jobs: int, root: Path = ROOT, output: Path | None = None
) -> tuple[float, float, dict[str, float]]:
    """(wall seconds, peak RSS in MB, the --profile stage seconds) of one CLI run of the
    ``detector`` package in ``root`` (this tree unless ``--baseline`` names another); its stdout
    to ``output`` (default /dev/null)."""
    command = [sys.executable, "-m", "detector", str(path), "--json", "--jobs", str(jobs)]
    command.append("--profile")
    start = time.perf_counter()
    target = os.devnull if output is None else output
    with open(target, "w") as sink, tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, cwd=root, stdout=sink, stderr=errors, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read()
    if status != 0:
        raise SystemExit(f"the CLI failed: {stderr}")
    profile = next(line for line in stderr.splitlines() if line.startswith("detector: profile:"))
    stages = {
        name.strip(): float(seconds)
        for name, seconds in re.findall(r"([^,:]+?) ([0-9.]+) s", profile.split(":", 2)[2])
    }
    # "detector: memory: parent peak N MB, workers peak M MB" (absent from an older tree)
    memory = re.search(r"parent peak ([0-9.]+) MB, workers peak ([0-9.]+) MB", stderr)
    if memory is not None:
        stages["parent peak MB"], stages["workers peak MB"] = map(float, memory.groups())
    # The CLI's CPU and its workers' (reaped by it, so counted in its wait4 usage): unlike wall
    # time, what the other work on a shared machine hardly moves.
    stages["CPU of all its processes"] = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, stages


def count_lines(path: Path) -> int:
    with open(path, "rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 24), b""))


def report(label: str, reviews: int, plain: float, elapsed: float, rss: float | None) -> str:
    memory = f", peak RSS {rss:6.0f} MB" if rss is not None else ""
    return (
        f"{label:<44} {elapsed:7.1f} s {reviews / elapsed:9,.0f} reviews/s "
        f"{elapsed / plain:6.1f}× the json pass{memory}"
    )


def per_product(
    reviews: int, products: int, jobs: int, other_seconds: float, stages: dict[str, float]
) -> str:
    """CPU a product costs in the analysis stage, beside what the 50,000 reviews/s goal leaves
    for it once the other stages (``other_seconds`` of wall time) are paid: (goal seconds −
    other seconds) × jobs / products, the CPU a product may take with every job busy."""
    analyze_ms = stages.get("detector.analyze (cpu)", 0.0) / products * 1e3
    record = stages.get("JSON record (cpu)", stages.get("Verdict.to_dict (cpu)", 0.0))
    record_ms = record / products * 1e3
    budget_ms = (reviews / 50_000 - other_seconds) * jobs / products * 1e3
    all_ms = stages.get("CPU of all its processes", 0.0) / products * 1e3
    return (
        f"per product ({products:,}): all CPU {all_ms:.2f} ms, of which "
        f"detector.analyze {analyze_ms:.2f} ms + JSON record "
        f"{record_ms:.2f} ms; the 50,000 reviews/s goal leaves {budget_ms:.2f} ms a product "
        f"at --jobs {jobs} after the other stages"
    )


def bench(path: Path, jobs_list: list[int], products: int, baseline: Path | None = None) -> None:
    reviews = count_lines(path)
    size = path.stat().st_size
    print(f"{path.name}: {reviews:,} reviews, {size / 1e6:,.0f} MB")
    plain_json = plain_pass(path, json.loads)
    plain_orjson = plain_pass(path, orjson.loads)
    print(report("plain read + json.loads per line", reviews, plain_json, plain_json, None))
    print(report("plain read + orjson.loads per line", reviews, plain_json, plain_orjson, None))
    roots = [(ROOT, "")] if baseline is None else [(baseline, "baseline "), (ROOT, "this tree ")]
    for jobs in jobs_list:
        digests = [  # interleaved: both trees see the same load
            cli_rows(path, reviews, products, plain_json, jobs, root, label, baseline is not None)
            for root, label in roots
        ]
        if baseline is not None:
            same = "identical to" if digests[0] == digests[1] else "DIFFERENT from"
            print(f"  --jobs {jobs}: this tree's output is byte for byte {same} the baseline's")


def _digest(path: Path) -> str:
    """SHA-256 of a file, read in 16 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 24), b""):
            digest.update(block)
    return digest.hexdigest()


def cli_rows(
    path: Path,
    reviews: int,
    products: int,
    plain_json: float,
    jobs: int,
    root: Path,
    label: str,
    keep_output: bool = False,
) -> str | None:
    """One CLI run's rows (see the module docstring); the SHA-256 of its output when
    ``keep_output`` (the output file is removed after hashing)."""
    output = path.with_suffix(".out.jsonl") if keep_output else None
    elapsed, rss, stages = run_cli(path, jobs, root, output)
    digest = None
    if output is not None:
        digest = _digest(output)
        output.unlink()
    analysis = stages.get("analysis", 0.0)
    analyze_cpu = stages.get("detector.analyze (cpu)", 0.0)
    print(report(f"{label}CLI --jobs {jobs}", reviews, plain_json, elapsed, rss))
    print(report("  without the analysis stage", reviews, plain_json, elapsed - analysis, None))
    print(
        report(
            "  without detector.analyze (cpu / jobs)",
            reviews,
            plain_json,
            elapsed - analyze_cpu / jobs,
            None,
        )
    )
    # "Verdict.to_dict (cpu)": the name before the record was encoded once (a baseline tree).
    rendering = stages.get("JSON record (cpu)", stages.get("Verdict.to_dict (cpu)", 0.0))
    print(
        report(
            "  without analyze and the JSON record",
            reviews,
            plain_json,
            elapsed - (analyze_cpu + rendering) / jobs,
            None,
        )
    )
    shown = ", ".join(
        f"{name} {seconds:.1f} s" for name, seconds in stages.items() if not name.endswith(" MB")
    )
    print(f"    stages: {shown}")
    print("    " + per_product(reviews, products, jobs, elapsed - analysis, stages))
    print("    " + goal_line(reviews, plain_json, elapsed, jobs, stages))
    return digest


def goal_line(
    reviews: int, plain_json: float, elapsed: float, jobs: int, stages: dict[str, float]
) -> str:
    """Issue 18's goals for this run, plainly: reviews/s against 50,000, the ratio to the json
    pass against 10×, and each process's peak RSS (a forked worker's includes the pages it
    shares with the parent)."""
    rate, ratio = reviews / elapsed, elapsed / plain_json
    memory = ""
    if "parent peak MB" in stages:
        memory = (
            f"; peak RSS parent {stages['parent peak MB']:,.0f} MB, "
            f"workers {stages['workers peak MB']:,.0f} MB"
        )
    return (
        f"GOAL --jobs {jobs}: {rate:,.0f} reviews/s against 50,000 "
        f"({'met' if rate >= 50_000 else 'short'}); {ratio:.1f}× the json pass against 10× "
        f"({'met' if ratio <= 10 else 'short'}){memory}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=99)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dir", type=Path, help="keep the generated files here (reused if there)")
    parser.add_argument("--shuffled", action="store_true", help="also time the lines shuffled")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of the project: its CLI is timed before this tree's, interleaved",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-cli-") as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"reviews-{args.products}-{args.seed}.jsonl"
        if not path.exists():
            start = time.perf_counter()
            population = iter_population(args.products, seed=args.seed, review_counts=(20, 80))
            write_jsonl(population, path)
            print(f"generated {path} in {time.perf_counter() - start:.1f} s")
        bench(path, args.jobs, args.products, args.baseline)
        if args.shuffled:
            shuffled = folder / f"{path.stem}-shuffled.jsonl"
            if not shuffled.exists():
                lines = path.read_bytes().splitlines(keepends=True)
                random.Random(1).shuffle(lines)
                shuffled.write_bytes(b"".join(lines))
                del lines
            bench(shuffled, args.jobs[-1:], args.products)


if __name__ == "__main__":
    main()
