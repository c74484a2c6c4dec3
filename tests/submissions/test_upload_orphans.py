"""In-process mode: an upload a server restart left running is failed readably when polled."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from reviewsec.analyses.models import JobState
from reviewsec.submissions.models import UploadJob
from reviewsec.submissions.upload_jobs import ORPHANED_MESSAGE, upload_job_orphan_check

pytestmark = pytest.mark.django_db


def upload(untouched_for: dt.timedelta) -> UploadJob:
    job = UploadJob.objects.create(
        state=JobState.RUNNING, file_name="r.jsonl", file_size=3, content=b"{}\n", client_key="k"
    )
    UploadJob.objects.filter(id=job.id).update(updated_at=timezone.now() - untouched_for)
    job.refresh_from_db()
    return job


@pytest.mark.skipif(
    bool(os.environ.get("REDIS_URL")), reason="in-process orphans exist only without a broker"
)
def test_an_upload_no_thread_runs_is_failed_once_untouched_for_a_minute(client) -> None:
    orphan = upload(untouched_for=dt.timedelta(minutes=5))

    body = client.get(f"/uploads/{orphan.id}/status.json").json()

    orphan.refresh_from_db()
    assert (orphan.state, orphan.errors) == (JobState.FAILED, [ORPHANED_MESSAGE])
    assert body["state"] == JobState.FAILED


def test_a_recently_touched_upload_or_one_with_a_broker_is_left_alone(settings) -> None:
    fresh = upload(untouched_for=dt.timedelta(seconds=5))
    assert upload_job_orphan_check(job=fresh).state == JobState.RUNNING
    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = upload(untouched_for=dt.timedelta(minutes=5))
    assert upload_job_orphan_check(job=old).state == JobState.RUNNING
