"""The whole job over loopback: a real crawl of the demo market into the database, then a verdict.

The spiders run in a child process against the live test server, exactly as in production;
only the marketplace is the local demo shop instead of Amazon.
"""

import pytest

from reviewsec.analyses.errors import RetryableCrawlError
from reviewsec.analyses.models import CrawlJob, JobState
from reviewsec.analyses.services import crawl_job_run
from reviewsec.catalog.models import Product, Review
from reviewsec.demo_market.products import DEMO_ROBOT_CHECK_ASIN, demo_catalogue

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


@pytest.fixture
def demo_market(live_server, settings) -> str:
    settings.DEMO_MARKET = True
    settings.DEMO_MARKET_BASE_URL = f"{live_server.url}/demo-market"
    return settings.DEMO_MARKET_BASE_URL


def _job(asin: str) -> CrawlJob:
    product = Product.objects.create(marketplace="demo", asin=asin)
    return CrawlJob.objects.create(product=product)


def test_a_demo_product_is_crawled_stored_and_analysed(demo_market) -> None:
    boosted = next(p for p in demo_catalogue() if p.scenario == "boost")
    job = _job(boosted.asin)
    crawl_job_run(job_id=job.id)

    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert job.reviews_fetched == boosted.n_reviews
    assert Review.objects.filter(product=job.product).count() == boosted.n_reviews
    # Review pages fetched several at a time from the demo shop: none lost, none twice.
    assert job.pages_fetched >= -(-boosted.n_reviews // 10)
    first, analysis = job.product.analyses.order_by("created_at")
    assert first.verdict["collection"]["preliminary"] is True
    assert analysis.verdict["collection"]["preliminary"] is False
    assert first.reviews_analyzed == analysis.reviews_analyzed == boosted.n_reviews
    assert analysis.reviews_analyzed == boosted.n_reviews
    assert analysis.category in {"suspicious", "highly_suspicious"}
    assert analysis.verdict["collection"]["sources"] == {"crawler": boosted.n_reviews}
    job.product.refresh_from_db()
    assert job.product.title == boosted.title
    assert job.product.last_crawled_at is not None


def test_a_recrawl_updates_reviews_without_duplicating_them(demo_market) -> None:
    tiny = next(p for p in demo_catalogue() if p.scenario == "tiny")
    first = _job(tiny.asin)
    crawl_job_run(job_id=first.id)
    second = CrawlJob.objects.create(product=first.product)
    crawl_job_run(job_id=second.id)
    assert Review.objects.filter(product=first.product).count() == tiny.n_reviews
    latest = first.product.analyses.order_by("-created_at").first()
    assert latest.category == "insufficient_data"


def test_a_robot_check_is_retryable_and_says_so(demo_market) -> None:
    job = _job(DEMO_ROBOT_CHECK_ASIN)
    with pytest.raises(RetryableCrawlError) as raised:
        crawl_job_run(job_id=job.id)
    assert "robot check" in str(raised.value).lower()
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.stage == "waiting_to_retry"
    assert "robot check" in job.error.lower()
    assert Review.objects.filter(product=job.product).count() == 0


def test_in_process_a_robot_check_fails_the_job_at_once_with_its_reason(demo_market, settings):
    from reviewsec.analyses.services import analysis_request

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = True
    outcome = analysis_request(marketplace="demo", asin=DEMO_ROBOT_CHECK_ASIN)
    job = CrawlJob.objects.get(id=outcome.job.id)
    assert job.state == JobState.FAILED
    assert job.error.startswith("Amazon showed a robot check")
    assert "browser extension" in job.error and "upload a file" in job.error  # a way forward
    assert job.error_code == "robot_check"


def test_the_first_verdict_comes_before_the_reviewer_profiles_and_is_refined_after(
    demo_market,
) -> None:
    from django.db.models import Max, Min

    from reviewsec.analyses.progress import PRELIMINARY_LABEL, crawl_job_status
    from reviewsec.catalog.models import Reviewer

    product = next(p for p in demo_catalogue() if p.n_reviews >= 300)
    job = _job(product.asin)
    crawl_job_run(job_id=job.id)

    preliminary, refined = job.product.analyses.order_by("created_at")
    profiles = Reviewer.objects.exclude(crawled_at=None).aggregate(
        first=Min("crawled_at"), last=Max("crawled_at")
    )
    assert profiles["first"] is not None, "the reviewer stage ran"
    # Made while the profiles were being read (the crawl goes on meanwhile), refined after.
    assert preliminary.created_at < profiles["last"] < refined.created_at
    assert preliminary.verdict["collection"]["preliminary"] is True
    assert refined.verdict["collection"]["preliminary"] is False
    # While the job still ran, its status said a preliminary verdict was there to see.
    CrawlJob.objects.filter(id=job.id).update(state=JobState.RUNNING, stage="reviewer")
    job.refresh_from_db()
    status = crawl_job_status(job)
    assert status["preliminary"] is True and status["stage_label"] == PRELIMINARY_LABEL
