"""What /healthz checks. Each check is cheap and bounded by short time-outs, and reports a status
and a few figures, never a message that could carry a host name or a password: the details of a
failure go to the log.

``ok``: working; ``in-process``: not needed in the embedded mode (tasks run in the web process,
no broker, no worker); ``error``: broken. Beat only starts scheduled recrawls and refits, so a
missing beat is reported (``missing``) without making the service unhealthy.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from reviewsec.health.heartbeat import heartbeats_live, redis_client

logger = logging.getLogger(__name__)

HEALTHY = {"ok", "in-process"}
# Reported, but not part of the verdict.
INFORMATIONAL = {"beat"}


def embedded() -> bool:
    """No broker: Celery runs tasks in the web process."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def database_check() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "vendor": connection.vendor}


def cache_check() -> dict[str, Any]:
    key, token = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, token, timeout=5)  # a fresh key each time: concurrent probes never clash
    found = cache.get(key)
    return {"status": "ok" if found == token else "error"}


def broker_check() -> dict[str, Any]:
    if embedded():
        return {"status": "in-process"}
    redis_client(settings.REDIS_URL).ping()
    return {"status": "ok"}


def workers_check() -> dict[str, Any]:
    if embedded():
        return {"status": "in-process"}
    nodes = heartbeats_live(redis_url=settings.REDIS_URL, role="worker")
    return {"status": "ok" if nodes else "error", "count": len(nodes), "nodes": _public(nodes)}


def beat_check() -> dict[str, Any]:
    if embedded():
        return {"status": "in-process"}
    nodes = heartbeats_live(redis_url=settings.REDIS_URL, role="beat")
    return {"status": "ok" if nodes else "missing", "nodes": _public(nodes)}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": database_check,
    "cache": cache_check,
    "broker": broker_check,
    "workers": workers_check,
    "beat": beat_check,
}


def health_report() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Run every check; (healthy, each check's result with the time it took)."""
    results = {name: _timed(name, check) for name, check in CHECKS.items()}
    healthy = all(
        result["status"] in HEALTHY for name, result in results.items() if name not in INFORMATIONAL
    )
    return healthy, results


def _timed(name: str, check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:
        logger.warning("health check %s failed: %r", name, error)
        result = {"status": "error", "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _public(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"node": node["node"], "pid": node["pid"], "age_s": node["age_s"]} for node in nodes]
