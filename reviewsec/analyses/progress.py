"""A crawl job's progress as JSON: what the progress page polls and the API's job body holds."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from reviewsec.analyses.models import CrawlJob, JobState
from reviewsec.lib.dispatch import in_process_beat

STAGE_LABELS = {
    "": "Waiting for a worker",
    "starting": "Starting",
    "restarting": "Restarting after an interruption",
    "product": "Reading the product page",
    "reviews": "Reading reviews",
    "reviewers": "Reading reviewers' profiles",
    "reviewer": "Reading reviewers' profiles",
    "waiting_to_retry": "Waiting to retry",
    "requeued": "Waiting for a worker",
    "failed": "Stopped",
    "storing": "Saving reviews",
    "analysing": "Analysing",
    "done": "Done",
}


PRELIMINARY_LABEL = "Preliminary verdict ready; reading reviewers' profiles to refine it"


def _stage_label(job: CrawlJob, preliminary: bool) -> str:
    if job.state == JobState.FAILED:
        return STAGE_LABELS["failed"]
    if preliminary:
        return PRELIMINARY_LABEL
    return STAGE_LABELS.get(job.stage, job.stage.replace("_", " ").capitalize())


def crawl_job_status(job: CrawlJob) -> dict[str, Any]:
    """The JSON the progress page polls: state, stage, counts, percent and where to go next.

    In the embedded mode a poll also starts the server's in-process beat, if nothing has yet:
    a job a restart left queued is then re-sent within a minute while its page is open."""
    in_process_beat.ensure_running()
    expected = job.reviews_expected or 0
    if job.state == JobState.DONE:
        percent = 100
    elif expected:
        percent = min(95, int(100 * job.reviews_fetched / expected))
    else:
        percent = 5 if job.state == JobState.RUNNING else 0
    product = job.product
    # Reviews all stored, profiles still being read: a first verdict is there to see.
    preliminary = job.state == JobState.RUNNING and job.analyses.exists()
    return {
        "id": job.id,
        "state": job.state,
        "stage": job.stage,
        "stage_label": _stage_label(job, preliminary),
        "preliminary": preliminary,
        "product_title": product.title,
        "pages_fetched": job.pages_fetched,
        "reviews_fetched": job.reviews_fetched,
        "reviews_expected": job.reviews_expected,
        "percent": percent,
        "error": job.error,
        "error_code": job.error_code,
        "verdict_url": reverse("web:product-verdict", args=[product.marketplace, product.asin]),
        "retry_url": reverse("web:product-analyse", args=[product.marketplace, product.asin]),
    }
