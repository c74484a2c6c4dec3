"""The recrawl policy: interesting products come back sooner, and a due batch is a trickle."""

import datetime as dt

import pytest
from django.utils import timezone

from reviewsec.analyses.models import CrawlJob, JobState, JobTrigger
from reviewsec.analyses.scheduling import (
    ProductSignals,
    RecrawlPolicy,
    product_schedule_next,
    product_signals,
    recrawl_due_enqueue,
    recrawl_interval,
    spread_offset,
)
from reviewsec.moderation.models import CaseStatus
from reviewsec.moderation.services import case_open_for_analysis
from tests.factories import make_product
from tests.verdicts import make_analysis

NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
POLICY = RecrawlPolicy()


def _interval(requested_days_ago=None, in_queue=False, changes=0) -> dt.timedelta:
    requested = None if requested_days_ago is None else NOW - requested_days_ago * DAY
    return recrawl_interval(ProductSignals(requested, in_queue, changes), now=NOW, policy=POLICY)


def test_interesting_products_are_recrawled_sooner_than_quiet_ones() -> None:
    assert _interval(requested_days_ago=2) == POLICY.hot == DAY
    assert _interval(requested_days_ago=200, in_queue=True) == POLICY.hot
    assert _interval(requested_days_ago=20) == POLICY.base == 7 * DAY
    assert _interval(requested_days_ago=90) == POLICY.quiet == 30 * DAY
    assert _interval(requested_days_ago=None) == POLICY.quiet


def test_each_verdict_change_halves_the_interval_down_to_the_minimum() -> None:
    assert _interval(requested_days_ago=20, changes=1) == 3.5 * DAY
    assert _interval(requested_days_ago=20, changes=2) == 1.75 * DAY
    assert _interval(requested_days_ago=2, changes=5) == POLICY.minimum


def test_the_spread_offset_is_stable_and_under_a_tenth_of_the_interval() -> None:
    offsets = [spread_offset(product_id, 7 * DAY) for product_id in range(1, 501)]
    assert offsets == [spread_offset(product_id, 7 * DAY) for product_id in range(1, 501)]
    assert all(dt.timedelta(0) <= offset < 0.7 * DAY for offset in offsets)
    # Spread, not bunched: 500 products land in every tenth of the window.
    buckets = {int(offset / (0.07 * DAY)) for offset in offsets}
    assert buckets == set(range(10))


@pytest.mark.django_db
def test_signals_count_verdict_changes_and_open_cases() -> None:
    product = make_product(last_requested_at=NOW - 3 * DAY)
    for category in ("normal", "suspicious", "suspicious", "normal"):
        make_analysis(product, category=category)
    case_open_for_analysis(analysis=product.analyses.filter(category="suspicious").first())

    signals = product_signals(product)

    assert signals == ProductSignals(NOW - 3 * DAY, in_review_queue=True, verdict_changes=2)


@pytest.mark.django_db
def test_a_finished_job_schedules_the_products_next_crawl() -> None:
    from reviewsec.analyses.services import crawl_job_finish

    product = make_product(last_crawled_at=timezone.now(), last_requested_at=timezone.now())
    job = CrawlJob.objects.create(product=product, state=JobState.RUNNING)
    before = timezone.now()

    crawl_job_finish(job_id=job.id)

    product.refresh_from_db()
    assert before + DAY <= product.next_crawl_at <= timezone.now() + 1.1 * DAY


@pytest.mark.django_db
def test_a_request_marks_the_product_recently_requested(sent_jobs) -> None:
    from reviewsec.analyses.services import analysis_request

    analysis_request(marketplace="amazon.com", asin="B0REQUEST1")

    product = CrawlJob.objects.get().product
    assert timezone.now() - product.last_requested_at < dt.timedelta(seconds=5)


