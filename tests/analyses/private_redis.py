"""A private redis-server for tests that stop, kill or restart the broker.

The shared Redis (``REDIS_URL``, port 6379 in CI) is never touched: each test that needs an
outage starts its own server on a free port, points this process's Celery app at it, and kills
or restarts it as a real outage would (``shutdown nosave`` loses every message, as a Redis
without persistence does). A missing ``redis-server`` skips locally and fails in CI.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator

import kombu.pools
import pytest
import redis

from reviewsec.celery import app
from tests.conftest import service_unavailable
from tests.project.workers import wait_until

PORTS = range(8100, 8200)  # this suite's own range (never 6379)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8100-8199 for a private redis-server")


class PrivateRedis:
    """One redis-server without persistence, started, killed and restarted on the same port."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tempfile.TemporaryDirectory(prefix="private-redis-")
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self._dir.name],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        assert wait_until(self.up, timeout_s=10, every_s=0.05), "private redis-server did not start"

    def up(self) -> bool:
        with contextlib.suppress(redis.RedisError):
            return bool(self.client().ping())
        return False

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2)

    def kill(self) -> None:
        """Gone at once, with everything it held (SIGKILL: no persistence to save to)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)

    def restart(self) -> None:
        """Down and up again, every message lost, like ``shutdown nosave`` on the soak's Redis."""
        self.kill()
        self.start()

    def close(self) -> None:
        self.kill()
        self._dir.cleanup()


@contextlib.contextmanager
def app_sending_to(url: str) -> Iterator[None]:
    """Make this process's Celery app publish to ``url`` (not in-process), and undo it.

    The app keeps one connection pool and one producer pool for the URL it first used (with a
    live broker, the shared one): both are dropped so the next publish connects to ``url``."""
    conf = app.conf
    saved = conf.task_always_eager, conf.broker_url
    _drop_pools()
    conf.task_always_eager, conf.broker_url = False, url
    try:
        yield
    finally:
        _drop_pools()
        conf.task_always_eager, conf.broker_url = saved


def _drop_pools() -> None:
    """Close and forget every kombu pool (they are global, keyed by URL: a port reused by the
    next private server must not find a closed one), and the app's references to them."""
    with contextlib.suppress(Exception):
        kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_broker(settings) -> Iterator[PrivateRedis]:
    """A private Redis this process's jobs are sent to (as with ``REDIS_URL``)."""
    if shutil.which("redis-server") is None:
        service_unavailable("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with app_sending_to(server.url):
            yield server
    finally:
        server.close()
