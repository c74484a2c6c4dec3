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

Then the same load on the product's HTML verdict page, /p/{marketplace}/{asin}/ (cached per
analysis, issue 18: goal >= 60% of the API's requests per second), side by side with the API and
their ratio; the page's server time once cached (median of 20 sequential GETs on an idle server,
goal < 50 ms) and its first, uncached render; and the page's transfer size, HTML + the scripts
and style sheets it links, each fetched with ``Accept-Encoding: gzip`` (goal < 1 MB).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reviewsec REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/load_api.py [--requests 5000] [--concurrency 8] [--time-cap 60]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import os
import re
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
PAGE = f"/p/amazon.com/{ASIN}/"


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


def server_environment(database_url: str, scratch: Path) -> dict[str, str]:
    """The production settings, with static files collected into ``scratch`` (WhiteNoise's
    manifest needs them; the repository's own STATIC_ROOT is left alone)."""
    (scratch / "load_settings.py").write_text(
        "from reviewsec.settings_production import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(scratch / 'static')!r}\n"
    )
    path = os.pathsep.join(filter(None, [str(scratch), os.environ.get("PYTHONPATH")]))
    return {
        **os.environ,
        "PYTHONPATH": path,
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",  # plain HTTP on loopback; TLS ends at the proxy
        "API_RATE_ANON": "100000000/minute",  # counted as usual, never refused
        "LOG_LEVEL": "WARNING",
    }


def prepare(env: dict[str, str]) -> str:
    """Migrate the scratch database and store one product with one analysis; its verdict size."""
    for command in (["migrate"], ["collectstatic"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "--noinput", "-v", "0"],
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


def get(
    port: int, connection: http.client.HTTPConnection | None = None, path: str = PATH
) -> tuple[int, float]:
    """One GET of ``path``: (status, seconds); status 0 when the connection failed."""
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        connection.close()
        status = 0
    return status, time.perf_counter() - started


def load(
    port: int, requests: int, concurrency: int, time_cap_s: float, path: str = PATH
) -> dict[str, object]:
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
            status, seconds = get(port, connection, path)
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


def transfer_size(port: int) -> tuple[int, int, list[str]]:
    """(compressed bytes, uncompressed bytes, files) of the page and the scripts and style
    sheets it links, as a browser accepting gzip receives them."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    paths, wire, raw = [PAGE], 0, 0
    for index, path in enumerate(paths):
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        body = response.read()
        gzipped = response.getheader("Content-Encoding") == "gzip"
        plain = gzip.decompress(body) if gzipped else body
        # Django sends the HTML as it is (no GZipMiddleware): count it as a compressing proxy
        # in front of gunicorn (the deployment's TLS end) sends it, gzip level 6.
        wire += len(body) if gzipped else len(gzip.compress(plain, compresslevel=6))
        raw += len(plain)
        if index == 0:
            links = re.findall(rb'<(?:script[^>]*src|link[^>]*href)="(/[^"]+\.(?:js|css))"', plain)
            paths.extend(link.decode() for link in links)
    connection.close()
    return wire, raw, paths


def server_times(port: int) -> tuple[float, float]:
    """(seconds of the first, uncached GET of the page, median of 20 cached GETs), one at a time
    on an idle server over loopback: the server's time plus a loopback round trip."""
    first = get(port, path=PAGE)[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    cached = [get(port, connection, PAGE)[1] for _ in range(20)]
    connection.close()
    return first, statistics.median(cached)


def summary(name: str, result: dict[str, object]) -> tuple[str, float]:
    latencies, errors = result["latencies"], result["errors"]
    rate = len(latencies) / result["elapsed"]
    return (
        f"{name:<9} {len(latencies)} requests in {result['elapsed']:.2f} s: {rate:.0f} req/s; "
        f"latency p50 {percentile(latencies, 0.50) * 1e3:.1f} ms, "
        f"p90 {percentile(latencies, 0.90) * 1e3:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1e3:.1f} ms, "
        f"max {max(latencies) * 1e3:.1f} ms (mean {statistics.mean(latencies) * 1e3:.1f}); "
        f"errors {len(errors)}" + (f" (statuses {sorted(set(errors))})" if errors else ""),
        rate,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--time-cap", type=float, default=60.0, help="seconds, per load")
    args = parser.parse_args()

    port = free_port()
    with scratch_database() as database_url, contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-web-")))
        env = server_environment(database_url, scratch)
        verdict_bytes = prepare(env)
        with gunicorn(env, port, args.workers):
            first, cached = server_times(port)
            wire, raw, files = transfer_size(port)
            results = {}
            for name, path in (("API", PATH), ("HTML page", PAGE)):
                load(port, args.warmup, args.concurrency, args.time_cap, path)
                results[name] = load(port, args.requests, args.concurrency, args.time_cap, path)
    database = urlsplit(database_url).scheme.replace("postgres", "PostgreSQL")
    cache = "Redis" if os.environ.get("REDIS_URL") else "local memory"
    print(
        f"GET {PATH} ({verdict_bytes}-byte verdict) and GET {PAGE}: gunicorn, {args.workers} "
        f"sync workers, DEBUG off, {database}, cache {cache}; {args.concurrency} client threads "
        f"on loopback, {os.cpu_count()} CPUs"
    )
    rates = {}
    for name, result in results.items():
        line, rates[name] = summary(name, result)
        if len(result["latencies"]) < args.requests:
            line += f" (time cap of {args.time_cap:.0f} s reached)"
        print(line)
    ratio = rates["HTML page"] / rates["API"]
    print(f"HTML page / API requests per second: {ratio:.0%} (goal >= 60%)")
    print(
        f"HTML page server time: first (uncached) render {first * 1e3:.1f} ms, cached "
        f"{cached * 1e3:.1f} ms median of 20 (goal < 50 ms)"
    )
    print(
        f"HTML page transfer size: {wire / 1024:.0f} KiB compressed ({raw / 1024:.0f} KiB "
        f"uncompressed) over {len(files)} files ({', '.join(files)}) (goal < 1 MB)"
    )


if __name__ == "__main__":
    main()
