"""A worker SIGKILLed in the middle of a crawl: Redis redelivers the task, another worker finishes
the job, and nothing is stored twice.

Real PostgreSQL, Redis and worker processes; the crawl reads the demo market on the live test
server. ``acks_late`` keeps the message unacknowledged while the task runs; the dead worker never
acknowledges it, so once it has been out for the visibility timeout (10 s here) the second
worker's periodic sweep puts it back on the queue and takes it (kombu's Redis transport,
``unacked_restore_interval``). ``crawl_job_claim`` lets the redelivered task take the RUNNING job
over, and the pipelines' upserts keep the reviews the first crawl stored from being duplicated.
"""

import json
import os
import tempfile
import time
import uuid

import pytest

from reviewsec.analyses.models import CrawlJob, JobState
from reviewsec.analyses.services import child_database_url
from reviewsec.analyses.tasks import crawl_job_task
from reviewsec.catalog.models import Product, Review
from reviewsec.celery import app
from reviewsec.demo_market.products import demo_catalogue
from tests.project.workers import kill_tree, sending_through, start_worker, stop_worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TIME_LIMIT_S = 30
VISIBILITY_TIMEOUT_S = 10


def test_a_killed_workers_crawl_is_redelivered_and_completes_without_duplicates(
    live_server, settings, postgres_only, redis_url
) -> None:
    settings.DEMO_MARKET = True
    settings.DEMO_MARKET_BASE_URL = f"{live_server.url}/demo-market"
    largest = max(demo_catalogue(), key=lambda product: product.n_reviews)
    product = Product.objects.create(marketplace="demo", asin=largest.asin)
    job = CrawlJob.objects.create(product=product)
    queue = f"test-killed-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": child_database_url(),  # the test database, not the development one
        "REDIS_URL": redis_url,
        "DEMO_MARKET": "1",
        "DEMO_MARKET_BASE_URL": settings.DEMO_MARKET_BASE_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
        "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT_S),
        "CELERY_TASK_SOFT_TIME_LIMIT": str(TIME_LIMIT_S - 5),
        "CRAWL_TIMEOUT_SECONDS": str(TIME_LIMIT_S - 10),
        "LOG_FORMAT": "json",
    }
    with tempfile.TemporaryFile() as second_log:
        first = start_worker(queue=queue, node=f"{queue}-first@%h", env=env)
        second = None
        try:
            with sending_through(app, redis_url):
                crawl_job_task.apply_async(args=[job.id], queue=queue)
            assert wait_until(lambda: _reviews_fetched(job) >= 10, timeout_s=30), _describe(job)
            killed = kill_tree(first)
            killed_at = time.monotonic()
            assert len(killed) >= 2, "the worker and its crawl child"
            assert wait_until(lambda: not any(map(_alive, killed)), timeout_s=5)
            job.refresh_from_db()
            assert job.state == JobState.RUNNING, "the dead worker cannot have finished the job"
            assert 0 < job.reviews_fetched < largest.n_reviews, "killed in the middle of the crawl"

            second = start_worker(
                queue=queue, node=f"{queue}-second@%h", env=env, stderr=second_log.fileno()
            )
            finished = wait_until(lambda: _finished(job), timeout_s=TIME_LIMIT_S, every_s=0.2)
            finished_after_s = time.monotonic() - killed_at
        finally:
            for worker in (first, second):
                if worker is not None:
                    stop_worker(worker)
        second_log.seek(0)
        second_lines = second_log.read().decode(errors="replace").splitlines()

    job.refresh_from_db()
    assert finished, f"{TIME_LIMIT_S} s after its worker died, {_describe(job)}"
    assert job.state == JobState.DONE, job.error
    assert finished_after_s < TIME_LIMIT_S
    assert job.attempts == 2, "the second worker took the running job over"
    reviews = Review.objects.filter(product=product)
    assert reviews.count() == largest.n_reviews
    assert reviews.values("review_id").distinct().count() == largest.n_reviews
    # One preliminary verdict (before the reviewer profiles) and the refined one (issue 18).
    final = product.analyses.order_by("-created_at").first()
    assert final.verdict["collection"]["preliminary"] is False
    assert final.reviews_analyzed == largest.n_reviews
    # The second worker's own log lines for the job are JSON carrying its id.
    records = [json.loads(line) for line in second_lines if line.startswith('{"time"')]
    assert any(record.get("job_id") == job.id for record in records), second_lines[-20:]


def _reviews_fetched(job: CrawlJob) -> int:
    job.refresh_from_db()
    if job.state not in (JobState.QUEUED, JobState.RUNNING):
        raise AssertionError(f"the job ended before the worker could be killed: {job.error}")
    return job.reviews_fetched if job.stage == "reviews" else 0


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead, unreaped
    except FileNotFoundError:
        return False


def _finished(job: CrawlJob) -> bool:
    job.refresh_from_db()
    return job.state in (JobState.DONE, JobState.FAILED)


def _describe(job: CrawlJob) -> str:
    job.refresh_from_db()
    return f"job {job.id}: {job.state} {job.stage} reviews={job.reviews_fetched} {job.error}"
