"""Upload jobs: create one for a file, run it in the background, report its progress.

``upload_job_run`` claims the job with a conditional UPDATE (a duplicate delivery finds it
taken and returns), validates the whole file, imports it in one transaction, then analyses each
product. A file with any bad line fails the job with the line-numbered errors, having imported
nothing.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from reviewsec.analyses.models import ACTIVE_JOB_STATES, JobState
from reviewsec.catalog.marketplaces import upload_marketplace_for
from reviewsec.catalog.models import Product, ReviewSource
from reviewsec.catalog.sellers import product_seller_set
from reviewsec.lib.dispatch import JobDispatcher, JobId, JobNotSent
from reviewsec.submissions.models import UploadJob
from reviewsec.submissions.sellers import SellerFacts
from reviewsec.submissions.services import submission_analyse, submission_create
from reviewsec.submissions.uploads import ParsedUpload, UploadInvalid, upload_parse

logger = logging.getLogger(__name__)

STAGE_LABELS = {
    "": "Waiting for a worker",
    "reading": "Reading and checking every line",
    "importing": "Saving reviews",
    "analysing": "Analysing",
    "done": "Done",
    "failed": "The file could not be imported",
}
ORPHANED_MESSAGE = (
    "The upload was interrupted when the server restarted; please upload the file again "
    "(reviews already imported are not duplicated)."
)


LOST_MESSAGE = (
    "The upload could not be processed: its request was lost by the job queue several times "
    "(the service was restarting). Please upload the file again."
)


def _record_task_id(job_id: JobId, task_id: str) -> None:
    """Before the message is published: the worker that gets it must find its id here."""
    UploadJob.objects.filter(id=job_id, state=JobState.QUEUED).update(celery_task_id=task_id)


def _roll_back(job_id: JobId) -> None:
    """The broker refused the job's task: delete the job, file and all, as if never made (the
    uploader is told to try again). Nobody else holds an upload job's id, so nobody joins it.
    A job housekeeping re-sent has been shown to its uploader: it is failed instead."""
    deleted, _ = UploadJob.objects.filter(id=job_id, state=JobState.QUEUED, resends=0).delete()
    if not deleted:
        upload_job_fail(job_id=job_id, errors=[JobNotSent.message])


def upload_job_give_up(job_id: JobId) -> None:
    """Its message was lost ``MAX_RESENDS`` times: fail it readably."""
    upload_job_fail(job_id=job_id, errors=[LOST_MESSAGE])


upload_job_dispatcher = JobDispatcher(
    task_name="reviewsec.submissions.upload_job",
    thread_name="upload-job",
    record_task_id=_record_task_id,
    on_not_sent=_roll_back,
)


def upload_job_create(*, file_name: str, content: bytes, client_key: str) -> UploadJob:
    """Store the file with a queued job; the job is sent once the transaction commits.

    Raises ``JobNotSent`` (and keeps no job) when the broker cannot take it."""
    job = UploadJob.objects.create(
        file_name=file_name[:255],
        file_size=len(content),
        content=content,
        client_key=client_key,
    )
    upload_job_dispatcher.enqueue(str(job.id))
    return job


def upload_job_claim(*, job_id: uuid.UUID | str, task_id: str | None = None) -> UploadJob | None:
    """Mark a queued job running; None when another worker has it, it is finished, or
    ``task_id`` is not the message its row names (housekeeping re-sent it under a new id)."""
    jobs = UploadJob.objects.filter(id=job_id, state=JobState.QUEUED)
    if task_id:
        jobs = jobs.filter(Q(celery_task_id="") | Q(celery_task_id=task_id))
    updated = jobs.update(state=JobState.RUNNING, stage="reading", started_at=timezone.now())
    return UploadJob.objects.get(id=job_id) if updated else None


def upload_job_run(*, job_id: uuid.UUID | str, task_id: str | None = None) -> None:
    job = upload_job_claim(job_id=job_id, task_id=task_id)
    if job is None:
        logger.info("upload job %s taken or re-sent; duplicate delivery ignored", job_id)
        return

    def report(bytes_read: int, rows: int) -> None:
        _progress(job.id, bytes_read=bytes_read, reviews_read=rows)

    try:
        parsed = upload_parse(bytes(job.content), file_name=job.file_name, progress=report)
    except UploadInvalid as invalid:
        upload_job_fail(job_id=job.id, errors=invalid.errors)
        return
    _progress(job.id, stage="importing", products_total=len(parsed.products))
    products = _import(job, parsed)
    _progress(job.id, stage="analysing")
    for done, product in enumerate(products, start=1):
        submission_analyse(product=product)
        _progress(job.id, products_done=done)
    now = timezone.now()
    UploadJob.objects.filter(id=job.id).update(
        state=JobState.DONE, stage="done", finished_at=now, updated_at=now, content=b""
    )


def _import(job: UploadJob, parsed: ParsedUpload) -> list[Product]:
    """All the file's reviews in one transaction: every product, or none."""
    with transaction.atomic():
        submissions = [
            submission_create(
                marketplace=upload_marketplace_for(job.client_key),  # the uploader's own
                asin=asin,
                source=ReviewSource.UPLOAD,
                client_key=job.client_key,
                reviews=reviews,
                enforce_cap=False,  # the file size limit bounds an upload
            )
            for asin, reviews in parsed.products.items()
        ]
        stored = [submission.product for submission in submissions]
        for product in stored:
            _seller_store(product, parsed.sellers.get(product.asin))
        job.products.set(stored)
        UploadJob.objects.filter(id=job.id).update(
            reviews_imported=sum(submission.accepted for submission in submissions),
            duplicates=parsed.repeats + sum(submission.duplicates for submission in submissions),
            updated_at=timezone.now(),
        )
    return stored


