"""One rate limit per client: per IP address for anonymous calls, per key with an API key.

Counts live in the default cache (Redis when ``REDIS_URL`` is set) as fixed windows: ``add`` then
``incr`` are atomic in Redis, so concurrent requests cannot both read "one left" and both pass,
as they can with DRF's read-modify-write ``SimpleRateThrottle``. The price is that a client may
spend two windows' worth across a window boundary, which is fine for a courtesy limit.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

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


class ApiRateThrottle(BaseThrottle):
    """``API_RATE_KEY`` for requests with an API key, ``API_RATE_ANON`` for everyone else."""

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        if isinstance(request.auth, ApiKey):
            rate, client = settings.API_RATE_KEY, f"key:{request.auth.pk}"
        else:
            rate, client = settings.API_RATE_ANON, f"ip:{self.get_ident(request)}"
        limit, period = parse_rate(rate)
        now = time.time()
        window = int(now // period)
        key = f"api-throttle:{client}:{period}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the window expired between add and incr: this is its first hit
            cache.add(key, 1, timeout=period + 1)
            count = 1
        self.retry_after = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        return self.retry_after
