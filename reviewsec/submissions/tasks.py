"""Celery task for upload jobs: the work lives in ``upload_jobs``."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from reviewsec.submissions import upload_jobs


class UploadJobTask(Task):
    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """A crash (not a bad file: that fails the job itself) still ends the job, readably."""
        job_id = args[0] if args else kwargs.get("job_id")
        upload_jobs.upload_job_fail(
            job_id=job_id,
            errors=[
                "Something went wrong on our side while processing this file; please try again."
            ],
        )


@shared_task(bind=True, base=UploadJobTask, name="reviewsec.submissions.upload_job", acks_late=True)
def upload_job_task(self: Task, job_id: str) -> None:
    upload_jobs.upload_job_run(job_id=job_id, task_id=self.request.id)