@pytest.mark.django_db
def test_due_products_become_staggered_incremental_jobs_most_overdue_first(
    sent_jobs, django_capture_on_commit_callbacks
) -> None:
    crawled = timezone.now() - 10 * DAY
    overdue = [
        make_product(last_crawled_at=crawled, next_crawl_at=timezone.now() - n * DAY)
        for n in range(1, 6)
    ]
    for product in overdue:  # each was crawled in full before: an incremental crawl is safe
        CrawlJob.objects.create(product=product, state=JobState.DONE)
    make_product(last_crawled_at=crawled, next_crawl_at=timezone.now() + DAY)  # not yet due
    make_product(next_crawl_at=timezone.now() - DAY)  # never crawled: not ours to refresh
    busy = make_product(last_crawled_at=crawled, next_crawl_at=timezone.now() - 9 * DAY)
    CrawlJob.objects.create(product=busy, state=JobState.RUNNING)

    with django_capture_on_commit_callbacks(execute=True):
        batch = recrawl_due_enqueue(batch_size=3, period_s=900)

    jobs = [CrawlJob.objects.get(id=job_id) for job_id in batch.enqueued]
    assert batch.due == 5
    assert [job.product for job in jobs] == [overdue[4], overdue[3], overdue[2]]
    assert all(job.trigger == JobTrigger.SCHEDULE and job.incremental for job in jobs)
    assert sent_jobs == batch.enqueued
    assert [sent_jobs.countdowns[job_id] for job_id in sent_jobs] == [0, 300, 600]


@pytest.mark.django_db
def test_a_recrawl_never_takes_a_slot_a_request_holds(sent_jobs) -> None:
    from reviewsec.analyses.services import analysis_request

    product = make_product(
        last_crawled_at=timezone.now() - 3 * DAY, next_crawl_at=timezone.now() - DAY
    )
    outcome = analysis_request(marketplace=product.marketplace, asin=product.asin)

    batch = recrawl_due_enqueue(batch_size=10, period_s=900)

    assert batch.enqueued == []
    assert list(CrawlJob.objects.values_list("id", flat=True)) == [outcome.job.id]


@pytest.mark.django_db
def test_the_next_crawl_of_a_product_in_the_queue_is_within_a_day() -> None:
    product = make_product(last_crawled_at=timezone.now())
    case_open_for_analysis(analysis=make_analysis(product, category="highly_suspicious"))
    assert product.review_case.status == CaseStatus.OPEN

    when = product_schedule_next(product=product, now=NOW)

    assert NOW + DAY <= when < NOW + 1.1 * DAY


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_job", "crawl_reason", "incremental"),
    [
        (None, None, False),  # nothing stored from a crawl yet
        ({"state": JobState.DONE, "incremental": False}, "", True),
        ({"state": JobState.DONE, "incremental": False}, "max_pages", True),
        ({"state": JobState.FAILED, "incremental": False}, None, False),
        ({"state": JobState.DONE, "incremental": True}, "caught_up", True),
        # Stopped before reaching known reviews: a hole no incremental crawl would ever fill.
        ({"state": JobState.DONE, "incremental": True}, "time_limit", False),
        ({"state": JobState.FAILED, "incremental": True}, None, False),
    ],
)
def test_a_recrawl_is_incremental_only_when_that_leaves_no_gap(
    last_job, crawl_reason, incremental, sent_jobs
) -> None:
    product = make_product(
        last_crawled_at=timezone.now() - 3 * DAY, next_crawl_at=timezone.now() - DAY
    )
    if last_job is not None:
        job = CrawlJob.objects.create(product=product, **last_job)
        if crawl_reason is not None:
            analysis = make_analysis(product)
            analysis.crawl_job = job
            analysis.verdict["collection"]["crawl_reason"] = crawl_reason
            analysis.save()

    batch = recrawl_due_enqueue(batch_size=1, period_s=900)

    assert CrawlJob.objects.get(id=batch.enqueued[0]).incremental is incremental
