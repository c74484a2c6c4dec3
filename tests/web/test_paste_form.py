"""The paste box: valid products go to their job, bad input comes back with a readable error."""

import pytest
from django.test import Client

from reviewsec.analyses.models import CrawlJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from reviewsec.analyses.dispatch import crawl_job_dispatcher
    from tests.analyses.conftest import SentJobs

    sent = SentJobs()
    monkeypatch.setattr(crawl_job_dispatcher, "_send", sent)
    return sent


@pytest.mark.parametrize(
    "text",
    [
        "https://www.amazon.com/Some-Slug/dp/B07747FR44?ref=abc",
        "B07747FR44",
        "amazon.de/gp/product/B07747FR44",
    ],
)
def test_a_valid_product_goes_to_its_progress_page(client: Client, text: str) -> None:
    response = client.post("/", {"ref": text})
    assert response.status_code == 302
    job = CrawlJob.objects.get()
    assert response["Location"] == f"/jobs/{job.id}/"
    assert job.product.asin == "B07747FR44"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://evil.example/dp/B07747FR44",
        "https://amazon.com@evil.example/dp/B07747FR44",
        "http://127.0.0.1/dp/B07747FR44",
        "javascript:alert(1)",
        "not a product at all",
        "x" * 5000,
    ],
)
def test_bad_input_re_renders_the_form_with_the_error(client: Client, text: str) -> None:
    response = client.post("/", {"ref": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="ref-error"' in body
    assert 'aria-invalid="true"' in body
    assert CrawlJob.objects.count() == 0


def test_the_demo_market_is_refused_while_the_demo_is_off(client: Client, settings) -> None:
    settings.DEMO_MARKET = False
    response = client.post("/", {"ref": "http://127.0.0.1:8000/demo-market/dp/B0DEMO0001"})
    assert response.status_code == 400


def test_a_demo_product_link_is_accepted_while_the_demo_is_on(client: Client, settings) -> None:
    settings.DEMO_MARKET = True
    settings.DEMO_MARKET_BASE_URL = "http://127.0.0.1:8000/demo-market"
    response = client.post("/", {"ref": "http://127.0.0.1:8000/demo-market/dp/B0DEMO0001"})
    assert response.status_code == 302
    assert CrawlJob.objects.get().product.marketplace == "demo"


def test_the_home_page_offers_the_demo_products_when_the_demo_is_on(
    client: Client, settings
) -> None:
    settings.DEMO_MARKET = True
    body = client.get("/").content.decode()
    assert "Try the demo marketplace" in body
    assert "B0DEMO0099" in body
