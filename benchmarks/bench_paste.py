"""Paste → verdict for a demo product in the embedded mode, as a shopper sees it (issue 18: under
3 s for 320 reviews).

The embedded default, as ``make run`` has it: ``manage.py runserver`` (here ``--noreload``) on
SQLite, tasks in a thread of the server, the demo market served by the same server over
loopback. This script is only an HTTP client, doing what a browser does: it opens the home page,
pastes the product into the form, follows the redirect to the progress page, polls the job's
status as ``static/web/progress.js`` does (its interval is read from that file) and opens the
verdict page when the script would go there. "Verdict shown" is the moment that page's HTML,
with the verdict in it, has arrived. A preliminary verdict page reloads itself (its
``<meta http-equiv="refresh">``); "refined shown" is the reload that no longer says
"Preliminary". The stage times between come from the rows the server wrote.

A *cold* paste is the first one on a server that has just started (each cold run starts its own
server on a fresh copy of a migrated database); *warm* pastes follow on the last server, with a
pause between them (a spare crawler child warms up in it), each on an emptied catalogue.

    .venv/bin/python benchmarks/bench_paste.py [--asin B0DEMO0002] [--cold 5] [--warm 5]
        [--ports 8180-8199]

Run it in another checkout (a worktree of an older commit) to print the "before" figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parents[1]
PROGRESS_JS = ROOT / "static" / "web" / "progress.js"
_POLL_MS = re.compile(r"setTimeout\(poll,\s*(?:POLL_MS|(\d+))\)|POLL_MS\s*=\s*(\d+)")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_STATUS_URL = re.compile(r'data-status-url="([^"]+)"')
_REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+)"')
_VERDICT = re.compile(r'<section class="headline"[^>]*data-category="([a-z_]+)"')
_PRELIMINARY = 'data-field="preliminary"'


def poll_interval_s() -> float:
    """The progress page's polling interval, from its script (the figure a shopper lives with)."""
    values = [int(n) for pair in _POLL_MS.findall(PROGRESS_JS.read_text()) for n in pair if n]
    if not values:
        raise SystemExit(f"no polling interval found in {PROGRESS_JS}")
    return values[0] / 1000


def free_port(ports: range) -> int:
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {ports.start}-{ports.stop - 1}")


