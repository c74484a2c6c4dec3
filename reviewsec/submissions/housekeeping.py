"""Housekeeping of upload jobs, run by ``reviewsec.analyses.housekeeping`` through its hook.

An upload imports in one transaction, so a dead worker leaves either nothing or every review
imported; uploading again is always safe (duplicates are ignored), hence fail, not re-queue.
A queued upload whose message was lost never started: that one is re-sent (every minute,
through ``hooks.on_lost_jobs_resend``), a bounded number of times.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from reviewsec.analyses.housekeeping import stuck_after
from reviewsec.analyses.models import ACTIVE_JOB_STATES, JobState
from reviewsec.submissions.models import UploadJob
from reviewsec.submissions.upload_jobs import (
    upload_job_dispatcher,
    upload_job_fail,
    upload_job_give_up,
)

UPLOAD_STUCK_MESSAGE = (
    "The upload stopped unexpectedly (the worker handling it went away); nothing more will "
    "happen to it. Please upload the file again: reviews already imported are not duplicated."
)


def upload_jobs_tidy(*, now: dt.datetime | None = None) -> tuple[int, list[str]]:
    """Fail upload jobs nobody is working on any more, and delete finished ones past retention."""
    now = now or timezone.now()
    stuck = UploadJob.objects.filter(
        state__in=ACTIVE_JOB_STATES, updated_at__lt=now - stuck_after()
    )
    failed = [str(job_id) for job_id in stuck.values_list("id", flat=True)]
    for job_id in failed:
        upload_job_fail(job_id=job_id, errors=[UPLOAD_STUCK_MESSAGE])
    cutoff = now - dt.timedelta(days=settings.JOB_RETENTION_DAYS)
    pruned, _ = UploadJob.objects.filter(
        state__in=[JobState.DONE, JobState.FAILED], finished_at__lt=cutoff
    ).delete()
    return pruned, failed


def upload_housekeeping(*, now: dt.datetime) -> dict[str, object]:
    """The ``hooks.on_housekeeping`` task: its counts, as the housekeeping report names them."""
    pruned, failed = upload_jobs_tidy(now=now)
    return {"uploads_pruned": pruned, "uploads_failed": failed}


def upload_jobs_resend_lost(*, now: dt.datetime) -> dict[str, object]:
    """The ``hooks.on_lost_jobs_resend`` task: re-send queued uploads whose message was lost."""
    done = upload_job_dispatcher.resend_lost(
        UploadJob.objects.filter(state=JobState.QUEUED), give_up=upload_job_give_up, now=now
    )
    return {
        "uploads_resent": done.resent if done else [],
        "uploads_lost_failed": done.failed if done else [],
    }
