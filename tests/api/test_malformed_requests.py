"""Malformed requests get a readable 4xx in the envelope, never a 500 (issue 14, item 6)."""

import json

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

REVIEWS = "/api/v1/products/amazon.com/B0BBPNPZTC/reviews"
NESTED = "[" * 5000 + "]" * 5000


def test_a_body_over_djangos_memory_limit_is_413(client) -> None:
    body = json.dumps({"reviews": [], "pad": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = client.post(REVIEWS, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize("path", ["/api/v1/analyses", REVIEWS])
def test_deeply_nested_json_is_400(client, path) -> None:
    response = client.post(path, NESTED, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "malformed_request",
        "message": "The JSON is nested too deeply.",
    }


@pytest.mark.parametrize("path", ["/upload/", "/api/v1/uploads"])
def test_a_content_length_that_is_not_a_number_is_400(client, path) -> None:
    response = client.generic(
        "POST", path, b"--x--", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="lots",
    )  # fmt: skip
    assert response.status_code == 400
    assert b"Content-Length" in response.content
