"""Housekeeping: old jobs pruned; a job whose worker died is re-queued once, then failed."""

import datetime as dt

import pytest
from django.utils import timezone

from reviewsec.analyses.housekeeping import (
    STUCK_MESSAGE,
    crawl_jobs_prune,
    housekeeping_run,
    stuck_after,
)
from reviewsec.analyses.models import CrawlJob, JobState
from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db


def _job(state: str, *, untouched_for: dt.timedelta, **fields: object) -> CrawlJob:
    job = CrawlJob.objects.create(product=make_product(), state=state, **fields)
    CrawlJob.objects.filter(id=job.id).update(updated_at=timezone.now() - untouched_for)
    job.refresh_from_db()
    return job


def test_stuck_means_past_the_time_limit_and_the_longest_back_off(settings) -> None:
    settings.CELERY_TASK_TIME_LIMIT = 1800
    assert stuck_after() == dt.timedelta(minutes=30 + 15 + 5)


def test_finished_jobs_past_retention_are_pruned_and_their_analyses_stay() -> None:
    now = timezone.now()
    old = CrawlJob.objects.create(
        product=make_product(), state=JobState.DONE, finished_at=now - dt.timedelta(days=40)
    )
    analysis = make_analysis(old.product)
    analysis.crawl_job = old
    analysis.save()
    failed_old = CrawlJob.objects.create(
        product=make_product(), state=JobState.FAILED, finished_at=now - dt.timedelta(days=31)
    )
    recent = CrawlJob.objects.create(
        product=make_product(), state=JobState.DONE, finished_at=now - dt.timedelta(days=3)
    )
    running = CrawlJob.objects.create(product=make_product(), state=JobState.RUNNING)

    assert crawl_jobs_prune(days=30) == 2

    remaining = set(CrawlJob.objects.values_list("id", flat=True))
    assert remaining == {recent.id, running.id}
    assert old.id not in remaining and failed_old.id not in remaining
    analysis.refresh_from_db()
    assert analysis.crawl_job is None


def test_a_stuck_job_is_requeued_once_then_failed(sent_jobs, django_capture_on_commit_callbacks):
    long_ago = stuck_after() + dt.timedelta(minutes=1)
    stuck = _job(JobState.RUNNING, untouched_for=long_ago, stage="reviews", celery_task_id="t-1")
    lost = _job(JobState.QUEUED, untouched_for=long_ago)
    busy = _job(JobState.RUNNING, untouched_for=dt.timedelta(minutes=2))

    with django_capture_on_commit_callbacks(execute=True):
        first = housekeeping_run()

    assert sorted(first.requeued) == sorted([stuck.id, lost.id]) and first.failed == []
    assert sorted(sent_jobs) == sorted([stuck.id, lost.id])
    stuck.refresh_from_db()
    assert (stuck.state, stuck.stage, stuck.celery_task_id) == (JobState.QUEUED, "requeued", "")
    assert stuck.requeued_at is not None
    busy.refresh_from_db()
    assert busy.state == JobState.RUNNING and busy.requeued_at is None

    # The re-sent task never ran either (the worker pool is gone): the next run gives up.
    CrawlJob.objects.filter(id=stuck.id).update(updated_at=timezone.now() - long_ago)
    second = housekeeping_run()

    assert second.failed == [stuck.id] and second.requeued == []
    stuck.refresh_from_db()
    assert (stuck.state, stuck.error, stuck.error_code) == (JobState.FAILED, STUCK_MESSAGE, "stuck")
    assert stuck.finished_at is not None


def test_progress_keeps_a_long_crawl_from_looking_stuck() -> None:
    from reviewsec.analyses.services import crawl_job_progress

    job = _job(JobState.RUNNING, untouched_for=stuck_after() + dt.timedelta(minutes=1))

    crawl_job_progress(job_id=job.id, stage="reviews", pages_fetched=40)

    assert housekeeping_run().requeued == []


def test_in_process_a_job_left_behind_by_a_restart_is_replaced(settings, sent_jobs) -> None:
    from reviewsec.analyses.services import ORPHANED_MESSAGE, analysis_request

    settings.CELERY_TASK_ALWAYS_EAGER = True
    orphan = _job(JobState.RUNNING, untouched_for=dt.timedelta(minutes=5))
    product = orphan.product

    outcome = analysis_request(marketplace=product.marketplace, asin=product.asin)

    orphan.refresh_from_db()
    assert (orphan.state, orphan.error) == (JobState.FAILED, ORPHANED_MESSAGE)
    assert outcome.job.id != orphan.id and outcome.job.state == JobState.QUEUED


def test_with_a_broker_an_active_job_is_joined_not_replaced(settings, sent_jobs) -> None:
    from reviewsec.analyses.services import analysis_request

    settings.CELERY_TASK_ALWAYS_EAGER = False
    running = _job(JobState.RUNNING, untouched_for=dt.timedelta(minutes=5))

    outcome = analysis_request(marketplace=running.product.marketplace, asin=running.product.asin)

    assert outcome.job.id == running.id


@pytest.mark.integration
def test_a_job_whose_worker_stopped_beating_is_requeued_within_minutes(
    redis_url, settings, sent_jobs, django_capture_on_commit_callbacks
) -> None:
    """Real Redis heartbeats: the dead worker's job is re-queued long before the time limit."""
    import uuid

    from reviewsec.health.heartbeat import Heartbeat

    settings.REDIS_URL = redis_url
    alive_node, dead_node = (f"celery@{name}-{uuid.uuid4().hex[:6]}" for name in ("up", "gone"))
    heartbeat = Heartbeat(node=alive_node, role="worker", redis_url=redis_url, interval_s=10)
    heartbeat.beat()
    try:
        minutes = dt.timedelta(minutes=2)
        on_live_worker = _job(JobState.RUNNING, untouched_for=minutes, worker=alive_node)
        on_dead_worker = _job(JobState.RUNNING, untouched_for=minutes, worker=dead_node)
        just_claimed = _job(
            JobState.RUNNING, untouched_for=dt.timedelta(seconds=5), worker=dead_node
        )

        with django_capture_on_commit_callbacks(execute=True):
            done = housekeeping_run()
    finally:
        heartbeat.stop()

    assert done.requeued == [on_dead_worker.id] and sent_jobs == [on_dead_worker.id]
    for job in (on_live_worker, just_claimed):
        job.refresh_from_db()
        assert job.state == JobState.RUNNING and job.requeued_at is None
