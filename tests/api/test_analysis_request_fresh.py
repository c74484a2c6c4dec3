"""POST /api/v1/analyses with a fresh verdict on file: 200 and the verdict at once."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db


def test_a_fresh_verdict_is_returned_with_product_and_links(api, sent_jobs) -> None:
    product = make_product(asin="B0BBPNPZTC", title="Mug", last_crawled_at=timezone.now())
    make_analysis(product, category="suspicious", age=dt.timedelta(seconds=-1))

    response = api.post("/api/v1/analyses", {"asin": "B0BBPNPZTC"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["schema"] == "reviewsec.verdict/1"
    assert body["verdict"]["category"] == "suspicious"
    assert body["consistency"]["pci"] == 0.12
    assert body["product"] == {
        "marketplace": "amazon.com",
        "asin": "B0BBPNPZTC",
        "title": "Mug",
        "brand": "",
        "image_url": "",
        "shop_average_rating": None,
        "shop_rating_count": None,
        "last_crawled_at": body["product"]["last_crawled_at"],
    }
    assert body["links"]["self"] == (
        "http://testserver/api/v1/products/amazon.com/B0BBPNPZTC/verdict"
    )
    assert body["links"]["page"] == "http://testserver/p/amazon.com/B0BBPNPZTC/"
    assert body["moderation"] is None
    assert sent_jobs == []


def test_a_product_url_finds_the_same_fresh_verdict(api, sent_jobs) -> None:
    product = make_product(marketplace="amazon.de", asin="B0BBPNPZTC")
    analysis = make_analysis(product)

    response = api.post(
        "/api/v1/analyses",
        {"url": "https://www.amazon.de/Some-Mug/dp/B0BBPNPZTC/ref=sr_1_1?th=1"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["analysis"]["id"] == analysis.id
