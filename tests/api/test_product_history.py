"""GET /api/v1/products/{marketplace}/{asin}/analyses: every verdict, newest first, paginated."""

import datetime as dt

import pytest

from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db


def test_the_history_is_newest_first_and_paginated(api) -> None:
    product = make_product(asin="B0HISTORY1")
    analyses = [make_analysis(product, age=dt.timedelta(days=day)) for day in range(5)]

    response = api.get("/api/v1/products/amazon.com/B0HISTORY1/analyses?page_size=2")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert [row["id"] for row in body["results"]] == [analyses[0].id, analyses[1].id]
    assert body["next"].endswith("/analyses?page=2&page_size=2")
    assert body["results"][0]["category"] == "normal"
    assert body["results"][0]["reasons"]


def test_a_page_past_the_end_is_a_404_in_the_envelope(api) -> None:
    make_analysis(make_product(asin="B0HISTORY2"))

    response = api.get("/api/v1/products/amazon.com/B0HISTORY2/analyses?page=9")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_unknown_product_has_no_history(api) -> None:
    response = api.get("/api/v1/products/amazon.com/B0NOHISTOR/analyses")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_analysed"
