"""Load test on loopback: the cached verdict endpoint under gunicorn (issue 8: ≥ 300 req/s, p99 <
100 ms with 2 workers on a 2-core machine).

Prepares a database of its own — a scratch PostgreSQL database next to ``DATABASE_URL`` when
that points at PostgreSQL, else a scratch SQLite file — holding one product with one analysis
(a real detector verdict on 500 simulated reviews). Starts ``gunicorn reviewsec.wsgi`` with the
production settings (DEBUG off; Redis as the cache when ``REDIS_URL`` is set, as in
docker-compose.yml), warms it up, then sends a fixed number of GET
/api/v1/products/{marketplace}/{asin}/verdict from concurrent client threads (http.client) and
stops early at the time cap. The anonymous rate limit is raised out of the way, but every request
still pays for its count in the cache. Prints requests per second, latency percentiles, errors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reviewsec REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/load_api.py [--requests 5000] [--concurrency 8] [--time-cap 60]
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
ASIN = "B0LOADTEST"
PATH = f"/api/v1/products/amazon.com/{ASIN}/verdict"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def scratch_database() -> Iterator[str]:
    """A database URL nobody else uses, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        with tempfile.TemporaryDirectory(prefix="load-api-") as scratch:
            yield f"sqlite:///{scratch}/load.sqlite3"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'reviewsec'}_loadtest"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reviewsec.settings_production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",  # plain HTTP on loopback; TLS ends at the proxy
        "API_RATE_ANON": "100000000/minute",  # counted as usual, never refused
        "LOG_LEVEL": "WARNING",
    }


def prepare(env: dict[str, str]) -> str:
    """Migrate the scratch database and store one product with one analysis; its verdict size."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    code = (
        "import detector, json\n"
        "from detector.simulate import simulate\n"
        "from reviewsec.analyses.models import Analysis\n"
        "from reviewsec.catalog.models import Product\n"
        "arrays = simulate('boost', seed=1, n_reviews=500).to_arrays()\n"
        "verdict = detector.analyze(arrays).to_dict()\n"
        f"product = Product.objects.create(marketplace='amazon.com', asin='{ASIN}',\n"
        "    title='Load test skillet', shop_rating_count=500)\n"
        "Analysis.objects.create(product=product, detector_version=verdict['detector_version'],\n"
        "    verdict=verdict, category=verdict['verdict']['category'],\n"
        "    reviews_analyzed=verdict['reviews_analyzed'])\n"
        "print(len(json.dumps(verdict)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout.strip().splitlines()[-1]


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[None]:
    command = [sys.executable, "-m", "gunicorn", "reviewsec.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while get(port)[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not serve the verdict within 60 s")
            time.sleep(0.3)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(port: int, connection: http.client.HTTPConnection | None = None) -> tuple[int, float]:
    """One GET of the verdict: (status, seconds); status 0 when the connection failed."""
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    started = time.perf_counter()
    try:
        connection.request("GET", PATH, headers={"Accept": "application/json"})
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        connection.close()
        status = 0
    return status, time.perf_counter() - started


def load(port: int, requests: int, concurrency: int, time_cap_s: float) -> dict[str, object]:
    """``requests`` GETs from ``concurrency`` threads, each reusing its connection where the
    server keeps it open; stops issuing new ones at the time cap."""
    remaining = iter(range(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[int] = []
    deadline = time.monotonic() + time_cap_s

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if next(remaining, None) is None:
                    break
            status, seconds = get(port, connection)
            with lock:
                latencies.append(seconds)
                if status != 200:
                    errors.append(status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": latencies, "errors": errors}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--time-cap", type=float, default=60.0, help="seconds")
    args = parser.parse_args()

    port = free_port()
    with scratch_database() as database_url:
        env = server_environment(database_url)
        verdict_bytes = prepare(env)
        with gunicorn(env, port, args.workers):
            load(port, args.warmup, args.concurrency, args.time_cap)
            result = load(port, args.requests, args.concurrency, args.time_cap)
    latencies = result["latencies"]
    errors = result["errors"]
    done = len(latencies)
    database = urlsplit(database_url).scheme.replace("postgres", "PostgreSQL")
    cache = "Redis" if os.environ.get("REDIS_URL") else "local memory"
    print(
        f"GET {PATH} ({verdict_bytes}-byte verdict): gunicorn, {args.workers} sync workers, "
        f"DEBUG off, {database}, cache {cache}; {args.concurrency} client threads on loopback, "
        f"{os.cpu_count()} CPUs"
    )
    if done < args.requests:
        print(f"time cap of {args.time_cap:.0f} s reached after {done} of {args.requests} requests")
    print(
        f"{done} requests in {result['elapsed']:.2f} s: {done / result['elapsed']:.0f} req/s; "
        f"latency p50 {percentile(latencies, 0.50) * 1e3:.1f} ms, "
        f"p90 {percentile(latencies, 0.90) * 1e3:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1e3:.1f} ms, "
        f"max {max(latencies) * 1e3:.1f} ms (mean {statistics.mean(latencies) * 1e3:.1f}); "
        f"errors {len(errors)}" + (f" (statuses {sorted(set(errors))})" if errors else "")
    )


if __name__ == "__main__":
    main()
