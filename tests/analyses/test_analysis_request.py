"""``analysis_request``: a fresh verdict at once, else one shared job per product."""

import datetime as dt

import pytest
from django.utils import timezone

from reviewsec.analyses.models import Analysis, CrawlJob, JobState
from reviewsec.analyses.services import analysis_request
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def _analysis(product, *, age: dt.timedelta) -> Analysis:
    analysis = Analysis.objects.create(
        product=product,
        detector_version="test",
        verdict={"verdict": {"category": "normal", "reasons": []}},
        category="normal",
    )
    Analysis.objects.filter(id=analysis.id).update(created_at=timezone.now() - age)
    analysis.refresh_from_db()
    return analysis


def test_a_fresh_analysis_is_returned_at_once_without_a_job(
    sent_jobs, django_capture_on_commit_callbacks
) -> None:
    product = make_product(last_crawled_at=timezone.now() - dt.timedelta(hours=2))
    fresh = _analysis(product, age=dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = analysis_request(marketplace=product.marketplace, asin=product.asin)
    assert outcome.analysis == fresh
    assert outcome.job is None
    assert sent_jobs == []


def test_a_stale_analysis_starts_a_new_job(
    sent_jobs, django_capture_on_commit_callbacks, settings
) -> None:
    settings.ANALYSIS_MAX_AGE_SECONDS = 3600
    product = make_product()
    _analysis(product, age=dt.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = analysis_request(marketplace=product.marketplace, asin=product.asin)
    assert outcome.analysis is None
    assert outcome.job is not None and outcome.job.state == JobState.QUEUED
    assert sent_jobs == [outcome.job.id]


def test_an_analysis_older_than_the_last_crawl_is_not_fresh(
    sent_jobs, django_capture_on_commit_callbacks
) -> None:
    product = make_product()
    _analysis(product, age=dt.timedelta(minutes=30))
    product.last_crawled_at = timezone.now() - dt.timedelta(minutes=5)
    product.save()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = analysis_request(marketplace=product.marketplace, asin=product.asin)
    assert outcome.job is not None


def test_a_second_request_joins_the_running_job(
    sent_jobs, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = analysis_request(marketplace="amazon.com", asin="B0JOINME01")
        second = analysis_request(marketplace="amazon.com", asin="B0JOINME01")
    assert first.job == second.job
    assert sent_jobs == [first.job.id], "the task is enqueued once, for the job's creator"


def test_force_starts_a_job_even_when_fresh(sent_jobs, django_capture_on_commit_callbacks) -> None:
    product = make_product()
    _analysis(product, age=dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = analysis_request(marketplace=product.marketplace, asin=product.asin, force=True)
    assert outcome.job is not None


def test_a_new_product_row_is_created_once() -> None:
    analysis_request(marketplace="amazon.de", asin="B0NEWPRODU")
    analysis_request(marketplace="amazon.de", asin="B0NEWPRODU")
    assert CrawlJob.objects.filter(product__asin="B0NEWPRODU").count() == 1
