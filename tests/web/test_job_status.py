"""The progress page and the status JSON it polls."""

import pytest
from django.test import Client

from reviewsec.analyses.models import CrawlJob, JobState
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_the_status_reports_stage_counts_and_percent(client: Client) -> None:
    job = CrawlJob.objects.create(
        product=make_product(asin="B0STATUS01"),
        state=JobState.RUNNING,
        stage="reviews",
        reviews_fetched=50,
        reviews_expected=200,
        pages_fetched=5,
    )
    status = client.get(f"/jobs/{job.id}/status.json").json()
    assert status["state"] == "running"
    assert status["stage_label"] == "Reading reviews"
    assert status["percent"] == 25
    assert status["verdict_url"] == "/p/amazon.com/B0STATUS01/"


def test_a_failed_job_shows_its_reason_and_a_retry_button(client: Client) -> None:
    job = CrawlJob.objects.create(
        product=make_product(),
        state=JobState.FAILED,
        error="Amazon showed a robot check.",
        error_code="robot_check",
    )
    body = client.get(f"/jobs/{job.id}/").content.decode()
    assert "Amazon showed a robot check." in body
    assert "Try again" in body
    assert client.get(f"/jobs/{job.id}/status.json").json()["error_code"] == "robot_check"


def test_an_unknown_job_is_a_404(client: Client) -> None:
    assert client.get("/jobs/999999/status.json").status_code == 404


def test_a_product_without_a_verdict_offers_to_analyse_it(client: Client) -> None:
    product = make_product(asin="B0NOVERDCT")
    response = client.get(f"/p/{product.marketplace}/{product.asin}/")
    assert response.status_code == 404
    assert "Analyse this product" in response.content.decode()
