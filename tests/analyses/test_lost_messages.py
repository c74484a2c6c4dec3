"""Jobs whose message the broker lost are re-sent within a minute, a bounded number of times.

Found by ``benchmarks/soak_hostile.py``: Redis restarted without persistence, and the queued jobs
whose messages it held stayed ``queued`` for more than 30 minutes. The broker here is a real
private redis-server, restarted with every message lost; never the shared one.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone

from reviewsec.analyses.dispatch import LOST_MESSAGE, crawl_job_dispatcher
from reviewsec.analyses.housekeeping import jobs_resend_lost
from reviewsec.analyses.models import CrawlJob, JobState
from reviewsec.analyses.services import crawl_job_claim
from reviewsec.celery import app
from reviewsec.lib.broker import broker_task_ids
from reviewsec.lib.dispatch import MAX_RESENDS
from tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)  # messages are sent on commit

OLD = dt.timedelta(minutes=2)


def _age(job: CrawlJob, by: dt.timedelta = OLD) -> CrawlJob:
    CrawlJob.objects.filter(id=job.id).update(updated_at=timezone.now() - by)
    job.refresh_from_db()
    return job


def _queued_job() -> CrawlJob:
    job = CrawlJob.objects.create(product=make_product(), state=JobState.QUEUED)
    crawl_job_dispatcher.enqueue(job.id)  # outside a transaction: sent at once
    job.refresh_from_db()
    return job


def _queue_ids(broker) -> list[str]:
    return [json.loads(raw)["headers"]["id"] for raw in broker.client().lrange("celery", 0, -1)]


@pytest.mark.integration
def test_the_task_id_is_on_the_row_before_the_message_is_in_the_queue(private_broker) -> None:
    job = _queued_job()

    assert job.celery_task_id and _queue_ids(private_broker) == [job.celery_task_id]
    assert broker_task_ids(app) == {job.celery_task_id}


@pytest.mark.integration
def test_jobs_lost_in_a_redis_restart_are_resent_and_the_others_are_left_alone(
    private_broker,
) -> None:
    lost = _queued_job()
    private_broker.restart()  # shutdown without persistence: the message is gone
    waiting = _queued_job()  # sent after the restart: still in the queue
    taken = _queued_job()
    fresh = CrawlJob.objects.create(product=make_product(), state=JobState.QUEUED)
    for job in (lost, waiting, taken):
        _age(job)

    with app.connection_for_read() as worker:  # a worker holds one, unacknowledged
        held = worker.default_channel.basic_get("celery", no_ack=False)
        assert held.headers["id"] == waiting.celery_task_id  # the oldest first (BRPOP)
        taken, waiting = waiting, taken
        report = jobs_resend_lost()

    assert report["broker_readable"] and report["resent"] == [lost.id]
    assert report["failed"] == []
    lost_after = CrawlJob.objects.get(id=lost.id)
    assert (lost_after.state, lost_after.resends) == (JobState.QUEUED, 1)
    assert lost_after.celery_task_id not in ("", lost.celery_task_id)
    assert lost_after.celery_task_id in _queue_ids(private_broker)
    for job in (waiting, taken, fresh):  # in the queue, out with a worker, or under a minute
        after = CrawlJob.objects.get(id=job.id)
        assert (after.resends, after.celery_task_id) == (0, job.celery_task_id)


@pytest.mark.integration
def test_a_job_lost_again_and_again_is_failed_with_a_reason(private_broker) -> None:
    job = _queued_job()
    for attempt in range(MAX_RESENDS):
        private_broker.restart()
        _age(job)
        assert jobs_resend_lost()["resent"] == [job.id], f"resend {attempt + 1}"

    private_broker.restart()
    _age(job)
    report = jobs_resend_lost()

    job.refresh_from_db()
    assert report["failed"] == [job.id] and report["resent"] == []
    assert (job.state, job.error_code, job.error) == (JobState.FAILED, "lost", LOST_MESSAGE)
    assert job.resends == MAX_RESENDS and job.finished_at is not None


@pytest.mark.integration
def test_with_the_broker_down_nothing_is_judged_lost(private_broker) -> None:
    job = _age(_queued_job())
    private_broker.kill()

    report = jobs_resend_lost()

    job.refresh_from_db()
    assert report["broker_readable"] is False and report["resent"] == []
    assert (job.state, job.resends) == (JobState.QUEUED, 0)


def test_a_superseded_message_cannot_claim_the_resent_job() -> None:
    job = CrawlJob.objects.create(
        product=make_product(), state=JobState.QUEUED, celery_task_id="new-id", resends=1
    )

    assert crawl_job_claim(job_id=job.id, task_id="old-id") is None
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.QUEUED, 0)
    claimed = crawl_job_claim(job_id=job.id, task_id="new-id")
    assert claimed is not None and claimed.state == JobState.RUNNING
    # A redelivery of the same message (acks_late) still takes the running job over...
    assert crawl_job_claim(job_id=job.id, task_id="new-id").stage == "restarting"
    # ...but a stale one does not run it a second time beside it.
    assert crawl_job_claim(job_id=job.id, task_id="old-id") is None


def test_a_job_sent_before_task_ids_were_recorded_is_claimed_by_its_message() -> None:
    job = CrawlJob.objects.create(product=make_product(), state=JobState.QUEUED)

    assert crawl_job_claim(job_id=job.id, task_id="any-id") is not None


def test_in_process_a_queued_job_no_thread_runs_is_rerun_then_given_up(settings, sent_jobs) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    job = _age(CrawlJob.objects.create(product=make_product(), state=JobState.QUEUED))
    young = CrawlJob.objects.create(product=make_product(), state=JobState.QUEUED)

    for attempt in range(MAX_RESENDS):
        assert jobs_resend_lost()["resent"] == [job.id], f"resend {attempt + 1}"
        _age(job)
    report = jobs_resend_lost()

    assert sent_jobs == [job.id] * MAX_RESENDS and report["failed"] == [job.id]
    job.refresh_from_db()
    assert (job.state, job.error_code) == (JobState.FAILED, "lost")
    young.refresh_from_db()
    assert (young.state, young.resends) == (JobState.QUEUED, 0)


def test_in_process_a_job_a_thread_of_this_server_runs_is_not_lost(settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    job = _age(CrawlJob.objects.create(product=make_product(), state=JobState.QUEUED))
    crawl_job_dispatcher._running_here.add(str(job.id))
    try:
        assert jobs_resend_lost()["resent"] == []
    finally:
        crawl_job_dispatcher._running_here.discard(str(job.id))
