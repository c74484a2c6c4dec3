"""With the broker down, no job is left queued without its task: the forms answer a readable 503.

The broker is a real unreachable address (a loopback port nobody listens on), not a mock: the
publish fails the way it does when Redis is down, after kombu's own retries.
"""

import os
import socket

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from reviewsec.analyses.models import ACTIVE_JOB_STATES, CrawlJob
from reviewsec.analyses.scheduling import recrawl_due_enqueue
from reviewsec.catalog.models import Product
from reviewsec.celery import app
from reviewsec.submissions.models import UploadJob
from tests.project.workers import sending_through

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the task is sent on commit
    # These point the in-process app at a closed port; with a live broker (CI) the app's
    # connection is already bound to it and the override does not take. Known gap, issue 14.
    pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="needs the embedded mode"),
]

ASIN = "B0BBPNPZTC"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down(settings):
    cache.clear()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with sending_through(app, f"redis://127.0.0.1:{_closed_port()}/0"):
        yield
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


def test_the_upload_form_answers_503_when_its_rate_limit_counters_are_unreachable(
    client, settings
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    file = SimpleUploadedFile("r.jsonl", b'{"asin": "B0BBPNPZTC", "rating": 5}\n')

    response = client.post("/upload/", {"file": file})

    assert response.status_code == 503
    assert b"try again" in response.content
    assert UploadJob.objects.count() == 0
