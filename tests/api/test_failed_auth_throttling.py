"""Made-up API keys are rate limited per address, before any database lookup (issue 14, item 10)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviewsec.api.keys import api_key_create

pytestmark = pytest.mark.django_db

VERDICT = "/api/v1/products/amazon.com/B0BBPNPZTC/verdict"


@pytest.fixture(autouse=True)
def rates(settings) -> None:
    settings.API_RATE_AUTH_FAILURES = "3/minute"
    settings.API_RATE_ANON = "1000/minute"
    settings.API_RATE_KEY = "1000/minute"


def _bogus(api, n: int, address: str = "10.0.0.1"):
    return api.get(VERDICT, HTTP_AUTHORIZATION=f"Api-Key made-up-{n}", REMOTE_ADDR=address)


def test_bogus_keys_past_the_limit_get_429_without_a_lookup(api) -> None:
    assert [_bogus(api, n).status_code for n in range(3)] == [401, 401, 401]
    with CaptureQueriesContext(connection) as queries:
        response = _bogus(api, 4)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 60
    assert len(queries) == 0


def test_another_address_and_a_real_key_still_work(api) -> None:
    for n in range(4):
        _bogus(api, n)
    assert _bogus(api, 9, address="10.0.0.2").status_code == 401
    _, raw = api_key_create(name="partner")
    response = api.get(VERDICT, HTTP_AUTHORIZATION=f"Api-Key {raw}", REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 404  # authenticated; the product is just not analysed
