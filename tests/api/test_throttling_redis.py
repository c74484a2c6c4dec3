"""With Redis as the cache, rate-limit counts live there (shared by every web process)."""

import pytest
from django.core.cache import cache

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

VERDICT = "/api/v1/products/amazon.com/B0BBPNPZTC/verdict"


def test_counts_are_kept_in_redis(api, settings, redis_url) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "reviewsec-test-throttle",
        }
    }
    settings.API_RATE_ANON = "2/minute"
    cache.clear()
    try:
        statuses = [api.get(VERDICT, REMOTE_ADDR="198.51.100.7").status_code for _ in range(3)]
        keys = cache._cache.get_client().keys("reviewsec-test-throttle:*api-throttle:ip:*")
    finally:
        cache.clear()

    assert statuses == [404, 404, 429]
    assert keys, "the count was not written to Redis"
