"""Running the whole detector - analyze, a reference fit, the CLI - never imports Django."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUN = """
import io, sys, tempfile, pathlib
import detector
from detector.cli import main
from detector.reference import fit_reference
from detector.simulate import population, simulate, write_jsonl

detector.analyze(simulate("boost", seed=1).to_arrays()).to_dict()
fit_reference(population(5, seed=2, mix={"honest": 1.0}))
with tempfile.TemporaryDirectory() as folder:
    path = pathlib.Path(folder) / "reviews.jsonl"
    write_jsonl(population(3, seed=3), path)
    assert main([str(path), "--json"], out=io.StringIO()) == 0
django = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
assert not django, django
"""


def test_analysing_fitting_and_the_cli_run_without_importing_django():
    completed = subprocess.run(
        [sys.executable, "-c", RUN],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert completed.returncode == 0, completed.stderr
