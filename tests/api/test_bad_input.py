"""Bad input answers 400 in the error envelope, before any network access or database row."""

import json

import pytest

from marketplaces import refs
from reviewsec.analyses.models import CrawlJob
from reviewsec.catalog.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(url: str, timeout_s: float = 5.0) -> None:
        raise AssertionError(f"the API tried to open {url}")

    monkeypatch.setattr(refs, "fetch_location", refuse)


BAD_BODIES = {
    "another shop": {"url": "https://www.ebay.com/itm/B0BBPNPZTC"},
    "a look-alike host": {"url": "https://amazon.com.evil.example/dp/B0BBPNPZTC"},
    "user info before the host": {"url": "https://amazon.com@evil.example/dp/B0BBPNPZTC"},
    "cloud metadata": {"url": "http://169.254.169.254/latest/meta-data/"},
    "loopback": {"url": "http://127.0.0.1:8000/dp/B0BBPNPZTC"},
    "localhost": {"url": "http://localhost/dp/B0BBPNPZTC"},
    "an IPv6 literal": {"url": "http://[::1]/dp/B0BBPNPZTC"},
    "a file URL": {"url": "file:///etc/passwd"},
    "an Amazon page that is not a product": {"url": "https://www.amazon.com/gp/cart"},
    "an unknown marketplace": {"asin": "B0BBPNPZTC", "marketplace": "example.com"},
    "a URL in the asin field": {"asin": "amazon.com/dp/B0BBPNPZTC"},
    "a short asin": {"asin": "B0BB"},
    "a number for the url": {"url": 42},
    "a list for the asin": {"asin": ["B0BBPNPZTC"]},
    "null for the url": {"url": None},
    "both url and asin": {"url": "https://www.amazon.com/dp/B0BBPNPZTC", "asin": "B0BBPNPZTC"},
    "neither url nor asin": {},
    "a marketplace with a url": {
        "url": "https://www.amazon.com/dp/B0BBPNPZTC",
        "marketplace": "amazon.de",
    },
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_input_is_refused_with_the_envelope(api, sent_jobs, body) -> None:
    response = api.post("/api/v1/analyses", body, format="json")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] in {"invalid_input", "invalid_product"}
    assert error["message"]
    assert not Product.objects.exists()
    assert not CrawlJob.objects.exists()
    assert sent_jobs == []


def test_a_refused_host_says_why(api) -> None:
    response = api.post("/api/v1/analyses", {"url": "https://www.ebay.com/dp/X"}, format="json")

    assert response.json()["error"] == {
        "code": "invalid_product",
        "message": "url: www.ebay.com is not an Amazon marketplace we can check "
        "(amazon.com, amazon.co.uk, amazon.de, …).",
    }


def test_a_body_that_is_not_an_object_is_refused(api) -> None:
    response = api.post("/api/v1/analyses", ["B0BBPNPZTC"], format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


def test_malformed_json_is_refused(api) -> None:
    response = api.post("/api/v1/analyses", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_a_huge_body_is_refused_before_it_is_parsed(api, settings) -> None:
    settings.API_MAX_BODY_BYTES = 1024
    body = json.dumps({"url": "https://www.amazon.com/dp/B0BBPNPZTC", "pad": "x" * 5000})

    response = api.post("/api/v1/analyses", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "malformed_request",
        "message": "The request body is larger than 1024 bytes.",
    }


def test_a_form_encoded_body_is_refused(api) -> None:
    response = api.post("/api/v1/analyses", {"asin": "B0BBPNPZTC"})  # multipart

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
