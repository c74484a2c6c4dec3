"""End to end on the real stack: a worker crawls the demo market's campaign products over HTTP
(products, reviews, reviewers' profiles and histories) into PostgreSQL, then runs the scheduled
group fit through Redis, which finds the planted paid pool; the admin queue shows it."""

import os
import uuid

import pytest
from django.contrib.auth import get_user_model

from reviewsec.analyses.models import CrawlJob, JobState
from reviewsec.analyses.services import child_database_url
from reviewsec.analyses.tasks import crawl_job_task
from reviewsec.catalog.models import Product, Reviewer
from reviewsec.celery import app
from reviewsec.demo_market.products import demo_paid_pool
from reviewsec.groups.models import FitStatus, GroupFit
from reviewsec.groups.tasks import group_fit_task
from tests.project.workers import sending_through, start_worker, stop_worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TIME_LIMIT_S = 300


def _done(jobs: list[CrawlJob]) -> bool:
    states = CrawlJob.objects.filter(id__in=[job.id for job in jobs]).values_list(
        "state", flat=True
    )
    return all(state in (JobState.DONE, JobState.FAILED) for state in states)


def test_the_scheduled_fit_finds_the_demo_pool_and_the_queue_shows_it(
    live_server, settings, postgres_only, redis_url, client
) -> None:
    settings.DEMO_MARKET = True
    settings.DEMO_MARKET_BASE_URL = f"{live_server.url}/demo-market"
    pool = demo_paid_pool()
    jobs = [
        CrawlJob.objects.create(product=Product.objects.create(marketplace="demo", asin=asin))
        for asin in pool.products
    ]
    queue = f"test-groups-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": child_database_url(),
        "REDIS_URL": redis_url,
        "DEMO_MARKET": "1",
        "DEMO_MARKET_BASE_URL": settings.DEMO_MARKET_BASE_URL,
        "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT_S),
        "CELERY_TASK_SOFT_TIME_LIMIT": str(TIME_LIMIT_S - 10),
        "CRAWL_TIMEOUT_SECONDS": str(TIME_LIMIT_S - 20),
    }
    worker = start_worker(queue=queue, node=f"{queue}@%h", env=env)
    try:
        with sending_through(app, redis_url):
            for job in jobs:
                crawl_job_task.apply_async(args=[job.id], queue=queue)
        assert wait_until(lambda: _done(jobs), timeout_s=TIME_LIMIT_S, every_s=1)
        states = set(CrawlJob.objects.values_list("state", flat=True))
        assert states == {JobState.DONE}, list(CrawlJob.objects.values("state", "error"))
        with sending_through(app, redis_url):
            group_fit_task.apply_async(queue=queue)
        fitted = lambda: GroupFit.objects.exclude(status=FitStatus.RUNNING).exists()  # noqa: E731
        assert wait_until(fitted, timeout_s=120, every_s=0.5)
    finally:
        stop_worker(worker)

    fit = GroupFit.objects.get()
    assert fit.status == FitStatus.SUCCEEDED, fit.error
    group = fit.groups.order_by("rank").first()
    assert group is not None
    members = set(group.members.values_list("profile_id", flat=True))
    planted = {f"amzn1.account.{member}" for member in pool.members}
    recall = len(members & planted) / len(planted)
    precision = len(members & planted) / len(members)
    assert recall >= 0.9 and precision >= 0.9, (recall, precision)
    assert set(group.products.values_list("asin", flat=True)) == set(pool.products)
    assert {seller.seller_id for seller in group.sellers.all()} == set(pool.sellers)
    assert Reviewer.objects.filter(history__isnull=False).exists()  # profiles were crawled

    admin = get_user_model().objects.create_superuser("root", "r@example.com", "pw")
    client.force_login(admin)
    body = client.get("/admin/groups/reviewergroup/").content.decode()
    assert "Zentrix Direct" in body and "Halcyon Trading Co." in body
    assert "undecided" in body
