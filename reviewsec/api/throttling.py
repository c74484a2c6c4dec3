"""One rate limit per client: per IP address for anonymous calls, per key with an API key.

Counts live in the default cache (Redis when ``REDIS_URL`` is set) as fixed windows: ``add`` then
``incr`` are atomic in Redis, so concurrent requests cannot both read "one left" and both pass,
as they can with DRF's read-modify-write ``SimpleRateThrottle``. The price is that a client may
spend two windows' worth across a window boundary, which is fine for a courtesy limit.

The same counters limit failed API-key attempts per address (``authentication``) and the
``/upload/`` form (``reviewsec.web.uploads``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from reviewsec.api.models import ApiKey

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.request import Request
    from rest_framework.views import APIView

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/minute"`` → ``(30, 60)``: requests allowed, and the window in seconds."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[0].lower()]


def _window(client: str, rate: str) -> tuple[str, int, float]:
    """(cache key of the current window, the limit, seconds until the window ends)."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    return f"api-throttle:{client}:{period}:{window}", limit, (window + 1) * period - now


def rate_limit_hit(client: str, rate: str) -> tuple[bool, float]:
    """Count one request of ``client`` (any string: ``ip:…``, ``upload:…``) against ``rate``:
    (allowed, seconds until the window ends)."""
    key, limit, retry_after = _window(client, rate)
    timeout = parse_rate(rate)[1] + 1
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr: this is its first hit
        cache.add(key, 1, timeout=timeout)
        count = 1
    return count <= limit, retry_after


def rate_limit_spent(client: str, rate: str) -> float | None:
    """Seconds until ``client`` may try again when its window is used up, else None (counts
    nothing: for limits counted only on failure, like bad API keys)."""
    key, limit, retry_after = _window(client, rate)
    return retry_after if (cache.get(key) or 0) >= limit else None


def client_ip(request: Any) -> str:
    """The address the rate limits count: REMOTE_ADDR, or X-Forwarded-For per ``NUM_PROXIES``."""
    return BaseThrottle().get_ident(request)


class ApiRateThrottle(BaseThrottle):
    """``API_RATE_KEY`` for requests with an API key, ``API_RATE_ANON`` for everyone else."""

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        if isinstance(request.auth, ApiKey):
            rate, client = settings.API_RATE_KEY, f"key:{request.auth.pk}"
        else:
            rate, client = settings.API_RATE_ANON, f"ip:{self.get_ident(request)}"
        allowed, self.retry_after = rate_limit_hit(client, rate)
        return allowed

    def wait(self) -> float | None:
        return self.retry_after
