"""Web hot paths: paste-to-verdict for a ~500-review demo product, and the cached verdict page.

Runs on a scratch SQLite database with in-process tasks, as `make run` does: a `runserver`
child serves the demo market over loopback, and this process plays the web app's part
(request → crawl in a child process → detector → stored verdict), then renders the verdict
page repeatedly through Django's test client to time server-side rendering.

    .venv/bin/python benchmarks/bench_web.py
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_RENDERS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s")


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-web-"))
    port = free_port()
    os.environ.update(
        DATABASE_URL=f"sqlite:///{scratch / 'bench.sqlite3'}",
        DEMO_MARKET="1",
        DEMO_MARKET_BASE_URL=f"http://127.0.0.1:{port}/demo-market",
        DJANGO_SETTINGS_MODULE="reviewsec.settings",
        ANALYSIS_RUN_INLINE="1",
        LOG_LEVEL="WARNING",
        CRAWLER_LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, cwd=ROOT)
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/demo-market/")
        run_benchmarks()
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_benchmarks() -> None:
    import django

    django.setup()
    from django.test import Client

    from reviewsec.analyses.services import analysis_request
    from reviewsec.demo_market.products import demo_catalogue

    product = min(demo_catalogue(), key=lambda p: abs(p.n_reviews - 500))
    started = time.perf_counter()
    outcome = analysis_request(marketplace="demo", asin=product.asin)
    elapsed = time.perf_counter() - started
    analysis = outcome.product.analyses.first()
    assert analysis is not None, "the in-process job produced no analysis"
    print(
        f"paste → verdict, {product.n_reviews}-review demo product ({product.scenario}): "
        f"{elapsed:.2f} s (target < 15 s); category {analysis.category}"
    )

    client = Client()
    url = f"/p/demo/{product.asin}/"
    tick = time.perf_counter()
    client.get(url)  # the first render builds the analysis's figures and caches them
    first_ms = 1000 * (time.perf_counter() - tick)
    print(f"first verdict page render (builds the figures): {first_ms:.0f} ms")
    timings = []
    for _ in range(PAGE_RENDERS):
        tick = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - tick) * 1000)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[int(0.95 * len(timings)) - 1]
    print(
        f"verdict page server time over {PAGE_RENDERS} renders: "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms (target p95 < 150 ms); "
        f"{len(response.content) / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
