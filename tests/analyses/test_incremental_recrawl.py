"""An incremental recrawl over loopback: newest first, stop at the first known page, re-analyse.

"Reviews posted since the last crawl" are simulated by deleting the newest stored reviews of a
fully crawled demo product: the demo shop still lists them, so the recrawl must bring back
exactly those, from the first page of the list, and nothing else.
"""

import pytest

from reviewsec.analyses.models import CrawlJob, JobState, JobTrigger
from reviewsec.analyses.services import crawl_job_run
from reviewsec.catalog.models import Product, Review
from reviewsec.demo_market.products import demo_catalogue

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def demo_market(live_server, settings) -> str:
    settings.DEMO_MARKET = True
    settings.DEMO_MARKET_BASE_URL = f"{live_server.url}/demo-market"
    return settings.DEMO_MARKET_BASE_URL


def _crawled(scenario: str) -> tuple[CrawlJob, list[str]]:
    """A demo product crawled in full; its review ids, oldest first."""
    simulated = next(p for p in demo_catalogue() if p.scenario == scenario)
    product = Product.objects.create(marketplace="demo", asin=simulated.asin)
    job = CrawlJob.objects.create(product=product)
    crawl_job_run(job_id=job.id)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    return job, [review.review_id for review in simulated.reviews]


def _recrawl(product: Product) -> CrawlJob:
    job = CrawlJob.objects.create(product=product, incremental=True, trigger=JobTrigger.SCHEDULE)
    crawl_job_run(job_id=job.id)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    return job


def test_a_recrawl_restores_exactly_the_new_reviews_from_the_first_page(demo_market) -> None:
    full, review_ids = _crawled("honest")
    product = full.product
    newest = review_ids[-3:]
    Review.objects.filter(product=product, review_id__in=newest).delete()

    recrawl = _recrawl(product)

    stored = list(Review.objects.filter(product=product).values_list("review_id", flat=True))
    assert sorted(stored) == sorted(review_ids)  # the missing three are back, none twice
    assert recrawl.reviews_fetched == 3
    # The product page, one page of reviews, the three new reviewers' profiles.
    assert recrawl.pages_fetched == 1 + 1 + 3
    assert full.pages_fetched > 10 * recrawl.pages_fetched
    # Each crawl ends in one refined verdict (a preliminary one may come before it).
    finals = [
        analysis
        for analysis in product.analyses.order_by("created_at")
        if not analysis.verdict["collection"].get("preliminary")
    ]
    latest = finals[-1]
    assert ([a.crawl_job_id for a in finals], latest.crawl_job_id) == (
        [full.id, recrawl.id],
        recrawl.id,
    )
    assert latest.reviews_analyzed == len(review_ids)


def test_a_recrawl_that_finds_nothing_new_still_re_analyses(demo_market) -> None:
    full, review_ids = _crawled("tiny")
    recrawl = _recrawl(full.product)
    assert (recrawl.reviews_fetched, recrawl.pages_fetched) == (0, 1 + 1)
    assert Review.objects.filter(product=full.product).count() == len(review_ids)
    assert full.product.analyses.filter(crawl_job=recrawl).exists()
