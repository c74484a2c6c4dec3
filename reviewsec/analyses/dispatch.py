"""Crawl jobs' dispatcher (``reviewsec.lib.dispatch``): enqueued on commit, orphans detected,
lost messages re-sent."""

from __future__ import annotations

from django.utils import timezone

from reviewsec.analyses.models import CrawlJob, JobState
from reviewsec.lib.dispatch import JobDispatcher, JobId

NOT_SENT_MESSAGE = (
    "The analysis could not be started again because the service was busy or down; "
    "please try again in a minute."
)


LOST_MESSAGE = (
    "The analysis could not be started: its request was lost by the job queue several times "
    "(the service was restarting); please try again."
)


def _record_task_id(job_id: JobId, task_id: str) -> None:
    """Before the message is published: the worker that gets it must find its id here."""
    CrawlJob.objects.filter(id=job_id, state=JobState.QUEUED).update(celery_task_id=task_id)


def _fail_queued(job_id: JobId, *, error: str, error_code: str) -> None:
    """Fail a job still queued (one no worker has claimed) with a readable reason."""
    now = timezone.now()
    CrawlJob.objects.filter(id=job_id, state=JobState.QUEUED).update(
        state=JobState.FAILED,
        finished_at=now,
        updated_at=now,
        error=error,
        error_code=error_code,
    )


def crawl_job_give_up(job_id: JobId) -> None:
    """Its message was lost ``MAX_RESENDS`` times: fail it readably, freeing the product's slot."""
    _fail_queued(job_id, error=LOST_MESSAGE, error_code="lost")


def _roll_back_or_fail(job_id: JobId) -> None:
    """The broker refused the job's task: a job created just now is deleted, as if never made;
    a job housekeeping re-queued or re-sent (it has a history) is failed with a reason.

    Race: the job row was committed before the send, so in the moment between (kombu's publish
    retries take well under a second) another request for the same product can find this job
    and join it; after the delete, that request's progress page says there is no such job and
    the shopper pastes again, starting afresh. No worker can have claimed it: its task never
    reached the broker (``attempts=0`` makes the delete a no-op if one somehow had).
    """
    fresh = CrawlJob.objects.filter(
        id=job_id, state=JobState.QUEUED, attempts=0, resends=0, requeued_at__isnull=True
    )
    deleted, _ = fresh.delete()
    if not deleted:
        _fail_queued(job_id, error=NOT_SENT_MESSAGE, error_code="not_sent")


crawl_job_dispatcher = JobDispatcher(
    task_name="reviewsec.analyses.crawl_job",
    thread_name="crawl-job",
    record_task_id=_record_task_id,
    on_not_sent=_roll_back_or_fail,
)
