"""The Logistic CP alone at scale (issue 17: 10⁷ review events fitted in under 60 s here).

    python benchmarks/bench_logistic_cp.py [--events 1000000 10000000] [--profile]

Each size runs in its own child process (its peak memory is its own): the planted marketplace
of ``benchmarks/bench_groups.py`` (``market``, seed 9), its tensor and the first
``GroupParams().rank`` of its ``rank + extra_seeds`` co-review seeds as the components' starts
(as ``find_groups``), then
``logistic_cp`` with the default ``GroupParams`` (rank, iterations, batch, negatives), timed after
one small warm-up fit (numba's compilation is not the fit's). Printed per size: events, cells,
the fit's wall and CPU seconds (the machine is shared: CPU is what the load leaves), seconds per
step (one mode's sweep), the child's peak RSS, the components' candidates, and the mean batch
log-likelihood of the last cycle (a change that keeps the fit keeps it to ~1e-6).
``--profile`` prints the fit's ten costliest functions (cProfile) under each row.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_groups import market  # the same planted marketplace

from detector.groups import GroupParams, ReviewEvents, review_tensor
from detector.groups.logistic_cp import candidates_from_fit, logistic_cp
from detector.groups.seeds import seeds


def run_one(events: int, profile: bool) -> dict[str, object]:
    m = market(events, 40, seed=9)
    data = ReviewEvents.from_codes(
        reviewer=m.reviewer, product=m.product, seller=m.seller, rating=m.rating,
        timestamp_ms=m.ms,
    )  # fmt: skip
    params = GroupParams()
    tensor = review_tensor(data)
    starts = seeds(tensor, params.rank + params.extra_seeds)[: params.rank]  # as find_groups
    logistic_cp(tensor, rank=4, iterations=1, batch=10_000, starts=starts[:4])  # compile
    profiler = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    fit = logistic_cp(
        tensor, rank=params.rank, iterations=params.iterations, batch=params.batch,
        negatives=params.negatives, seed=params.seed, starts=starts,
    )  # fmt: skip
    if profiler is not None:
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    out: dict[str, object] = {
        "events": int(data.n_reviews), "cells": tensor.nnz, "wall_s": wall, "cpu_s": cpu,
        "steps": len(fit.loglik), "candidates": len(candidates_from_fit(fit)),
        "last_cycle_loglik": float(np.mean(fit.loglik[-len(tensor.shape):])),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }  # fmt: skip
    if profiler is not None:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(10)
        out["profile"] = text.getvalue()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_one(args.child, args.profile)))
        return
    print(f"{'events':>11} {'cells':>10} {'CP wall s':>9} {'CPU s':>6} {'s/step':>6} "
          f"{'peak MiB':>8} {'cands':>5} {'last-cycle loglik':>18}")  # fmt: skip
    for size in args.events:
        command = [sys.executable, __file__, "--child", str(size)]
        command += ["--profile"] if args.profile else []
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{r['events']:>11,} {r['cells']:>10,} {r['wall_s']:>9.1f} {r['cpu_s']:>6.1f} "
              f"{r['wall_s'] / r['steps']:>6.2f} {r['peak_rss_mib']:>8.0f} {r['candidates']:>5} "
              f"{r['last_cycle_loglik']:>18.1f}")  # fmt: skip
        if "profile" in r:
            print(r["profile"])


if __name__ == "__main__":
    main()
