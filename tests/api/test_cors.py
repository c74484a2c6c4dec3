"""CORS: browser extensions (any install id) and configured origins may call the API."""

import pytest

pytestmark = pytest.mark.django_db

VERDICT = "/api/v1/products/amazon.com/B0BBPNPZTC/verdict"
CHROME = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
FIREFOX = "moz-extension://0b6e7a9c-1d2e-4f5a-8b9c-0d1e2f3a4b5c"


@pytest.mark.parametrize("origin", [CHROME, FIREFOX])
def test_an_extension_origin_is_allowed(api, origin) -> None:
    response = api.get(VERDICT, HTTP_ORIGIN=origin)

    assert response["Access-Control-Allow-Origin"] == origin


def test_a_preflight_for_a_json_post_with_a_key_is_allowed(api) -> None:
    response = api.options(
        "/api/v1/analyses",
        HTTP_ORIGIN=CHROME,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, authorization",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == CHROME
    assert "authorization" in response["Access-Control-Allow-Headers"]


def test_an_arbitrary_site_is_not_allowed(api) -> None:
    response = api.get(VERDICT, HTTP_ORIGIN="https://evil.example")

    assert "Access-Control-Allow-Origin" not in response


def test_an_origin_from_the_settings_is_allowed(api, settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example"]

    response = api.get(VERDICT, HTTP_ORIGIN="https://partner.example")

    assert response["Access-Control-Allow-Origin"] == "https://partner.example"


def test_pages_outside_the_api_get_no_cors_headers(client) -> None:
    response = client.get("/", HTTP_ORIGIN=CHROME)

    assert "Access-Control-Allow-Origin" not in response
