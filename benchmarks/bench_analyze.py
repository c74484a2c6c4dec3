"""Time ``detector.analyze`` before and after the per-product speed-ups; check the verdicts agree.

Issue 18's goals: 100 reviews under 3 ms, 10,000 under 15 ms, with the same verdicts. The machine
is shared, so both sides run in this one invocation, alternately, in two child processes:

* **after**: this working tree;
* **before**: a copy of this working tree's ``detector/`` in which ``--paths`` (the files the
  speed-ups touched) are replaced by their version at ``--before`` (default: the commit before the
  speed-ups), so the two sides differ only by those files.

Both judge the same products against the packaged reference model: ``--products`` of every
scenario of ``benchmarks/independent_sim.py`` (a generator written apart from the project's
simulator) plus ``detector.simulate`` honest and boosted products of 100 and 10,000 reviews for
timing. Reported: median CPU time per call (``time.process_time``, less disturbed by other
processes than wall time) with and without ``to_dict()``; then, over every product, categories
that differ and the largest relative difference of the verdict's p-values (PCI, ERO satisfaction,
evidence E, every feature's calibrated p, raw S_i, Tukey pairs' p_adj, the scan p).

    .venv/bin/python benchmarks/bench_analyze.py [--products 30] [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEEDUP_COMMIT = "3e8ff71"  # the tree before the issue-18 per-product speed-ups
SPEEDUP_PATHS = (
    "detector/stats/studentized_range.py",
    "detector/stats/tukey.py",
    "detector/ero/analysis.py",
    "detector/ero/calibration.py",
    "detector/ero/features.py",
    "detector/consistency/threshold.py",
    "detector/reference.py",
)

_CHILD = r"""
import json, pickle, statistics, sys, time
import numpy as np
import detector

def p_values(verdict):
    out = {"pci": verdict.pci, "satisfaction": verdict.satisfaction}
    if verdict.evidence is not None:
        out["evidence"] = verdict.evidence.value
        out["scan_p"] = verdict.evidence.scan_p
    if verdict.ero is not None:
        out["raw_satisfaction"] = verdict.ero.raw_satisfaction
        for f in verdict.ero.features:
            out[f"{f.name}.S"] = f.satisfaction
            out[f"{f.name}.calibrated"] = f.calibrated_p
            if f.chi_square is not None:
                out[f"{f.name}.chi2"] = f.chi_square.p
            for pair in f.pairs:
                out[f"{f.name}.{pair.a}-{pair.b}"] = pair.p_adj
    return out

with open(sys.argv[1], "rb") as stream:
    job = pickle.load(stream)
model = detector.default_reference_model()
verdicts = []
for reviews in job["products"]:
    v = detector.analyze(reviews, reference=model)
    verdicts.append({"category": v.category, "p": p_values(v), "reasons": list(v.reasons)})
timings = {}
for name, reviews in job["timed"].items():
    detector.analyze(reviews, reference=model)
    for label, call in (("analyze", lambda: detector.analyze(reviews, reference=model)),
                        ("to_dict", lambda: detector.analyze(reviews, reference=model).to_dict())):
        times = []
        for _ in range(job["repeat"]):
            start = time.process_time()
            call()
            times.append(time.process_time() - start)
        timings[f"{name}|{label}"] = statistics.median(times) * 1e3
json.dump({"verdicts": verdicts, "timings": timings}, sys.stdout)
"""


def _before_tree(scratch: Path, revision: str, paths: tuple[str, ...]) -> Path:
    tree = scratch / "before"
    shutil.copytree(
        ROOT / "detector", tree / "detector", ignore=shutil.ignore_patterns("__pycache__")
    )
    for path in paths:
        shown = subprocess.run(
            ["git", "show", f"{revision}:{path}"], cwd=ROOT, capture_output=True, check=False
        )
        target = tree / path
        if shown.returncode != 0:  # the file is new since then
            target.unlink(missing_ok=True)
            continue
        target.write_bytes(shown.stdout)
    return tree


def _run(tree: Path, job: Path) -> dict[str, Any]:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(job)],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the child in {tree} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _products(count: int) -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import independent_sim

    found = []
    for scenario in independent_sim.SCENARIOS:
        for product in independent_sim.scenario_products(scenario, count=count, seed=18):
            found.append(independent_sim.arrays(product))
    return found


def _timed() -> dict[str, Any]:
    from detector.simulate import simulate

    cases = {}
    for n in (100, 10_000):
        for scenario in ("honest", "boost"):
            arrays = simulate(scenario, seed=1, n_reviews=n).to_arrays()
            cases[f"{n:>6,} reviews, {scenario}"] = arrays
    return cases


def _relative(a: float | None, b: float | None) -> float:
    if a is None or b is None:
        return 0.0 if a is None and b is None else float("inf")
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=30, help="per independent scenario")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--before", default=SPEEDUP_COMMIT)
    parser.add_argument("--paths", nargs="+", default=list(SPEEDUP_PATHS))
    args = parser.parse_args()

    products = _products(args.products)
    with tempfile.TemporaryDirectory(prefix="bench-analyze-") as name:
        scratch = Path(name)
        job = scratch / "job.pickle"
        job.write_bytes(
            pickle.dumps({"products": products, "timed": _timed(), "repeat": args.repeat})
        )
        before_tree = _before_tree(scratch, args.before, tuple(args.paths))
        before = _run(before_tree, job)
        after = _run(ROOT, job)

    print(
        f"detector.analyze, CPU ms per call (median of {args.repeat}), "
        f"before ({args.before}) / after:"
    )
    for key, old in before["timings"].items():
        case, label = key.split("|")
        new = after["timings"][key]
        print(f"  {case:<26} {label:<8} {old:8.2f} / {new:7.2f} ms   ({old / new:4.1f}×)")
    worst_100 = max(v for k, v in after["timings"].items() if "   100" in k and "analyze" in k)
    worst_10k = max(v for k, v in after["timings"].items() if "10,000" in k and "analyze" in k)
    print(
        f"goals: 100 reviews {worst_100:.2f} ms (< 3 ms: {'PASS' if worst_100 < 3 else 'FAIL'}), "
        f"10,000 reviews {worst_10k:.2f} ms (< 15 ms: {'PASS' if worst_10k < 15 else 'FAIL'})"
    )

    changed, worst, worst_key, reasons = 0, 0.0, "", 0
    for old, new in zip(before["verdicts"], after["verdicts"], strict=True):
        changed += old["category"] != new["category"]
        reasons += old["reasons"] != new["reasons"]
        for key in old["p"].keys() | new["p"].keys():
            difference = _relative(old["p"].get(key), new["p"].get(key))
            if difference > worst:
                worst, worst_key = difference, key
    print(
        f"same verdicts: {len(products)} independent products, {changed} categories differ, "
        f"{reasons} reason lists differ; largest relative p-value difference {worst:.1e}"
        + (f" ({worst_key})" if worst_key else "")
    )


if __name__ == "__main__":
    main()
