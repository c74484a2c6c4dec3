"""Celery tasks: a few lines each; the work lives in ``services``.

``acks_late`` + ``reject_on_worker_lost`` (settings) mean a worker killed mid-crawl leaves the
message in Redis for another worker; ``crawl_job_claim`` lets that worker take the job over.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from reviewsec.analyses import services
from reviewsec.analyses.errors import RETRY_BACKOFF_MAX_SECONDS, RetryableCrawlError
from reviewsec.analyses.housekeeping import housekeeping_run, jobs_resend_lost
from reviewsec.analyses.scheduling import products_never_scheduled, recrawl_due_enqueue
from reviewsec.lib.dispatch import in_process_beat


class CrawlJobTask(Task):
    def log_fields(self, args: Any, kwargs: Any) -> dict[str, Any]:
        """Read by ``reviewsec.celery``: every line logged while the task runs names its job."""
        return {"job_id": _job_id(args, kwargs)}

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """The last failure (retries spent, or not retryable) marks the job failed, readably."""
        job_id = _job_id(args, kwargs)
        services.crawl_job_fail(
            job_id=job_id,
            message=services.readable_failure(exc),
            code=getattr(exc, "code", "error"),
        )


@shared_task(
    bind=True,
    base=CrawlJobTask,
    name="reviewsec.analyses.crawl_job",
    acks_late=True,
    autoretry_for=(RetryableCrawlError,),
    retry_backoff=60,
    retry_backoff_max=RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=3,
)
def crawl_job_task(self: Task, job_id: int) -> None:
    worker = "" if self.request.is_eager else (self.request.hostname or "")
    services.crawl_job_run(
        job_id=job_id, attempt=self.request.retries, worker=worker, task_id=self.request.id
    )


@shared_task(name="reviewsec.analyses.recrawl_due")
def recrawl_due_task() -> dict[str, Any]:
    """Beat, every ``RECRAWL_PERIOD_SECONDS``: start the most overdue incremental recrawls."""
    backfilled = products_never_scheduled()
    batch = recrawl_due_enqueue()
    return {"backfilled": backfilled, "due": batch.due, "enqueued": batch.enqueued}


# The task keeps its first name: beat's schedule rows in the database refer to it.
@shared_task(name="reviewsec.analyses.threshold_refit", acks_late=True)
def reference_model_refit_task() -> dict[str, Any]:
    """Beat, weekly: refit the reference model from a fresh sample; activate it only if sane."""
    from reviewsec.analyses.refits import reference_model_refit  # detector, scipy: lazily

    outcome = reference_model_refit()
    version = outcome.activated.version if outcome.activated else None
    return {"activated": version, "sampled": outcome.sampled, "reason": outcome.reason}


class ReviewerGraphFitTask(Task):
    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """A crash (or the time limit) leaves the fit's row running: mark it failed."""
        from reviewsec.analyses.reviewer_fits import reviewer_graph_fit_fail  # scipy: lazily

        reviewer_graph_fit_fail(message=f"{type(exc).__name__}: {exc}")


@shared_task(
    name="reviewsec.analyses.reviewer_graph_fit", base=ReviewerGraphFitTask, acks_late=True
)
def reviewer_graph_fit_task() -> dict[str, Any]:
    """Beat, nightly: fit the whole review graph; activate the fit only if it is sane."""
    from reviewsec.analyses.reviewer_fits import reviewer_graph_fit  # scipy: in the task only

    outcome = reviewer_graph_fit()
    fit = outcome.fit
    return {
        "version": fit.version,
        "activated": outcome.activated,
        "reason": outcome.reason,
        "reviews": fit.reviews,
        "seconds": fit.seconds,
    }


@shared_task(name="reviewsec.analyses.housekeeping")
def housekeeping_task() -> dict[str, Any]:
    """Beat, every 5 minutes: re-queue stuck crawl jobs once, then fail them; prune old finished
    jobs; run the tidying other job kinds registered (abandoned uploads)."""
    return housekeeping_run().as_dict()


@shared_task(name="reviewsec.analyses.jobs_resend_lost")
def jobs_resend_lost_task() -> dict[str, Any]:
    """Beat, every minute: re-send queued jobs whose message the broker lost (bounded)."""
    return jobs_resend_lost()


# The embedded mode has no beat process: its server runs this one itself (same beat row).
in_process_beat.add("reviewsec.analyses.jobs_resend_lost", default_every_s=60)


def _job_id(args: Any, kwargs: Any) -> Any:
    return args[0] if args else kwargs.get("job_id")
