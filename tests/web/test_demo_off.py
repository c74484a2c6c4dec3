"""With ``DEMO_MARKET=0`` the demo marketplace is not served anywhere: no paste, analyse button,
API call, scheduled recrawl or crawl reaches the demo's address. A real local listener stands
where the demo market would be, and must receive nothing.
"""

import socket
import threading
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from crawler.runner import run_crawl
from crawler.spiders.reviews import ReviewsSpider
from marketplaces import ProductRef
from reviewsec.analyses.models import CrawlJob
from reviewsec.analyses.scheduling import recrawl_due_enqueue
from reviewsec.analyses.services import crawl_job_run
from reviewsec.catalog.models import Product

pytestmark = pytest.mark.django_db(transaction=True)

ASIN = "B0DEMO0001"


class Listener:
    """A TCP listener on loopback that counts the connections it is offered."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.1)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()


@pytest.fixture
def listener(settings):
    heard = Listener()
    settings.DEMO_MARKET = False
    settings.DEMO_MARKET_BASE_URL = f"http://127.0.0.1:{heard.port}/demo-market"
    settings.ANALYSIS_RUN_INLINE = True  # a job that were started would crawl before we look
    yield heard
    heard.close()
    assert heard.connections == 0, "something fetched the demo market while it was off"


@pytest.fixture
def demo_product() -> Product:
    now = timezone.now()
    return Product.objects.create(
        marketplace="demo", asin=ASIN, last_crawled_at=now, next_crawl_at=now
    )


def test_the_analyse_button_refuses_a_stored_demo_product(client, listener, demo_product) -> None:
    response = client.post(f"/p/demo/{ASIN}/analyse")

    assert response.status_code == 404
    assert b"not served" in response.content
    assert CrawlJob.objects.count() == 0


def test_the_analyse_button_refuses_an_uploaded_product(client, listener) -> None:
    Product.objects.create(marketplace="upload", asin="B0UPLOAD01")

    response = client.post("/p/upload/B0UPLOAD01/analyse")

    assert response.status_code == 404
    assert CrawlJob.objects.count() == 0


def test_the_paste_form_refuses_a_demo_link(client, listener, settings) -> None:
    response = client.post("/", {"ref": f"{settings.DEMO_MARKET_BASE_URL}/dp/{ASIN}"})

    assert response.status_code == 400
    assert CrawlJob.objects.count() == 0


def test_the_api_refuses_the_demo_marketplace(listener, demo_product) -> None:
    response = APIClient().post(
        "/api/v1/analyses", {"asin": ASIN, "marketplace": "demo"}, format="json"
    )

    assert response.status_code == 400
    assert CrawlJob.objects.count() == 0


def test_scheduled_recrawls_skip_the_demo_products(listener, demo_product) -> None:
    batch = recrawl_due_enqueue(now=timezone.now())

    assert (batch.due, batch.enqueued) == (0, [])


def test_a_demo_job_already_queued_fails_without_a_fetch(listener, demo_product) -> None:
    job = CrawlJob.objects.create(product=demo_product)

    with pytest.raises(Exception, match="not served"):
        crawl_job_run(job_id=job.id)


def test_the_crawler_refuses_the_demo_market_when_its_environment_turns_it_off(
    listener, tmp_path: Path, settings
) -> None:
    outcome = run_crawl(
        ProductRef("demo", ASIN),
        base_url=settings.DEMO_MARKET_BASE_URL,
        store=False,
        outcome_path=tmp_path / "outcome.json",
        timeout_s=20,
        env={"DEMO_MARKET": "0"},
    )

    assert (outcome.status, outcome.reason_code) == ("failed", "not_served")
    assert outcome.retryable is False


def test_a_spider_refuses_a_demo_mirror_its_environment_does_not_list(monkeypatch) -> None:
    monkeypatch.setenv("DEMO_MARKET", "1")
    monkeypatch.setenv("DEMO_MARKET_HOSTS", "127.0.0.1:8000")
    with pytest.raises(ValueError, match="not served"):
        ReviewsSpider(asin=ASIN, marketplace="demo", base_url="http://127.0.0.1:9/demo-market")
    monkeypatch.setenv("DEMO_MARKET", "0")
    with pytest.raises(ValueError, match="not served"):
        ReviewsSpider(asin=ASIN, marketplace="demo", base_url="http://127.0.0.1:8000/demo-market")
