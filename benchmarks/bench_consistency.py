"""Time the consistency analysis and the CvT fit against the targets of issue 3.

1. ``pci`` on 10⁶ ratings next to ``detecta.detect_cusum`` on the same series (same h, drift
   ν/2 and reference μ0), with the ratio (target: at least 20× faster). numba's first call
   (compilation, or loading its on-disk cache) is timed and printed separately, never in the
   medians.
2. ``cvt.fit`` on 1,000 seeded reference products of 200–2,000 ratings over the 60-threshold
   default grid (target: under 2 s).
3. ``pci_grid`` over that whole grid for one product of 10,000 ratings (target: under 20 ms).

Every figure is the median of repeated ``time.perf_counter`` runs (best in brackets).

    .venv/bin/python benchmarks/bench_consistency.py [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import numba
import numpy as np

from detector.consistency import cvt, pci, pci_grid

NU, H = 0.6, 3.0


def product(rng: np.random.Generator, n: int) -> np.ndarray:
    """Whole-star ratings with a product-like (J-shaped) mix and, half the time, a burst."""
    weights = rng.dirichlet(np.array([0.6, 0.3, 0.4, 0.8, 2.0]) * 3)
    x = rng.choice(np.arange(1.0, 6.0), size=n, p=weights)
    if rng.random() < 0.5:
        start = int(rng.integers(0, n // 2))
        x[start : start + int(rng.integers(10, n // 4))] = rng.choice([1.0, 5.0])
    return x


def timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def show(label: str, median: float, best: float, target: str = "") -> None:
    unit, scale = ("ms", 1e3) if median < 1 else ("s", 1.0)
    line = f"  {label:<52} {median * scale:9.2f} {unit} (best {best * scale:.2f} {unit})"
    print(line + (f"   target {target}" if target else ""))


FIRST_CALL = """
import time
import numpy as np
from detector.consistency.kernel import alarm_intervals, covered_counts, detection_functions
start = time.perf_counter()
x = np.array([3.0, 5.0, 1.0])
detection_functions(x, 3.0, 0.3)
alarm_intervals(x, 3.0, 0.3, 1.0, 1.0)
covered_counts(x, 3.0, 0.3, np.array([1.0]))
print(time.perf_counter() - start)
"""


def first_call() -> None:
    """Time numba's first call of the kernels, in fresh processes: with an empty cache
    (compilation) and with the project's cache (what a worker pays after the first run)."""
    for label, env in (
        ("compiling, empty cache", {"NUMBA_CACHE_DIR": tempfile.mkdtemp(prefix="numba-")}),
        ("loading numba's on-disk cache", {}),
    ):
        output = subprocess.run(
            [sys.executable, "-c", FIRST_CALL],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        seconds = float(output.split()[-1])
        print(f"  numba first call ({label}), not in any timing: {seconds * 1e3:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="repeats of the slow timings")
    args = parser.parse_args()

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
        f"{os.cpu_count()} CPUs"
    )
    first_call()

    rng = np.random.default_rng(2024)
    print("\n1. PCI on 10^6 ratings vs detecta.detect_cusum (h = 3, ν = 0.6, μ0 = the mean)")
    million = product(rng, 1_000_000)
    mu0 = float(million.mean())
    ours, ours_best = timed(lambda: pci(million, H, nu=NU), max(20, args.repeat))
    show("detector.consistency.pci", ours, ours_best)
    try:
        import detecta
    except ImportError:
        print("  detecta is not installed (pip install -e '.[dev]'): no comparison")
    else:

        def run_detecta() -> None:
            detecta.detect_cusum(
                million, threshold=H, drift=NU / 2, ending=False, show=False, reference=mu0
            )

        theirs, theirs_best = timed(run_detecta, max(3, args.repeat // 2))
        show(f"detecta {detecta.__version__} detect_cusum", theirs, theirs_best)
        print(f"  ratio detecta / pci (medians): {theirs / ours:.0f}x   target >= 20x")

    print("\n2. cvt.fit on 1,000 reference products (200-2,000 ratings) over 60 thresholds")
    fit_rng = np.random.default_rng(7)
    reference = [product(fit_rng, int(n)) for n in fit_rng.integers(200, 2001, size=1000)]
    grid = cvt.DEFAULT_THRESHOLDS
    print(f"  {sum(x.size for x in reference):,} ratings; grid {grid[0]}..{grid[-1]} ({len(grid)})")
    fitted = cvt.fit(reference, thresholds=grid)
    median, best = timed(lambda: cvt.fit(reference, thresholds=grid), args.repeat)
    show("detector.consistency.cvt.fit", median, best, "< 2 s")
    print(f"  fitted line h = {fitted.a0:.3f} + {fitted.a1:.5f}·c")

    print("\n3. PCI over the 60-threshold grid for one product of 10,000 ratings")
    one = product(np.random.default_rng(11), 10_000)
    median, best = timed(lambda: pci_grid(one, grid, nu=NU), max(50, args.repeat))
    show("detector.consistency.pci_grid", median, best, "< 20 ms")


if __name__ == "__main__":
    main()
