"""The detector is a pure Python package: importing it never imports Django (issue 3)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NAMED = [
    "detector.consistency",
    "detector.consistency.kernel",
    "detector.consistency.cvt",
    "detector.ero",
    "detector.stats",
    "detector.simulate",
]

CHECK = """
import importlib, pkgutil, sys
import detector
named = {named!r}
found = [
    m.name
    for m in pkgutil.walk_packages(detector.__path__, "detector.")
    if not m.name.endswith("__main__")
]
for name in named + found:
    importlib.import_module(name)
django = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
assert not django, django
print(len(set(named + found)))
"""


def test_importing_every_detector_module_imports_no_django():
    completed = subprocess.run(
        [sys.executable, "-c", CHECK.format(named=NAMED)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert completed.returncode == 0, completed.stderr
    assert int(completed.stdout.strip()) >= len(NAMED)
