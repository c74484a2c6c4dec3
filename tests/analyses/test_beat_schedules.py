"""The periodic tasks exist as editable rows, name real tasks, and run."""

import pytest
from django_celery_beat.models import PeriodicTask

from reviewsec.celery import app

pytestmark = pytest.mark.django_db


def test_migrations_create_the_schedules_of_every_periodic_task() -> None:
    app.loader.import_default_modules()  # what a worker does at start: autodiscovers tasks
    rows = {row.task: row for row in PeriodicTask.objects.select_related("interval", "crontab")}

    assert set(rows) >= {
        "reviewsec.analyses.recrawl_due",
        "reviewsec.analyses.housekeeping",
        "reviewsec.analyses.threshold_refit",
    }
    assert all(row.enabled and row.task in app.tasks for row in rows.values())
    recrawl = rows["reviewsec.analyses.recrawl_due"].interval
    assert (recrawl.every, recrawl.period) == (15, "minutes")
    refit = rows["reviewsec.analyses.threshold_refit"].crontab
    assert (refit.minute, refit.hour, refit.day_of_week) == ("30", "3", "1")  # Mondays 03:30 UTC


def test_the_periodic_tasks_run_and_report_what_they_did(settings) -> None:
    from reviewsec.analyses.tasks import (
        housekeeping_task,
        recrawl_due_task,
        reference_model_refit_task,
    )

    settings.REFIT_MIN_PRODUCTS = 30

    assert recrawl_due_task.apply().get() == {"backfilled": 0, "due": 0, "enqueued": []}
    assert housekeeping_task.apply().get() == {
        "pruned": 0,
        "requeued": [],
        "failed": [],
        "uploads_pruned": 0,
        "uploads_failed": [],
    }
    refit = reference_model_refit_task.apply().get()
    assert refit["activated"] is None and "only 0 products" in refit["reason"]


def test_the_resend_of_lost_jobs_is_a_beat_row_every_minute_that_runs() -> None:
    from reviewsec.analyses.tasks import jobs_resend_lost_task

    row = PeriodicTask.objects.select_related("interval").get(
        task="reviewsec.analyses.jobs_resend_lost"
    )
    assert row.enabled and (row.interval.every, row.interval.period) == (1, "minutes")
    assert jobs_resend_lost_task.apply().get() == {
        "broker_readable": True,
        "resent": [],
        "failed": [],
        "uploads_resent": [],
        "uploads_lost_failed": [],
    }
