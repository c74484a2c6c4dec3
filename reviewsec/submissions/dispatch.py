"""Hand an upload job to the background, as ``reviewsec.analyses.dispatch`` does crawl jobs:
through Redis to a worker, or (no broker) in a daemon thread of this process; in tests, with
``ANALYSIS_RUN_INLINE``, before the request returns. Always after the job's row is committed."""

from __future__ import annotations

import threading
import uuid

from django.conf import settings
from django.db import connections, transaction


def enqueue_upload_job(job_id: uuid.UUID) -> None:
    transaction.on_commit(lambda: _send(str(job_id)))


def _send(job_id: str) -> None:
    from reviewsec.submissions.tasks import upload_job_task

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        upload_job_task.delay(job_id)
    elif getattr(settings, "ANALYSIS_RUN_INLINE", False):
        upload_job_task.apply(args=[job_id], throw=False)
    else:
        threading.Thread(
            target=_run_in_thread, args=(job_id,), name=f"upload-job-{job_id}", daemon=True
        ).start()


def _run_in_thread(job_id: str) -> None:
    from reviewsec.submissions.tasks import upload_job_task

    try:
        upload_job_task.apply(args=[job_id], throw=False)
    finally:
        connections.close_all()  # this thread's own connections; nobody else will close them
