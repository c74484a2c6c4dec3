"""Hand a crawl job to the background, with or without a broker.

With ``REDIS_URL`` the task goes through Redis to a Celery worker. Without it (the embedded default)
Celery runs tasks eagerly, which would run the whole crawl inside the web request; instead the
eager task runs in a daemon thread of the server process, so the request returns at once and the
progress page is live there too. Either way the task is queued only after the transaction that
created the job commits, so the worker can never look for a job row that does not exist yet.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)


def enqueue_crawl_job(job_id: int, *, countdown: float = 0) -> None:
    """Send the job's task once the current transaction commits; ``countdown`` delays its start
    on a worker (scheduled recrawls are staggered). In-process mode starts at once."""
    transaction.on_commit(lambda: _send(job_id, countdown))


def _send(job_id: int, countdown: float = 0) -> None:
    from reviewsec.analyses.tasks import crawl_job_task

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        result = crawl_job_task.apply_async(args=[job_id], countdown=countdown or None)
        _remember_task_id(job_id, result.id)
        return
    if getattr(settings, "ANALYSIS_RUN_INLINE", False):
        # Tests ask for this: the same task, run to the end before the request returns.
        _apply_once(job_id)
        return
    thread = threading.Thread(
        target=_run_in_thread, args=(job_id,), name=f"crawl-job-{job_id}", daemon=True
    )
    thread.start()


# Jobs whose thread runs in this process (in-process mode): a restart loses them all.
_running_here: set[int] = set()
_running_lock = threading.Lock()


def running_here(job_id: int) -> bool:
    with _running_lock:
        return job_id in _running_here


def _run_in_thread(job_id: int) -> None:
    with _running_lock:
        _running_here.add(job_id)
    try:
        _apply_once(job_id)
    except Exception:  # the task has already marked the job failed; keep the server alive
        logger.exception("in-process crawl job %s failed", job_id)
    finally:
        with _running_lock:
            _running_here.discard(job_id)
        connections.close_all()  # this thread's own connections; nobody else will close them


def _apply_once(job_id: int) -> None:
    """Run the task here, without retries: an eager retry ignores its back-off and would hammer
    the shop at once, so in-process mode fails the job with its reason and the shopper retries."""
    from reviewsec.analyses.tasks import crawl_job_task

    result = crawl_job_task.apply(args=[job_id], retries=crawl_job_task.max_retries, throw=False)
    if result.failed():
        logger.warning("in-process crawl job %s failed: %s", job_id, result.result)


def _remember_task_id(job_id: int, task_id: str) -> None:
    from reviewsec.analyses.models import CrawlJob

    CrawlJob.objects.filter(id=job_id, celery_task_id="").update(celery_task_id=task_id)
