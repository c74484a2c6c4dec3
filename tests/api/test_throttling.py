"""Rate limits: anonymous clients per IP, API keys per key and higher; both answer 429."""

import pytest

from reviewsec.api.keys import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db

VERDICT = "/api/v1/products/amazon.com/B0BBPNPZTC/verdict"


@pytest.fixture(autouse=True)
def low_rates(settings) -> None:
    settings.API_RATE_ANON = "2/minute"
    settings.API_RATE_KEY = "4/minute"


def test_an_anonymous_client_past_its_limit_gets_429_in_the_envelope(api) -> None:
    statuses = [api.get(VERDICT).status_code for _ in range(3)]

    assert statuses == [404, 404, 429]
    response = api.get(VERDICT)
    assert response.json()["error"]["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 60


def test_clients_at_other_addresses_have_their_own_count(api) -> None:
    for _ in range(2):
        api.get(VERDICT, REMOTE_ADDR="10.0.0.1")

    assert api.get(VERDICT, REMOTE_ADDR="10.0.0.2").status_code == 404


def test_a_forged_forwarded_for_header_does_not_reset_the_count(api) -> None:
    for n in range(2):
        api.get(VERDICT, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert api.get(VERDICT, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_an_api_key_raises_the_limit(api) -> None:
    _, raw_key = api_key_create(name="partner")
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")

    statuses = [api.get(VERDICT).status_code for _ in range(5)]

    assert statuses == [404, 404, 404, 404, 429]


def test_an_unknown_key_is_refused_not_treated_as_anonymous(api) -> None:
    api.credentials(HTTP_AUTHORIZATION="Api-Key rsk_deadbeef_not-a-real-secret")

    response = api.get(VERDICT)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_revoked_key_is_refused(api) -> None:
    key, raw_key = api_key_create(name="former partner")
    api_key_revoke(key=key)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")

    assert api.get(VERDICT).status_code == 401
