"""Paste → verdict for a demo product in the embedded mode (issue 18: under 3 s for 320 reviews).

The embedded default, as ``make run`` has it: SQLite, tasks in-process, the demo market served
by this same Django app over loopback (a threaded WSGI server on a port of 8100-8199). Each run
pastes the product into a fresh database and follows the job to its end, printing where the time
went: the crawl child's start, the product page, the review pages, the first (preliminary)
verdict, the reviewer profiles, and the refined verdict.

    .venv/bin/python benchmarks/bench_paste.py [--asin B0DEMO0002] [--runs 3]

Run it in another checkout (a worktree of an older commit) to print the "before" figures; the
stages that an older version lacks are shown as "-".
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _port() -> int:
    for port in range(8180, 8200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8180-8199")


PORT = _port()
DATABASE = Path(tempfile.mkdtemp(prefix="bench-paste-")) / "db.sqlite3"
os.environ.update(
    DJANGO_SETTINGS_MODULE="reviewsec.settings",
    DATABASE_URL=f"sqlite:///{DATABASE}",
    REDIS_URL="",
    DEMO_MARKET="1",
    DEMO_MARKET_BASE_URL=f"http://127.0.0.1:{PORT}/demo-market",
    ANALYSIS_RUN_INLINE="1",
    IN_PROCESS_BEAT="0",
    LOG_LEVEL="WARNING",
    CRAWLER_LOG_LEVEL="WARNING",
)

import django  # noqa: E402

django.setup()
import logging  # noqa: E402

logging.getLogger("django.request").setLevel(logging.ERROR)  # the demo's robots.txt 404s

from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from reviewsec.analyses import services  # noqa: E402
from reviewsec.analyses.models import Analysis, CrawlJob  # noqa: E402
from reviewsec.catalog.models import Product, Review, Reviewer  # noqa: E402


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve() -> ThreadedWSGIServer:
    server = ThreadedWSGIServer(("127.0.0.1", PORT), _Quiet)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Clock:
    """Timestamps of the job's stage changes and of each verdict stored."""

    def __init__(self) -> None:
        self.start = 0.0
        self.stages: dict[str, float] = {}
        self.verdicts: list[float] = []

    def mark(self, stage: str) -> None:
        self.stages.setdefault(stage, time.perf_counter() - self.start)


def instrument(clock: Clock) -> None:
    progress, create = services.crawl_job_progress, services.analysis_create

    def crawl_job_progress(*, job_id: int, **counters: object) -> None:
        if counters.get("stage"):
            clock.mark(str(counters["stage"]))
        progress(job_id=job_id, **counters)

    def analysis_create(**kwargs: object) -> Analysis:
        analysis = create(**kwargs)
        clock.verdicts.append(time.perf_counter() - clock.start)
        return analysis

    services.crawl_job_progress = crawl_job_progress
    services.analysis_create = analysis_create


def one_run(asin: str, clock: Clock) -> dict[str, float | None]:
    for model in (Analysis, CrawlJob, Review, Reviewer, Product):
        model.objects.all().delete()
    clock.stages.clear()
    clock.verdicts.clear()
    clock.start = time.perf_counter()
    outcome = services.analysis_request(marketplace="demo", asin=asin)
    total = time.perf_counter() - clock.start
    job = CrawlJob.objects.get(id=outcome.job.id)
    assert job.state == "done", (job.state, job.error)
    stages = clock.stages

    def between(first: str, then: str) -> float | None:
        if first in stages and then in stages:
            return stages[then] - stages[first]
        return None

    after_reviews = "reviewer" if "reviewer" in stages else "analysing"
    return {
        "child start": stages.get("product"),
        "product stage": between("product", "reviews"),
        "review pages": between("reviews", after_reviews),
        "first verdict at": clock.verdicts[0] if clock.verdicts else None,
        "reviewer profiles": between("reviewer", "analysing") if "reviewer" in stages else None,
        "final verdict at": clock.verdicts[-1] if clock.verdicts else None,
        "total": total,
        "verdicts stored": float(len(clock.verdicts)),
        "reviews": float(Review.objects.filter(product__asin=asin).count()),
        "reviewers": float(Reviewer.objects.exclude(crawled_at=None).count()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asin", default="B0DEMO0002")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--pause", type=float, default=10, help="seconds between runs (a warm child warms up)"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    server = serve()
    clock = Clock()
    instrument(clock)
    try:
        runs = []
        for number in range(args.runs):
            if number:
                time.sleep(args.pause)
            runs.append(one_run(args.asin, clock))
    finally:
        server.shutdown()
    print(f"paste → verdict, embedded mode (SQLite, in-process), demo {args.asin}, {ROOT}")
    print(f"{'stage':20s} " + " ".join(f"run {n + 1:>2}" for n in range(len(runs))) + "  median")
    for name in runs[0]:
        values = [run[name] for run in runs]
        shown = " ".join("     -" if v is None else f"{v:6.2f}" for v in values)
        known = [v for v in values if v is not None]
        median = f"{statistics.median(known):6.2f}" if known else "     -"
        print(f"{name:20s} {shown}  {median}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
