"""Claiming, finishing and failing jobs: a retried or duplicated task never does the work twice."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from reviewsec.analyses.errors import CrawlFailed, RetryableCrawlError
from reviewsec.analyses.models import CrawlJob, JobState
from reviewsec.analyses.services import (
    crawl_job_claim,
    crawl_job_fail,
    crawl_job_finish,
    crawl_job_progress,
    readable_failure,
)
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def job() -> CrawlJob:
    return CrawlJob.objects.create(product=make_product())


def test_claiming_a_queued_job_marks_it_running(job: CrawlJob) -> None:
    claimed = crawl_job_claim(job_id=job.id)
    assert claimed is not None and claimed.state == JobState.RUNNING
    assert claimed.attempts == 1 and claimed.started_at is not None


def test_a_running_job_is_taken_over_after_a_worker_died(job: CrawlJob) -> None:
    crawl_job_claim(job_id=job.id)
    again = crawl_job_claim(job_id=job.id)
    assert again is not None and again.attempts == 2 and again.stage == "restarting"


def test_a_finished_job_is_not_claimed_again(job: CrawlJob) -> None:
    crawl_job_claim(job_id=job.id)
    crawl_job_finish(job_id=job.id)
    assert crawl_job_claim(job_id=job.id) is None


def test_progress_is_recorded_only_while_running(job: CrawlJob) -> None:
    crawl_job_progress(job_id=job.id, reviews_fetched=10)
    job.refresh_from_db()
    assert job.reviews_fetched == 0
    crawl_job_claim(job_id=job.id)
    crawl_job_progress(job_id=job.id, stage="reviews", reviews_fetched=40, reviews_expected=200)
    job.refresh_from_db()
    assert (job.stage, job.reviews_fetched, job.reviews_expected) == ("reviews", 40, 200)


def test_a_failed_job_keeps_a_readable_reason(job: CrawlJob) -> None:
    crawl_job_claim(job_id=job.id)
    crawl_job_fail(job_id=job.id, message="Amazon showed a robot check.", code="robot_check")
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "Amazon showed a robot check."
    assert job.error_code == "robot_check"
    assert job.finished_at is not None


def test_a_done_job_is_never_turned_into_a_failure(job: CrawlJob) -> None:
    crawl_job_claim(job_id=job.id)
    crawl_job_finish(job_id=job.id)
    crawl_job_fail(job_id=job.id, message="late failure")
    job.refresh_from_db()
    assert job.state == JobState.DONE


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (CrawlFailed("Amazon has no product page for this ASIN."), "no product page"),
        (RetryableCrawlError("Amazon showed a robot check."), "robot check"),
        (SoftTimeLimitExceeded(), "took longer than allowed"),
        (RuntimeError("psycopg exploded at 0x7f"), "went wrong on our side"),
    ],
)
def test_every_failure_reads_as_a_sentence_for_a_shopper(error, expected) -> None:
    message = readable_failure(error)
    assert expected in message
    assert "0x7f" not in message
