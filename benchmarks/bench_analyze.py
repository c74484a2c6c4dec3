"""Time ``detector.analyze`` at 100 to 100,000 reviews, each figure beside its goal.

Issue 18: 100 reviews under 3 ms and 10,000 under 15 ms, with the same verdicts; issue 13: 10,000
reviews stay under 30 ms. Products are ``detector.simulate`` honest and boosted products (seed 1)
of 100, 1,000, 10,000 and 100,000 reviews, judged against the packaged reference model. Printed
per product: the median over ``--repeat`` calls (after one warm-up call) of CPU time
(``time.process_time``: less disturbed than wall time by the other processes on a shared
machine) and of wall time, for ``analyze`` alone and for ``analyze(...).to_dict()``; then, with
``--stages``, where a call's CPU time goes (the same pipeline as ``detector.analysis.analyze``,
stage by stage, then ``to_dict()`` and the CLI's JSON record: ``to_dict(checked=False)`` encoded
once by ``detector.verdict_json``); then the verdict check of
``tests/detector/test_analyze_same_verdicts.py``: its 30 frozen products against the
expectation computed by the code before the speed-ups.

    nice -n 0 .venv/bin/python benchmarks/bench_analyze.py [--repeat 21] [--stages]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import detector  # noqa: E402
from detector import analysis  # noqa: E402
from detector.simulate import simulate  # noqa: E402

SIZES = (100, 1_000, 10_000, 100_000)
SCENARIOS = ("honest", "boost")
GOALS = {100: ("< 3 ms (issue 18)", 3.0), 10_000: ("< 15 ms (issue 18; issue 13: < 30)", 15.0)}


def _median_ms(call: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(median CPU ms, median wall ms) of ``repeat`` calls after one warm-up call."""
    call()
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        call()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu) * 1e3, statistics.median(wall) * 1e3


def _stages(reviews: dict[str, Any], model: Any, repeat: int) -> dict[str, float]:
    """CPU ms of each stage of ``detector.analysis.analyze`` on these reviews."""
    from detector import verdict_json
    from detector.ero import analyze_ero
    from detector.prepare import prepare_reviews
    from detector.verdict import AnalysisParams

    settings = AnalysisParams.coerce(None)
    prepared = prepare_reviews(reviews)
    stars = prepared.ratings.astype(np.float64)
    history = analysis._history(prepared, reviews, None)
    ero = analyze_ero(
        prepared.ratings,
        prepared.features,
        alpha=settings.alpha,
        calibration=model.calibration,
        check_ratings=False,
    )
    consistency = analysis._consistency(stars, model, settings)
    verdict = detector.analyze(reviews, reference=model)
    calls = {
        "prepare": lambda: prepare_reviews(reviews),
        "consistency": lambda: analysis._consistency(stars, model, settings),
        "ERO": lambda: analyze_ero(
            prepared.ratings,
            prepared.features,
            alpha=settings.alpha,
            calibration=model.calibration,
            check_ratings=False,
        ),
        "distributions": lambda: analysis._distributions(prepared, model),
        "evidence E": lambda: analysis._combined_evidence(
            prepared, ero, settings, history, model.leans, consistency
        ),
        "reviewers": lambda: analysis._who_wrote(
            prepared, reviews, None, judge=True, history=history
        ),
        "to_dict": verdict.to_dict,
        # the CLI's record: the unchecked dict encoded once (detector.verdict_json)
        "record": lambda: verdict_json.encode({"product": None, **verdict.to_dict(checked=False)}),
    }
    return {name: _median_ms(call, repeat)[0] for name, call in calls.items()}


def _same_verdicts() -> str:
    from tests.detector import same_verdicts

    expected = json.loads(gzip.decompress(same_verdicts.EXPECTED.read_bytes()))
    found = same_verdicts.judge()
    differing = [
        index
        for index, (before, now) in enumerate(zip(expected["products"], found, strict=True))
        if same_verdicts.differences(before, now)
    ]
    baseline = expected["baseline"] + "".join(f", {p}" for p in expected.get("path_at", []))
    return (
        f"same verdicts: {len(found)} frozen products, {len(differing)} differ "
        f"(numbers within {same_verdicts.RELATIVE:g} relative, words exactly; "
        f"expectation from the code before the speed-ups: {baseline})"
        + (f"; differing: {differing}" if differing else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21, help="calls per figure (median)")
    parser.add_argument("--stages", action="store_true", help="also time each stage")
    args = parser.parse_args()

    model = detector.default_reference_model()
    products = {
        (n, scenario): simulate(scenario, seed=1, n_reviews=n).to_arrays()
        for n in SIZES
        for scenario in SCENARIOS
    }
    print(
        f"detector.analyze, median of {args.repeat} calls, ms (CPU = time.process_time; "
        "wall in brackets)"
    )
    print(f"  {'reviews':>8} {'product':<8} {'analyze':>16} {'+ to_dict':>16}   goal")
    worst: dict[int, float] = {}
    for (n, scenario), reviews in products.items():
        repeat = max(3, min(args.repeat, 2_000_000 // n))
        cpu, wall = _median_ms(lambda r=reviews: detector.analyze(r, reference=model), repeat)
        cpu_all, wall_all = _median_ms(
            lambda r=reviews: detector.analyze(r, reference=model).to_dict(), repeat
        )
        worst[n] = max(worst.get(n, 0.0), cpu)
        goal = GOALS.get(n)
        shown = "" if goal is None else f"{goal[0]}: {'met' if cpu < goal[1] else 'NOT met'}"
        print(
            f"  {n:>8,} {scenario:<8} {cpu:7.2f} ({wall:6.2f}) {cpu_all:7.2f} ({wall_all:6.2f})"
            f"   {shown}"
        )
    print(
        "goals (worst product, CPU): "
        + ", ".join(
            f"{n:,} reviews {worst[n]:.2f} ms {label} {'met' if worst[n] < limit else 'NOT met'}"
            for n, (label, limit) in GOALS.items()
        )
    )
    if args.stages:
        names: list[str] = []
        rows = []
        for n in SIZES:
            found = _stages(products[(n, "boost")], model, max(3, min(args.repeat, 300_000 // n)))
            names = list(found)
            rows.append((n, found))
        print("where the CPU time goes, boosted products, ms per call:")
        print(f"  {'reviews':>8} " + " ".join(f"{name:>13}" for name in names))
        for n, found in rows:
            print(f"  {n:>8,} " + " ".join(f"{found[name]:13.2f}" for name in names))
    print(_same_verdicts())


if __name__ == "__main__":
    main()
