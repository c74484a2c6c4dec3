"""GET /api/v1/products/{marketplace}/{asin}/verdict: the latest verdict, or a clear 404."""

import datetime as dt

import pytest

from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db


def test_the_latest_verdict_is_returned(api) -> None:
    product = make_product(asin="B0LATEST01")
    make_analysis(product, category="normal", age=dt.timedelta(days=3))
    latest = make_analysis(product, category="highly_suspicious")

    response = api.get("/api/v1/products/amazon.com/B0LATEST01/verdict")

    assert response.status_code == 200
    body = response.json()
    assert body["analysis"]["id"] == latest.id
    assert body["verdict"]["category"] == "highly_suspicious"
    assert body["links"]["history"].endswith("/api/v1/products/amazon.com/B0LATEST01/analyses")


def test_a_lowercase_asin_finds_the_product(api) -> None:
    make_analysis(make_product(asin="B0LOWER001"))

    assert api.get("/api/v1/products/amazon.com/b0lower001/verdict").status_code == 200


def test_an_unknown_product_is_a_404_that_says_what_to_do(api) -> None:
    response = api.get("/api/v1/products/amazon.com/B0NEVERSEE/verdict")

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_analysed",
            "message": "B0NEVERSEE on amazon.com has not been analysed yet; "
            "POST /api/v1/analyses to start.",
        }
    }


def test_a_product_without_an_analysis_is_a_404(api) -> None:
    make_product(asin="B0NOANALYS")

    response = api.get("/api/v1/products/amazon.com/B0NOANALYS/verdict")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_analysed"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/products/example.com/B0BBPNPZTC/verdict", "/api/v1/products/amazon.com/nope/verdict"],
)
def test_a_path_that_cannot_name_a_product_is_a_400(api, path) -> None:
    response = api.get(path)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_product"