def server_environment(database: Path, port: int) -> dict[str, str]:
    environment = dict(os.environ)
    for name in ("REDIS_URL", "ANALYSIS_RUN_INLINE", "CRAWL_WARM_CHILD"):
        environment.pop(name, None)  # the embedded defaults
    environment.update(
        DJANGO_SETTINGS_MODULE="reviewsec.settings",
        DATABASE_URL=f"sqlite:///{database}",
        REDIS_URL="",
        DEMO_MARKET="1",
        DEMO_MARKET_BASE_URL=f"http://127.0.0.1:{port}/demo-market",
        LOG_LEVEL="WARNING",
        CRAWLER_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return environment


class Server:
    """``manage.py runserver --noreload`` on its own port and database, until stopped."""

    def __init__(self, database: Path, port: int, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=server_environment(database, port),
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )

    def wait_ready(self, session: object, timeout_s: float = 180) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited ({self.process.returncode}); see its log")
            try:
                session.get(f"{self.base}/healthz", timeout=2)  # type: ignore[attr-defined]
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("the server did not answer in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@dataclass
class Run:
    """One paste: seconds since the form was sent, from the client and from the rows."""

    shopper: dict[str, float | None] = field(default_factory=dict)
    server: dict[str, float | None] = field(default_factory=dict)
    facts: dict[str, float] = field(default_factory=dict)


def paste(session: object, base: str, asin: str, poll_s: float) -> tuple[float, Run]:
    """Paste ``asin`` like a browser would; returns (the wall-clock start, the run)."""
    import requests

    assert isinstance(session, requests.Session)
    home = session.get(f"{base}/")
    token = _CSRF.search(home.text)
    assert token, "no CSRF token on the home page"
    run = Run()
    start_wall, start = time.time(), time.perf_counter()

    def now() -> float:
        return time.perf_counter() - start

    answer = session.post(
        f"{base}/",
        data={"csrfmiddlewaretoken": token.group(1), "ref": f"{base}/demo-market/dp/{asin}"},
        headers={"Referer": f"{base}/"},
    )
    assert answer.ok, (answer.status_code, answer.text[:300])
    run.shopper["progress page"] = now()
    status_url = _STATUS_URL.search(answer.text)
    assert status_url, f"not a progress page: {answer.url}"
    session.get(f"{base}/static/web/progress.js")  # the page's script, as a browser loads it
    verdict_url = _follow_progress(session, urljoin(base, status_url.group(1)), poll_s, run, now)
    page = session.get(urljoin(base, verdict_url))
    assert _VERDICT.search(page.text), f"no verdict on {page.url}"
    run.shopper["verdict shown"] = now()
    run.facts["shown preliminary"] = float(_PRELIMINARY in page.text)
    while _PRELIMINARY in page.text:  # the page's own reload, until the refined verdict
        refresh = _REFRESH.search(page.text)
        assert refresh, "a preliminary verdict page that never reloads"
        time.sleep(int(refresh.group(1)))
        page = session.get(page.url)
    run.shopper["refined shown"] = now()
    return start_wall, run


def _follow_progress(session: object, url: str, poll_s: float, run: Run, now: object) -> str:
    """Poll as progress.js does until it would go to the verdict; the verdict's URL."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = session.get(url, headers={"Accept": "application/json"}).json()  # type: ignore[attr-defined]
        if status["state"] == "failed":
            raise SystemExit(f"the job failed: {status['error']}")
        if status["state"] == "done" or (status.get("preliminary") and _goes_on_preliminary()):
            run.shopper["status says verdict"] = now()  # type: ignore[operator]
            return str(status["verdict_url"])
        time.sleep(poll_s)
    raise SystemExit("no verdict within 300 s")


def _goes_on_preliminary() -> bool:
    """Whether progress.js opens the verdict page once a preliminary verdict is there."""
    return "status.preliminary" in PROGRESS_JS.read_text()


def server_times(asin: str, start_wall: float, run: Run) -> None:
    """Stage times from the rows the server wrote, in seconds since the paste."""
    from django.db.models import Max, Min

    from reviewsec.analyses.models import Analysis, CrawlJob
    from reviewsec.catalog.models import Product, Review, Reviewer

    def since(moment: dt.datetime | None) -> float | None:
        return None if moment is None else moment.timestamp() - start_wall

    product = Product.objects.get(marketplace="demo", asin=asin)
    job = CrawlJob.objects.filter(product=product).latest("id")
    reviews = Review.objects.filter(product=product).aggregate(Min("crawled_at"), Max("crawled_at"))
    reviewers = Reviewer.objects.exclude(crawled_at=None)
    verdicts = list(Analysis.objects.filter(product=product).order_by("id"))
    run.server = {
        "job started": since(job.started_at),
        "first review page": since(reviews["crawled_at__min"]),
        "last review page": since(reviews["crawled_at__max"]),
        "first verdict": since(verdicts[0].created_at) if verdicts else None,
        "last profile": since(reviewers.aggregate(Max("crawled_at"))["crawled_at__max"]),
        "final verdict": since(verdicts[-1].created_at) if verdicts else None,
        "job finished": since(job.finished_at),
    }
    run.facts.update(
        {
            "verdicts stored": float(len(verdicts)),
            "reviews": float(Review.objects.filter(product=product).count()),
            "reviewers profiled": float(reviewers.count()),
        }
    )


def catalogue_empty() -> None:
    from reviewsec.analyses.models import Analysis, CrawlJob
    from reviewsec.catalog.models import Product, Review, Reviewer

    for model in (Analysis, CrawlJob, Review, Reviewer, Product):
        model.objects.all().delete()


def table(title: str, runs: list[Run]) -> None:
    print(f"\n{title}")
    if not runs:
        return
    print(f"{'seconds since paste':24s} " + " ".join(f"run {n + 1:>2}" for n in range(len(runs))))
    for part in ("shopper", "server", "facts"):
        for name in getattr(runs[0], part):
            values = [getattr(run, part).get(name) for run in runs]
            shown = " ".join("     -" if v is None else f"{v:6.2f}" for v in values)
            known = [v for v in values if v is not None]
            median = f"{statistics.median(known):6.2f}" if known else "     -"
            print(f"{name:24s} {shown}  median {median}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asin", default="B0DEMO0002")
    parser.add_argument("--cold", type=int, default=5, help="pastes on a just-started server")
    parser.add_argument("--warm", type=int, default=5, help="pastes on the last server after")
    parser.add_argument("--pause", type=float, default=5, help="seconds between warm pastes")
    parser.add_argument("--ports", default="8180-8199", help="a free one is used")
    args = parser.parse_args()
    low, high = (int(p) for p in args.ports.split("-"))
    port = free_port(range(low, high + 1))
    scratch = Path(tempfile.mkdtemp(prefix="bench-paste-"))
    template = scratch / "migrated.sqlite3"
    database = scratch / "db.sqlite3"
    os.environ.update(server_environment(database, port))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=server_environment(template, port),
        check=True,
    )
    sys.path.insert(0, str(ROOT))
    import django
    import requests

    django.setup()
    from django.db import connections

    poll_s = poll_interval_s()
    cold: list[Run] = []
    warm: list[Run] = []
    server = None
    try:
        for number in range(max(args.cold, 1)):
            if server is not None:
                server.stop()
            connections.close_all()  # before the file under them is replaced
            shutil.copyfile(template, database)
            server = Server(database, port, scratch / "server.log")
            session = requests.Session()
            server.wait_ready(session)
            if number < args.cold:
                start, run = paste(session, server.base, args.asin, poll_s)
                server_times(args.asin, start, run)
                cold.append(run)
        for _ in range(args.warm):
            catalogue_empty()
            time.sleep(args.pause)
            session = requests.Session()
            start, run = paste(session, server.base, args.asin, poll_s)
            server_times(args.asin, start, run)
            warm.append(run)
    finally:
        if server is not None:
            server.stop()
    print("paste → verdict shown, embedded mode (runserver, SQLite, tasks in-process)")
    print(f"demo {args.asin}, {ROOT}, progress.js polls every {poll_s * 1000:.0f} ms")
    table(f"cold: the first paste on a just-started server ({len(cold)} servers)", cold)
    table(f"warm: later pastes on one server, {args.pause:g} s apart", warm)
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
