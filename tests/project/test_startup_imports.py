"""``django.setup()`` stays light: every process (manage.py, beat, the web server before its
first request, a crawl child) runs the apps' ``ready()``, and those only register tasks and
hooks. scipy, numba and Scrapy (~1 s CPU together) load where a task, view or crawl needs them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("scipy", "numba", "scrapy")


def test_django_setup_imports_no_scipy_numba_or_scrapy() -> None:
    probe = (
        "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'reviewsec.settings'); "
        "import django; django.setup(); "
        f"print(' '.join(name for name in {HEAVY!r} if name in sys.modules))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert shown.stdout.split() == []
