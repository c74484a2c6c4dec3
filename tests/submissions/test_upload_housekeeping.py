"""Housekeeping fails abandoned upload jobs readably and prunes old ones (through its hook)."""

import datetime as dt

import pytest
from django.utils import timezone

from reviewsec.analyses.housekeeping import housekeeping_run, stuck_after
from reviewsec.analyses.models import JobState
from reviewsec.submissions.housekeeping import UPLOAD_STUCK_MESSAGE
from reviewsec.submissions.models import UploadJob

pytestmark = pytest.mark.django_db


def test_an_abandoned_upload_is_failed_readably_and_old_ones_are_pruned() -> None:
    def upload(state: str, **fields: object) -> UploadJob:
        return UploadJob.objects.create(
            state=state, file_name="r.jsonl", file_size=3, content=b"{}\n", client_key="k", **fields
        )

    abandoned = upload(JobState.RUNNING)
    UploadJob.objects.filter(id=abandoned.id).update(
        updated_at=timezone.now() - stuck_after() - dt.timedelta(minutes=1)
    )
    working = upload(JobState.RUNNING)
    old = upload(JobState.DONE, finished_at=timezone.now() - dt.timedelta(days=45))

    done = housekeeping_run()

    assert done.others["uploads_failed"] == [str(abandoned.id)]
    assert done.others["uploads_pruned"] == 1
    abandoned.refresh_from_db()
    assert (abandoned.state, abandoned.errors, bytes(abandoned.content)) == (
        JobState.FAILED,
        [UPLOAD_STUCK_MESSAGE],
        b"",
    )
    working.refresh_from_db()
    assert working.state == JobState.RUNNING
    assert not UploadJob.objects.filter(id=old.id).exists()
