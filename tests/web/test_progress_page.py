"""The progress page as first rendered: the product's name, counts only once known, failures
with a way forward."""

import re

import pytest
from django.test import Client

from crawler.outcome import describe_final
from reviewsec.analyses.models import CrawlJob, JobState
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def _text(client: Client, job: CrawlJob) -> str:
    html = client.get(f"/jobs/{job.id}/").content.decode()
    html = re.sub(r"<(script|noscript)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]*\bhidden\b[^>]*>.*?</(div|p)>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).replace("&#x27;", "'")


def test_a_new_job_says_no_counts_yet(client: Client) -> None:
    job = CrawlJob.objects.create(product=make_product(), state=JobState.QUEUED)
    text = _text(client, job)

    assert "0 reviews" not in text and "0 pages" not in text
    assert " ," not in text


def test_counts_read_as_a_sentence_with_the_products_name(client: Client) -> None:
    product = make_product(title="Oak desk")
    job = CrawlJob.objects.create(
        product=product, state=JobState.RUNNING, stage="reviewer", reviews_fetched=1,
        pages_fetched=3, reviews_expected=40,
    )  # fmt: skip
    text = _text(client, job)

    assert "Analysing Oak desk" in text
    assert "Reading reviewers' profiles: 1 review of about 40 from 3 pages." in text
    assert client.get(f"/jobs/{job.id}/status.json").json()["product_title"] == "Oak desk"


def test_a_failed_job_no_longer_waits_to_retry(client: Client) -> None:
    job = CrawlJob.objects.create(
        product=make_product(), state=JobState.FAILED, stage="waiting_to_retry",
        error_code="network_error",
        error=describe_final("network_error"),
    )  # fmt: skip
    text = _text(client, job)

    assert "Waiting to retry" not in text and "we will try again" not in text
    assert "even after several tries" in text


def test_a_robot_check_offers_the_extension_and_an_upload(client: Client) -> None:
    job = CrawlJob.objects.create(
        product=make_product(), state=JobState.FAILED, stage="product",
        error_code="robot_check", error="Amazon showed a robot check.",
    )  # fmt: skip
    text = _text(client, job)

    assert "robot check" in text and "ReviewSec extension" in text
    assert "Upload a file of the reviews" in text


@pytest.mark.parametrize(
    "code",
    ["robot_check", "signin_required", "unavailable", "network_error", "store_error", "crashed"],
)
def test_a_final_failure_says_one_true_thing_and_a_way_forward(code) -> None:
    message = describe_final(code)
    assert "will try again" not in message and "will retry" not in message
    assert "Analyse again" in message or "extension" in message
    if code in ("robot_check", "signin_required"):
        assert "browser extension" in message and "upload a file" in message
