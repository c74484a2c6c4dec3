"""GET /api/v1/jobs/{id}: a job's progress, or a 404 in the envelope."""

import pytest

from reviewsec.analyses.models import CrawlJob, JobState
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_a_running_job_reports_its_progress(api) -> None:
    product = make_product(asin="B0RUNNING1")
    job = CrawlJob.objects.create(
        product=product,
        state=JobState.RUNNING,
        stage="reviews",
        reviews_fetched=50,
        reviews_expected=200,
    )

    response = api.get(f"/api/v1/jobs/{job.id}")

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["stage_label"], body["percent"]) == (
        "running",
        "Reading reviews",
        25,
    )
    assert body["product"]["asin"] == "B0RUNNING1"
    assert body["links"]["verdict"].endswith("/api/v1/products/amazon.com/B0RUNNING1/verdict")


def test_a_failed_job_says_why(api) -> None:
    job = CrawlJob.objects.create(
        product=make_product(), state=JobState.FAILED, error="Amazon asked for a captcha."
    )

    body = api.get(f"/api/v1/jobs/{job.id}").json()

    assert body["state"] == "failed"
    assert body["error"] == "Amazon asked for a captcha."


@pytest.mark.parametrize("job_id", ["999999", str(2**70)])
def test_an_unknown_job_is_a_404_in_the_envelope(api, job_id) -> None:
    response = api.get(f"/api/v1/jobs/{job_id}")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "There is no job with that id."}
    }
