"""POST /api/v1/analyses without a fresh verdict: 202 with the job that will make one."""

import datetime as dt

import pytest

from reviewsec.analyses.models import CrawlJob
from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db


def test_a_stale_verdict_starts_a_job_and_answers_202(
    api, sent_jobs, settings, django_capture_on_commit_callbacks
) -> None:
    settings.ANALYSIS_MAX_AGE_SECONDS = 3600
    product = make_product(asin="B0STALE001")
    make_analysis(product, age=dt.timedelta(hours=2))

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/analyses", {"asin": "B0STALE001"}, format="json")

    assert response.status_code == 202
    body = response.json()
    job = CrawlJob.objects.get(product=product)
    assert body["id"] == job.id
    assert body["state"] == "queued"
    assert body["links"]["status"] == f"http://testserver/api/v1/jobs/{job.id}"
    assert response["Location"] == body["links"]["status"]
    assert sent_jobs == [job.id]


def test_an_unknown_product_gets_a_job(api, sent_jobs) -> None:
    response = api.post(
        "/api/v1/analyses", {"asin": "b0newprod1", "marketplace": "amazon.co.uk"}, format="json"
    )

    assert response.status_code == 202
    assert response.json()["product"]["asin"] == "B0NEWPROD1"
    assert response.json()["product"]["marketplace"] == "amazon.co.uk"


def test_two_clients_asking_at_once_share_one_job(
    api, sent_jobs, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/analyses", {"asin": "B0SHARED01"}, format="json").json()
        second = api.post("/api/v1/analyses", {"asin": "B0SHARED01"}, format="json").json()

    assert first["id"] == second["id"]
    assert sent_jobs == [first["id"]]
