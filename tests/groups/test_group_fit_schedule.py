"""The group fit is a beat row created by a migration (editable in the admin), its task is
registered by name, and the embedded mode runs it in-process."""

import json
from dataclasses import asdict

import pytest
from django_celery_beat.models import PeriodicTask

from detector.groups import GroupParams
from reviewsec.celery import app
from reviewsec.groups.models import GroupFit
from reviewsec.groups.services import GroupParamsInvalid, group_params
from reviewsec.groups.tasks import GROUP_FIT_TASK, group_fit_task
from reviewsec.lib.dispatch import in_process_beat

pytestmark = pytest.mark.django_db


def test_the_migration_creates_an_enabled_nightly_row() -> None:
    row = PeriodicTask.objects.get(task=GROUP_FIT_TASK)
    assert row.enabled and row.crontab is not None
    assert (row.crontab.hour, row.crontab.minute) == ("2", "45")
    assert GROUP_FIT_TASK in app.tasks


def test_the_embedded_beat_knows_the_task() -> None:
    assert GROUP_FIT_TASK in in_process_beat._tasks


def test_the_task_runs_a_fit_and_reports_it(demo_shop) -> None:
    result = group_fit_task.apply().get()
    fit = GroupFit.objects.get()
    assert result == {
        "version": fit.version,
        "groups": 1,
        "reviews": fit.reviews,
        "labels": 0,
        "seconds": fit.seconds,
    }


def test_the_scheduled_fit_runs_the_detectors_defaults(db) -> None:
    """No setting of the product's own: the row passes no params, the fit records GroupParams()
    (the semi-supervised Logistic CP, which learns from moderators' labels)."""
    row = PeriodicTask.objects.get(task=GROUP_FIT_TASK)
    assert json.loads(row.kwargs or "{}").get("params") is None
    assert group_params(None) == GroupParams() and GroupParams().method == "logistic_cp"
    group_fit_task.apply().get()
    assert GroupFit.objects.get().params == asdict(GroupParams())


def test_a_value_the_detector_refuses_is_a_readable_refusal(db) -> None:
    with pytest.raises(GroupParamsInvalid, match="rank"):
        group_params({"rank": 0})
