"""Soak: 8 clients paste, analyse, submit extension batches and upload files for 60 s against
PostgreSQL + Redis + two real Celery workers and beat, while one worker is SIGKILLed and Redis is
restarted once (``shutdown nosave``: every message it held is lost). The Redis is the soak's
own (port 8150, never the shared 6379); beat runs the every-minute resend of lost jobs.
Loopback only.

Asserts: no 5xx but readable 503s (and those only around the outage), every job ends done or
failed with a reason, no duplicate rows. Prints the figures. Needs PostgreSQL at
127.0.0.1:5432 (user postgres, trust) and redis-server; says so and exits 0 without.

    .venv/bin/python benchmarks/soak_hostile.py [--seconds 60] [--clients 8]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.project.workers import kill_tree, start_worker, stop_worker, wait_until  # noqa: E402

DATABASE = "reviewsec_soak"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_PORT = "8150"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
REDIS_FLAGS = [
    "--daemonize", "yes", "--bind", "127.0.0.1", "--port", REDIS_PORT, "--save", "",
    "--appendonly", "no", "--dir", "/tmp", "--logfile", "/tmp/soak-redis.log",
]  # fmt: skip
DEMO_ASINS = ["B0DEMO0007", "B0DEMO0003", "B0DEMO0001"]  # small ones: crawls finish in seconds
SETTLE_S = 300  # lost messages are re-sent after a minute, by beat's every-minute pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_up() -> bool:
    result = subprocess.run(["redis-cli", "-p", REDIS_PORT, "ping"], capture_output=True, text=True)
    return "PONG" in result.stdout


def redis_restore() -> None:
    if not redis_up():
        subprocess.run(["redis-server", *REDIS_FLAGS], check=False)
        wait_until(redis_up, timeout_s=15, every_s=0.2)


def services_missing() -> str:
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode:
        return "PostgreSQL is not answering at 127.0.0.1:5432"
    if subprocess.run(["which", "redis-server"], capture_output=True).returncode:
        return "redis-server is not installed"
    return ""


class Figures:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_action: dict[str, collections.Counter[int]] = collections.defaultdict(
            collections.Counter
        )
        self.bad: list[str] = []  # 5xx that are not a readable 503, and 503s outside the outage
        self.unavailable = 0
        self.errors = collections.Counter[str]()

    def record(self, action: str, response: requests.Response, outage: bool) -> None:
        with self.lock:
            self.by_action[action][response.status_code] += 1
            if response.status_code == 503:
                self.unavailable += 1
                readable = b"try again" in response.content or b"service_unavailable" in (
                    response.content
                )
                if not readable or not outage:
                    self.bad.append(f"{action} 503 outage={outage}: {response.text[:200]}")
            elif response.status_code >= 500:
                self.bad.append(f"{action} {response.status_code}: {response.text[:300]}")


class Soak:
    def __init__(self, seconds: float, clients: int) -> None:
        self.seconds, self.clients = seconds, clients
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.figures = Figures()
        self.outage = threading.Event()  # set from a little before Redis stops until it is back
        self.stop = threading.Event()
        self.timeline: list[str] = []
        self.redis_stopped_at = 0.0  # wall clock, to tell jobs whose message the restart lost
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
            "REDIS_URL": REDIS_URL,
            "DEMO_MARKET": "1",
            "DEMO_MARKET_BASE_URL": f"{self.base}/demo-market",
            "API_RATE_ANON": "100000/minute",
            "UPLOAD_RATE": "100000/minute",
            "CELERY_VISIBILITY_TIMEOUT": "15",
            "CELERY_TASK_TIME_LIMIT": "90",
            "CELERY_TASK_SOFT_TIME_LIMIT": "80",
            "CRAWL_TIMEOUT_SECONDS": "60",
            "DJANGO_SETTINGS_MODULE": "reviewsec.settings",
        }

    # --- set-up ---------------------------------------------------------------------------

    def database_create(self) -> None:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {DATABASE}")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=self.env, check=True
        )

    def server_start(self) -> subprocess.Popen[bytes]:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "reviewsec.wsgi", "-b", f"127.0.0.1:{self.port}",
                "-w", "2", "--threads", "8", "--timeout", "60", "--log-level", "warning",
            ],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip

        def ready() -> bool:
            with contextlib.suppress(requests.RequestException):
                return requests.get(f"{self.base}/", timeout=2).status_code == 200
            return False

        assert wait_until(ready, timeout_s=120, every_s=0.5), "the web server did not start"
        return server

    # --- clients --------------------------------------------------------------------------

    def client(self, number: int) -> None:
        rng = random.Random(number)
        session = requests.Session()
        session.get(f"{self.base}/", timeout=10)
        token = session.cookies.get("csrftoken", "")
        actions = [self.paste, self.analyse, self.batch, self.upload, self.api_analyse]
        iteration = 0
        while not self.stop.is_set() and iteration < 2000:  # bounded either way
            iteration += 1
            action = rng.choice(actions)
            outage = self.outage.is_set()
            try:
                response = action(session, token, rng, number, iteration)
            except requests.RequestException as error:
                with self.figures.lock:
                    self.figures.errors[f"{action.__name__}: {type(error).__name__}"] += 1
                continue
            self.figures.record(action.__name__, response, outage or self.outage.is_set())
            time.sleep(rng.uniform(0.05, 0.3))

    def _post(self, session, token, path, **kwargs) -> requests.Response:
        headers = {"X-CSRFToken": token}
        return session.post(
            self.base + path, headers=headers, timeout=30, allow_redirects=False, **kwargs
        )

    def paste(self, session, token, rng, number, iteration) -> requests.Response:
        url = f"{self.base}/demo-market/dp/{rng.choice(DEMO_ASINS)}"
        return self._post(session, token, "/", data={"ref": url})

    def analyse(self, session, token, rng, number, iteration) -> requests.Response:
        return self._post(session, token, f"/p/demo/{rng.choice(DEMO_ASINS)}/analyse")

    def api_analyse(self, session, token, rng, number, iteration) -> requests.Response:
        return session.post(
            f"{self.base}/api/v1/analyses",
            json={"asin": rng.choice(DEMO_ASINS), "marketplace": "demo"},
            timeout=30,
        )

    def batch(self, session, token, rng, number, iteration) -> requests.Response:
        asin = f"B0SOAK{number}{iteration % 1000:03d}"
        reviews = [
            {
                "review_id": f"RSOAK{number}{iteration:05d}{n:02d}",
                "rating": rng.randint(1, 5),
                "title": f"Soak {n}",
                "body": "Text " * rng.randint(1, 20),
                "posted_date": f"2024-{1 + n % 12:02d}-{1 + n % 27:02d}",
                "country": "the United States",
                "verified_purchase": True,
                "helpful_votes": 0,
                "reviewer_name": f"Soaker {n}",
                "profile_id": f"amzn1.account.SOAK{number}{n:04d}",
                "variant": "",
                "image_count": 0,
                "vine": False,
            }
            for n in range(rng.randint(5, 40))
        ]
        body = {"reviews": reviews, "final": rng.random() < 0.5, "shop_rating_count": None}
        return session.post(
            f"{self.base}/api/v1/products/amazon.com/{asin}/reviews", json=body, timeout=30
        )

    def upload(self, session, token, rng, number, iteration) -> requests.Response:
        lines = [
            json.dumps(
                {
                    "asin": f"B0UPSOAK{number:02d}",
                    "rating": rng.randint(1, 5),
                    "title": "t",
                    "text": f"upload {number} {iteration} {n}",
                    "user_id": f"u{number}-{n}",
                    "timestamp": 1_700_000_000_000 + n * 86_400_000,
                }
            )
            for n in range(rng.randint(5, 60))
        ]
        files = {"file": ("soak.jsonl", ("\n".join(lines) + "\n").encode())}
        return self._post(session, token, "/upload/", files=files)

    # --- chaos ----------------------------------------------------------------------------

    def chaos(self, workers: list[subprocess.Popen[bytes]], started: float) -> None:
        def at(seconds: float) -> bool:
            return not self.stop.wait(max(0.0, started + seconds - time.monotonic()))

        if at(self.seconds * 0.25):
            killed = kill_tree(workers[0])
            self.timeline.append(
                f"{time.monotonic() - started:5.1f} s  worker 1 SIGKILLed {killed}"
            )
        if at(self.seconds * 0.5):
            self.outage.set()
            self.redis_stopped_at = time.time()
            subprocess.run(["redis-cli", "-p", REDIS_PORT, "shutdown", "nosave"], check=False)
            self.timeline.append(f"{time.monotonic() - started:5.1f} s  redis shutdown nosave")
        if at(self.seconds * 0.5 + 8):
            subprocess.run(["redis-server", *REDIS_FLAGS], check=False)
            wait_until(redis_up, timeout_s=15, every_s=0.2)
            self.timeline.append(f"{time.monotonic() - started:5.1f} s  redis back")
            time.sleep(3)  # connections in flight when it came back may still fail once
            self.outage.clear()

    # --- the run --------------------------------------------------------------------------

    def run(self) -> int:
        redis_restore()  # the soak's own Redis, started
        self.database_create()
        server = self.server_start()
        workers = [start_worker(queue="celery", node=f"soak-{n}@%h", env=self.env) for n in (1, 2)]
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "reviewsec", "beat", "--loglevel=warning",
             "-s", f"/tmp/soak-beat-{os.getpid()}"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            time.sleep(3)
            started = time.monotonic()
            chaos = threading.Thread(target=self.chaos, args=(workers, started), daemon=True)
            chaos.start()
            threads = [
                threading.Thread(target=self.client, args=(n,), daemon=True)
                for n in range(self.clients)
            ]
            for thread in threads:
                thread.start()
            time.sleep(self.seconds)
            self.stop.set()
            for thread in threads:
                thread.join(timeout=40)
            chaos.join(timeout=30)
            settled = wait_until(self.jobs_settled, timeout_s=SETTLE_S, every_s=2)
            return self.report(time.monotonic() - started, settled)
        finally:
            self.stop.set()
            redis_restore()
            for worker in workers:
                stop_worker(worker)
            stop_worker(beat)
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=15)

    def query(self, sql: str) -> list[tuple]:
        with psycopg.connect(f"{POSTGRES}/{DATABASE}") as connection:
            return connection.execute(sql).fetchall()

    def jobs_settled(self) -> bool:
        active = self.query(
            "SELECT (SELECT count(*) FROM analyses_crawljob WHERE state IN ('queued','running'))"
            " + (SELECT count(*) FROM submissions_uploadjob WHERE state IN ('queued','running'))"
        )
        return active[0][0] == 0

    def report(self, elapsed: float, settled: bool) -> int:
        figures = self.figures
        print(f"soak: {self.clients} clients, {self.seconds:.0f} s load, {elapsed:.0f} s in all")
        for line in self.timeline:
            print("  " + line)
        total = sum(sum(counter.values()) for counter in figures.by_action.values())
        print(f"requests: {total} ({total / self.seconds:.1f}/s)")
        for action, counter in sorted(figures.by_action.items()):
            print(f"  {action:12s} " + "  ".join(f"{k}:{v}" for k, v in sorted(counter.items())))
        print(f"readable 503s during the outage: {figures.unavailable}")
        print(f"client-side errors (no answer): {dict(figures.errors) or 0}")
        crawl = self.query("SELECT state, count(*) FROM analyses_crawljob GROUP BY state")
        upload = self.query("SELECT state, count(*) FROM submissions_uploadjob GROUP BY state")
        print(f"crawl jobs: {dict(crawl)}   upload jobs: {dict(upload)}")
        reasons = self.query(
            "SELECT error_code, count(*) FROM analyses_crawljob WHERE state='failed'"
            " GROUP BY error_code"
        )
        print(f"crawl failures by reason: {dict(reasons)}")
        resent = self.query(
            "SELECT (SELECT count(*) FROM analyses_crawljob WHERE resends > 0),"
            " (SELECT count(*) FROM submissions_uploadjob WHERE resends > 0)"
        )[0]
        print(f"jobs re-sent after their message was lost: {resent[0]} crawl, {resent[1]} upload")
        for table in ("analyses_crawljob", "submissions_uploadjob"):
            stopped = f"to_timestamp({self.redis_stopped_at})"
            before, after = self.query(
                f"SELECT count(*) FILTER (WHERE created_at < {stopped}),"
                f" count(*) FILTER (WHERE created_at >= {stopped})"
                f" FROM {table} WHERE state IN ('queued', 'running')"
            )[0]
            print(f"  {table} still active: {before} sent before the Redis restart, {after} after")
        no_reason = self.query(
            "SELECT (SELECT count(*) FROM analyses_crawljob WHERE state='failed' AND error='')"
            " + (SELECT count(*) FROM submissions_uploadjob WHERE state='failed'"
            " AND errors::text IN ('[]', 'null'))"
        )[0][0]
        duplicates = {
            "reviews": "SELECT count(*) FROM (SELECT 1 FROM catalog_review"
            " GROUP BY marketplace, review_id HAVING count(*) > 1) d",
            "products": "SELECT count(*) FROM (SELECT 1 FROM catalog_product"
            " GROUP BY marketplace, asin HAVING count(*) > 1) d",
            "active jobs per product": "SELECT count(*) FROM (SELECT 1 FROM analyses_crawljob"
            " WHERE state IN ('queued','running') GROUP BY product_id HAVING count(*) > 1) d",
        }
        found = {name: self.query(sql)[0][0] for name, sql in duplicates.items()}
        counts = self.query(
            "SELECT (SELECT count(*) FROM catalog_review), (SELECT count(*) FROM catalog_product),"
            " (SELECT count(*) FROM analyses_analysis)"
        )[0]
        print(f"rows: {counts[0]} reviews, {counts[1]} products, {counts[2]} analyses")
        print(f"duplicates: {found}")
        problems = [*figures.bad[:10]]
        if len(figures.bad) > 10:
            problems.append(f"... and {len(figures.bad) - 10} more")
        if not settled:
            problems.append(f"jobs still active {SETTLE_S} s after the load stopped")
        if no_reason:
            problems.append(f"{no_reason} failed jobs without a reason")
        if any(found.values()):
            problems.append(f"duplicate rows: {found}")
        for problem in problems:
            print("FAIL: " + re.sub(r"\s+", " ", problem))
        print("soak: " + ("FAILED" if problems else "passed"))
        return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    missing = services_missing()
    if missing:
        print(f"soak skipped: {missing}")
        return 0
    try:
        return Soak(args.seconds, args.clients).run()
    finally:
        subprocess.run(["redis-cli", "-p", REDIS_PORT, "shutdown", "nosave"], check=False)


if __name__ == "__main__":
    sys.exit(main())
