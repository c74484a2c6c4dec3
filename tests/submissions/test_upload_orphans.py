"""Uploads left behind: a running one a server restart left is failed readably when polled; a
queued one whose message (or thread) was lost is re-sent by the every-minute pass, then given up.

The in-process mode is what ``CELERY_TASK_ALWAYS_EAGER`` says (the embedded default sets it), so
these run under CI's broker too, with the setting turned on for the test.
"""

import datetime as dt

import pytest
from django.utils import timezone

from reviewsec.analyses.models import JobState
from reviewsec.lib.dispatch import MAX_RESENDS
from reviewsec.submissions.housekeeping import upload_jobs_resend_lost
from reviewsec.submissions.models import UploadJob
from reviewsec.submissions.upload_jobs import (
    LOST_MESSAGE,
    ORPHANED_MESSAGE,
    upload_job_claim,
    upload_job_dispatcher,
    upload_job_orphan_check,
)

pytestmark = pytest.mark.django_db


def upload(untouched_for: dt.timedelta, state: str = JobState.RUNNING, **fields) -> UploadJob:
    job = UploadJob.objects.create(
        state=state, file_name="r.jsonl", file_size=3, content=b"{}\n", client_key="k", **fields
    )
    UploadJob.objects.filter(id=job.id).update(updated_at=timezone.now() - untouched_for)
    job.refresh_from_db()
    return job


def test_an_upload_no_thread_runs_is_failed_once_untouched_for_a_minute(client, settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded mode
    orphan = upload(untouched_for=dt.timedelta(minutes=5))

    body = client.get(f"/uploads/{orphan.id}/status.json").json()

    orphan.refresh_from_db()
    assert (orphan.state, orphan.errors) == (JobState.FAILED, [ORPHANED_MESSAGE])
    assert body["state"] == JobState.FAILED


def test_a_recently_touched_upload_or_one_with_a_broker_is_left_alone(settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    fresh = upload(untouched_for=dt.timedelta(seconds=5))
    assert upload_job_orphan_check(job=fresh).state == JobState.RUNNING
    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = upload(untouched_for=dt.timedelta(minutes=5))
    assert upload_job_orphan_check(job=old).state == JobState.RUNNING


def test_a_queued_upload_left_by_a_restart_is_rerun_by_the_pass_then_given_up(
    client, settings, monkeypatch
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    sent: list[str] = []
    monkeypatch.setattr(
        upload_job_dispatcher,
        "_send",
        lambda job_id, countdown=0, task_id=None: sent.append(job_id),
    )
    lost = upload(untouched_for=dt.timedelta(minutes=2), state=JobState.QUEUED)

    assert client.get(f"/uploads/{lost.id}/status.json").json()["state"] == JobState.QUEUED
    for _ in range(MAX_RESENDS):
        assert upload_jobs_resend_lost(now=timezone.now())["uploads_resent"] == [str(lost.id)]
        UploadJob.objects.filter(id=lost.id).update(
            updated_at=timezone.now() - dt.timedelta(minutes=2)
        )
    report = upload_jobs_resend_lost(now=timezone.now())

    assert sent == [str(lost.id)] * MAX_RESENDS
    assert report["uploads_lost_failed"] == [str(lost.id)]
    lost.refresh_from_db()
    assert (lost.state, lost.errors, lost.content) == (JobState.FAILED, [LOST_MESSAGE], b"")


def test_a_superseded_message_cannot_claim_the_resent_upload() -> None:
    job = upload(
        untouched_for=dt.timedelta(0), state=JobState.QUEUED, celery_task_id="new", resends=1
    )

    assert upload_job_claim(job_id=job.id, task_id="old") is None
    assert upload_job_claim(job_id=job.id, task_id="new").state == JobState.RUNNING
    assert upload_job_claim(job_id=job.id, task_id="new") is None  # taken: not twice