def _seller_store(product: Product, facts: SellerFacts | None) -> None:
    """The seller and brand the file names, as the product spider stores a page's: the
    uploader's own product (its own marketplace), so a later file may change them; a file that
    names none keeps what is known."""
    if not facts:
        return
    product_seller_set(product=product, seller_id=facts.seller_id, name=facts.seller_name)
    if facts.brand and product.brand != facts.brand:
        product.brand = facts.brand
        product.save(update_fields=["brand", "updated_at"])


def _progress(job_id: uuid.UUID, **fields: Any) -> None:
    UploadJob.objects.filter(id=job_id, state=JobState.RUNNING).update(
        **fields, updated_at=timezone.now()
    )


def upload_job_fail(*, job_id: uuid.UUID | str, errors: list[str]) -> None:
    now = timezone.now()
    UploadJob.objects.filter(id=job_id).exclude(state=JobState.DONE).update(
        state=JobState.FAILED,
        stage="failed",
        errors=errors,
        finished_at=now,
        updated_at=now,
        content=b"",
    )


def upload_job_orphan_check(*, job: UploadJob) -> UploadJob:
    """Fail a running job a server restart left behind (in-process mode; see
    ``reviewsec.lib.dispatch``), so its progress page says so instead of waiting for ever. A
    queued one is re-sent by the resend pass instead. Returns the job as it now is."""
    if job.state not in ACTIVE_JOB_STATES:
        return job
    if not upload_job_dispatcher.orphaned(str(job.id), updated_at=job.updated_at):
        return job
    if job.state == JobState.QUEUED:  # never started: the pass re-runs it within a minute
        return job
    upload_job_fail(job_id=job.id, errors=[ORPHANED_MESSAGE])
    job.refresh_from_db()
    return job


def upload_job_status(job: UploadJob) -> dict[str, Any]:
    """What the progress page polls and the API returns (links relative; the API absolutises)."""
    if job.state == JobState.DONE:
        percent = 100
    elif job.stage == "reading":
        percent = int(50 * job.bytes_read / job.file_size) if job.file_size else 0
    elif job.stage in ("importing", "analysing"):
        share = job.products_done / job.products_total if job.products_total else 0
        percent = 55 + int(40 * share)
    else:
        percent = 0
    return {
        "id": str(job.id),
        "state": job.state,
        "stage": job.stage,
        "stage_label": STAGE_LABELS.get(job.stage, job.stage),
        "percent": min(percent, 100),
        "file_name": job.file_name,
        "reviews_read": job.reviews_read,
        "reviews_imported": job.reviews_imported,
        "duplicates": job.duplicates,
        "products_total": job.products_total,
        "products_done": job.products_done,
        "errors": list(job.errors),
        "error": "\n".join(job.errors),
        "products": [
            {
                "marketplace": product.marketplace,
                "asin": product.asin,
                "verdict_url": reverse(
                    "web:product-verdict", args=[product.marketplace, product.asin]
                ),
            }
            for product in job.products.order_by("asin")
        ]
        if job.state == JobState.DONE
        else [],
        "verdict_url": reverse("web:upload-progress", args=[job.id]),
    }
