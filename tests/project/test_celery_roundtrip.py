"""One task through a real Redis broker to a real Celery worker process and back."""

import os
import uuid
from collections.abc import Iterator

import pytest
from django.db import connection

from reviewsec.celery import app, ping
from tests.project.workers import start_worker, stop_worker

pytestmark = pytest.mark.integration


@pytest.fixture
def worker_queue(redis_url: str) -> Iterator[str]:
    """Start a worker consuming a private queue, so no other worker can answer for it."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = start_worker(
        queue=queue, node=f"{queue}@%h", env={**os.environ, "REDIS_URL": redis_url}
    )
    try:
        yield queue
    finally:
        stop_worker(process)


def test_a_task_goes_through_redis_to_a_worker_and_back(worker_queue: str, settings) -> None:
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.result_backend = settings.CELERY_RESULT_BACKEND
    result = ping.apply_async(queue=worker_queue)
    answer = result.get(timeout=60)
    assert answer["pid"] != str(os.getpid()), "the task ran in the test process, not a worker"
    assert answer["db"] == connection.vendor, "the worker must use the same database settings"
