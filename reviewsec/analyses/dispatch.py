"""Crawl jobs' dispatcher (``reviewsec.lib.dispatch``): enqueued on commit, orphans detected."""

from __future__ import annotations

from reviewsec.analyses.models import CrawlJob
from reviewsec.lib.dispatch import JobDispatcher, JobId


def _remember_task_id(job_id: JobId, task_id: str) -> None:
    CrawlJob.objects.filter(id=job_id, celery_task_id="").update(celery_task_id=task_id)


crawl_job_dispatcher = JobDispatcher(
    task_name="reviewsec.analyses.crawl_job", thread_name="crawl-job", on_sent=_remember_task_id
)
