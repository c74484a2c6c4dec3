"""A real worker process writes a heartbeat that /healthz reports, and withdraws it on shutdown."""

import os
import socket
import subprocess
import sys
import uuid

import pytest

from tests.project.workers import ROOT, start_worker, stop_worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _workers(client) -> list[str]:
    details = client.get("/healthz", HTTP_AUTHORIZATION="Bearer probe-token").json()
    return [node["node"] for node in details["checks"]["workers"]["nodes"]]


@pytest.fixture(autouse=True)
def healthz_token(settings) -> None:
    """Node names are details, shown only with HEALTHZ_TOKEN (test_healthz_details.py)."""
    settings.HEALTHZ_TOKEN = "probe-token"


def _node_is_live(node: str, env: dict[str, str]) -> bool:
    """The container health check: ``python -m reviewsec.health NODE``."""
    command = [sys.executable, "-m", "reviewsec.health", node]
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=60)
    return completed.returncode == 0


def test_a_running_worker_is_reported_until_it_stops(client, settings, redis_url) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = redis_url
    queue = f"test-heartbeat-{uuid.uuid4().hex[:8]}"
    node = f"{queue}@{socket.gethostname()}"
    env = {**os.environ, "REDIS_URL": redis_url, "HEARTBEAT_INTERVAL_SECONDS": "1"}
    worker = start_worker(queue=queue, node=node, env=env)
    try:
        assert wait_until(lambda: node in _workers(client), timeout_s=30, every_s=0.2)
        response = client.get("/healthz")
        assert response.status_code == 200, response.content
        assert _node_is_live(node, env)
    finally:
        stop_worker(worker)

    assert worker.returncode == 0
    assert node not in _workers(client), "a warm shutdown withdraws the heartbeat at once"
    assert not _node_is_live(node, env)
