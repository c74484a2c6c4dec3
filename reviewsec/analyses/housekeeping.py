"""Housekeeping: prune old finished jobs, and find jobs whose worker died.

A job row is *stuck* when nobody is working on it any more. Two ways to know:

* its worker is dead: the job records the Celery node that claimed it, and that node's heartbeat
  (``reviewsec.health.heartbeat``, renewed every few seconds) has expired — found at the next
  housekeeping run (every 5 minutes), well inside the task's time limit;
* it is old: still queued or running long after any live worker would have touched it (running
  jobs update ``updated_at`` with every page; a job waiting for its retry back-off is touched
  when it starts waiting). Past the hard time limit plus the longest back-off, no worker is on
  it. This also covers a lost message and a broker whose heartbeats cannot be read.

A stuck job is re-queued **once** (its old message revoked, so two workers never run it side by
side); stuck a second time, it is failed with a reason the shopper can read, so the product's
"one active job" slot is freed and the next request starts afresh.

Other kinds of job (uploads) are tidied by the tasks their apps register with
``hooks.on_housekeeping``; their counts join the report under their own names.

A job whose message was lost (Redis restarted without persistence) waits in ``queued`` with
nobody to start it; the stuck rule above would find it only after the time limit. So a lighter
pass, every minute, re-sends queued jobs whose task id the broker holds nowhere
(``jobs_resend_lost``; ``JobDispatcher.resend_lost`` says how, and why it never resends by age
alone), for crawl jobs and for the kinds registered with ``hooks.on_lost_jobs_resend``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from reviewsec.analyses import hooks
from reviewsec.analyses.dispatch import crawl_job_dispatcher, crawl_job_give_up
from reviewsec.analyses.errors import RETRY_BACKOFF_MAX_SECONDS
from reviewsec.analyses.models import ACTIVE_JOB_STATES, CrawlJob, JobState
from reviewsec.celery import app
from reviewsec.health.heartbeat import heartbeats_live
from reviewsec.lib.dispatch import JobNotSent

logger = logging.getLogger(__name__)

STUCK_MESSAGE = (
    "The analysis stopped unexpectedly (the worker running it went away) and did not recover; "
    "please try again."
)
_MARGIN = dt.timedelta(minutes=5)


def stuck_after() -> dt.timedelta:
    """How long an active job may go untouched before it counts as stuck."""
    time_limit = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    longest_backoff = dt.timedelta(seconds=RETRY_BACKOFF_MAX_SECONDS)
    return time_limit + longest_backoff + _MARGIN


@dataclass(frozen=True)
class Housekeeping:
    pruned: int
    requeued: list[int]
    failed: list[int]
    # What the registered tasks of other job kinds did, by name (``uploads_failed``…).
    others: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pruned": self.pruned,
            "requeued": self.requeued,
            "failed": self.failed,
            **self.others,
        }


def crawl_jobs_prune(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete finished jobs older than ``JOB_RETENTION_DAYS``; analyses keep their verdicts."""
    now = now or timezone.now()
    days = settings.JOB_RETENTION_DAYS if days is None else days
    cutoff = now - dt.timedelta(days=days)
    deleted, _ = CrawlJob.objects.filter(
        state__in=[JobState.DONE, JobState.FAILED], finished_at__lt=cutoff
    ).delete()
    return deleted


def crawl_jobs_stuck(*, now: dt.datetime | None = None) -> list[CrawlJob]:
    """Active jobs nobody is working on: untouched past ``stuck_after()``, or running on a
    worker whose heartbeat expired (found within minutes instead of after the time limit)."""
    now = now or timezone.now()
    untouched = Q(updated_at__lt=now - stuck_after())
    alive = workers_alive()
    if alive is not None:
        grace = dt.timedelta(seconds=settings.HEARTBEAT_INTERVAL_SECONDS * 3)
        untouched |= (
            Q(state=JobState.RUNNING, updated_at__lt=now - grace)
            & ~Q(worker="")
            & ~Q(worker__in=alive)
        )
    return list(CrawlJob.objects.filter(state__in=ACTIVE_JOB_STATES).filter(untouched))


def workers_alive() -> frozenset[str] | None:
    """The worker nodes whose heartbeat is live, or None when that cannot be known (no broker,
    or Redis not answering): then only the time limit decides, never a missing heartbeat."""
    if not settings.REDIS_URL:
        return None
    try:
        live = heartbeats_live(redis_url=settings.REDIS_URL, role="worker")
    except Exception:
        logger.warning("worker heartbeats unreadable; judging stuck jobs by age only")
        return None
    return frozenset(record["node"] for record in live)


def crawl_jobs_recover(*, now: dt.datetime | None = None) -> tuple[list[int], list[int]]:
    """Re-queue stuck jobs once; fail the ones that were already re-queued."""
    now = now or timezone.now()
    requeued: list[int] = []
    failed: list[int] = []
    for job in crawl_jobs_stuck(now=now):
        if job.requeued_at is None:
            _revoke(job.celery_task_id)
            # Conditional on the row being unchanged: a late worker finishing it wins.
            claimed = CrawlJob.objects.filter(
                id=job.id, state=job.state, updated_at=job.updated_at
            ).update(
                state=JobState.QUEUED,
                stage="requeued",
                requeued_at=now,
                celery_task_id="",
                updated_at=now,
            )
            if claimed:
                try:
                    crawl_job_dispatcher.enqueue(job.id)
                except JobNotSent:  # the dispatcher failed the job with a reason
                    failed.append(job.id)
                    continue
                requeued.append(job.id)
                logger.warning("crawl job %s was stuck (%s); re-queued once", job.id, job.stage)
        else:
            claimed = CrawlJob.objects.filter(
                id=job.id, state__in=ACTIVE_JOB_STATES, updated_at=job.updated_at
            ).update(
                state=JobState.FAILED,
                finished_at=now,
                error=STUCK_MESSAGE,
                error_code="stuck",
                updated_at=now,
            )
            if claimed:
                failed.append(job.id)
                logger.error("crawl job %s was stuck again after its re-queue; failed", job.id)
    return requeued, failed


def housekeeping_run(*, now: dt.datetime | None = None) -> Housekeeping:
    now = now or timezone.now()
    requeued, failed = crawl_jobs_recover(now=now)
    others = hooks.housekeeping_tasks_run(now=now)
    return Housekeeping(
        pruned=crawl_jobs_prune(now=now), requeued=requeued, failed=failed, others=others
    )


def jobs_resend_lost(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Re-send lost crawl jobs (and registered kinds'); ``broker_readable`` False means the
    broker could not be read, so nothing was judged lost this time."""
    now = now or timezone.now()
    crawl = crawl_job_dispatcher.resend_lost(
        CrawlJob.objects.filter(state=JobState.QUEUED), give_up=crawl_job_give_up, now=now
    )
    report: dict[str, Any] = {
        "broker_readable": crawl is not None,
        "resent": [int(job_id) for job_id in crawl.resent] if crawl else [],
        "failed": [int(job_id) for job_id in crawl.failed] if crawl else [],
    }
    report.update(hooks.lost_jobs_resend_run(now=now))
    return report


def _revoke(task_id: str) -> None:
    """Tell workers to drop the job's old message if it is still somewhere in the queue."""
    if not task_id or settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        app.control.revoke(task_id)
    except Exception:  # a broker hiccup must not stop the re-queue itself
        logger.warning("could not revoke task %s", task_id, exc_info=True)
