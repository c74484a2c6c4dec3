"""With the broker down, no job is left queued without its task: the forms answer a readable 503.

The broker is a real redis-server of the test's own (``tests.analyses.private_redis``; never the
shared one), this process's jobs sent to it, then killed: the publish fails the way it does when
Redis goes down under a running app, after kombu's own retries. Runs in the embedded default and
under CI's broker alike.
"""

import contextlib
import json

import pytest
import redis
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from reviewsec.analyses.models import ACTIVE_JOB_STATES, CrawlJob, JobState
from reviewsec.analyses.scheduling import recrawl_due_enqueue
from reviewsec.catalog.models import Product
from reviewsec.submissions.models import UploadJob
from tests.analyses.private_redis import PrivateRedis, private_broker  # noqa: F401

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),  # the task is sent on commit
]

ASIN = "B0BBPNPZTC"


@pytest.fixture
def broker_down(private_broker: PrivateRedis):  # noqa: F811  (the imported fixture)
    cache.clear()
    private_broker.kill()
    yield private_broker
    with contextlib.suppress(redis.RedisError):  # the cache may be the killed server itself
        cache.clear()


def _active_crawl_jobs() -> int:
    return CrawlJob.objects.filter(state__in=ACTIVE_JOB_STATES).count()


def test_the_paste_form_answers_a_readable_503_and_keeps_no_job(client, broker_down) -> None:
    response = client.post("/", {"ref": ASIN})

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert b"try again" in response.content
    assert CrawlJob.objects.count() == 0


def test_pasting_again_during_the_outage_starts_afresh_instead_of_joining(
    client, broker_down
) -> None:
    for _ in range(2):
        assert client.post("/", {"ref": ASIN}).status_code == 503
        assert _active_crawl_jobs() == 0


def test_the_analyse_button_answers_a_readable_503(client, broker_down) -> None:
    Product.objects.create(marketplace="amazon.com", asin=ASIN)

    response = client.post(f"/p/amazon.com/{ASIN}/analyse")

    assert response.status_code == 503
    assert b"try again" in response.content
    assert CrawlJob.objects.count() == 0


def test_the_api_answers_503_and_keeps_no_job(broker_down) -> None:
    response = APIClient().post("/api/v1/analyses", {"asin": ASIN}, format="json")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert CrawlJob.objects.count() == 0


def test_the_upload_form_answers_a_readable_503_and_keeps_no_job(client, broker_down) -> None:
    file = SimpleUploadedFile("r.jsonl", b'{"asin": "B0BBPNPZTC", "rating": 5}\n')

    response = client.post("/upload/", {"file": file})

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert b"try again" in response.content
    assert UploadJob.objects.count() == 0


def test_a_scheduled_recrawl_that_cannot_be_sent_leaves_the_product_due(broker_down) -> None:
    now = timezone.now()
    Product.objects.create(
        marketplace="amazon.com", asin=ASIN, last_crawled_at=now, next_crawl_at=now
    )

    batch = recrawl_due_enqueue(now=now)

    assert batch.enqueued == []
    assert CrawlJob.objects.count() == 0


def test_once_redis_is_back_pasting_again_starts_a_job_whose_message_is_queued(
    client, broker_down
) -> None:
    assert client.post("/", {"ref": ASIN}).status_code == 503
    broker_down.start()

    response = client.post("/", {"ref": ASIN})

    assert response.status_code == 302
    job = CrawlJob.objects.get()
    assert job.state == JobState.QUEUED
    queued = [
        json.loads(raw)["headers"]["id"] for raw in broker_down.client().lrange("celery", 0, -1)
    ]
    assert queued == [job.celery_task_id]


def test_the_upload_form_answers_503_when_its_rate_limit_counters_are_unreachable(
    client, settings, broker_down
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": broker_down.url,
        }
    }
    file = SimpleUploadedFile("r.jsonl", b'{"asin": "B0BBPNPZTC", "rating": 5}\n')

    response = client.post("/upload/", {"file": file})

    assert response.status_code == 503
    assert b"try again" in response.content
    assert UploadJob.objects.count() == 0
