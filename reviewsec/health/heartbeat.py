"""Celery nodes say they are alive: a key with a time-to-live in Redis, renewed on an interval.

Every ``HEARTBEAT_INTERVAL_SECONDS`` a node (a worker, beat) writes ``{node, role, hostname, pid,
time}`` to ``reviewsec:heartbeat:<node>`` with a TTL of three intervals and adds its name to the set
``reviewsec:heartbeat:nodes``. A node that stops cleanly deletes its key; one that dies (SIGKILL,
the OOM killer, a lost host) drops out when the key expires. /healthz reads them with
:func:`heartbeats_live`; a container's health check asks about its own node with
``python -m reviewsec.health <node>``.

Workers run it as a bootstep (https://docs.celeryq.dev/en/stable/userguide/extending.html), beat
from the ``beat_init`` signal. The beat is a daemon thread, not the worker's timer
(``worker.timer.call_repeatedly``, the docs' bootstep example): with the Redis transport that
timer is driven by the worker's event loop, which the solo pool blocks while it runs a task, so a
worker busy with a 15-minute crawl would look dead.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import socket
import threading
import time
from typing import Any

import redis
from celery import bootsteps
from django.conf import settings

logger = logging.getLogger(__name__)

NODES_KEY = "reviewsec:heartbeat:nodes"
NODE_KEY = "reviewsec:heartbeat:{node}"
# A node is dead after missing this many beats in a row.
MISSED_BEATS = 3


@functools.lru_cache(maxsize=4)
def redis_client(url: str) -> redis.Redis:
    """One client (connection pool) per URL and process, with short time-outs: a health check
    must answer quickly, so a broker that does not reply within a second counts as down."""
    return redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)


class Heartbeat:
    """A daemon thread that writes one node's heartbeat every ``interval_s`` until stopped."""

    def __init__(self, *, node: str, role: str, redis_url: str, interval_s: float) -> None:
        self.node, self.role, self.interval_s = node, role, interval_s
        self.client = redis_client(redis_url)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{node}", daemon=True)
        self._failing = False

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and withdraw the heartbeat at once (a clean shutdown is not a death)."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval_s + 2)
        with contextlib.suppress(redis.RedisError):  # else the key expires on its own
            pipe = self.client.pipeline()
            pipe.delete(NODE_KEY.format(node=self.node)).srem(NODES_KEY, self.node).execute()

    def beat(self) -> None:
        ttl = max(1, round(self.interval_s * MISSED_BEATS))
        record = {
            "node": self.node,
            "role": self.role,
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "time": time.time(),
        }
        pipe = self.client.pipeline()
        pipe.set(NODE_KEY.format(node=self.node), json.dumps(record), ex=ttl)
        pipe.sadd(NODES_KEY, self.node).expire(NODES_KEY, ttl)
        pipe.execute()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.beat()
            except redis.RedisError as error:
                if not self._failing:  # once per outage, not every few seconds
                    logger.warning("heartbeat of %s not written: %s", self.node, error)
                self._failing = True
            else:
                if self._failing:
                    logger.info("heartbeat of %s written again", self.node)
                self._failing = False
            self._stopped.wait(self.interval_s)


def heartbeat_for(*, node: str, role: str) -> Heartbeat:
    return Heartbeat(
        node=node,
        role=role,
        redis_url=settings.REDIS_URL,
        interval_s=settings.HEARTBEAT_INTERVAL_SECONDS,
    )


class WorkerHeartbeat(bootsteps.StartStopStep):
    """The worker bootstep: beats from start to a clean stop. Needs Redis (REDIS_URL)."""

    requires = {"celery.worker.components:Pool"}  # after the pool forked its children

    def include_if(self, worker: Any) -> bool:
        return bool(settings.REDIS_URL)

    def create(self, worker: Any) -> Heartbeat:
        return heartbeat_for(node=worker.hostname, role="worker")


def beat_node_name() -> str:
    return f"beat@{socket.gethostname()}"


def beat_heartbeat_start(**_: Any) -> None:
    """``beat_init`` receiver: beat has no bootsteps; its heartbeat lasts as long as the process."""
    if settings.REDIS_URL:
        heartbeat_for(node=beat_node_name(), role="beat").start()


def heartbeats_live(*, redis_url: str, role: str | None = None) -> list[dict[str, Any]]:
    """The nodes whose heartbeat has not expired (of one role, if given), oldest name first.

    Also forgets the names of nodes whose key expired, so the set stays as small as the fleet.
    """
    client = redis_client(redis_url)
    nodes = sorted(name.decode() for name in client.smembers(NODES_KEY))
    if not nodes:
        return []
    values = client.mget([NODE_KEY.format(node=node) for node in nodes])
    gone = [node for node, value in zip(nodes, values, strict=True) if value is None]
    if gone:
        client.srem(NODES_KEY, *gone)
    now = time.time()
    live = []
    for value in values:
        if value is None:
            continue
        record = json.loads(value)
        if role is None or record.get("role") == role:
            record["age_s"] = round(max(0.0, now - float(record["time"])), 1)
            live.append(record)
    return live
