"""Fixed-window rate limits counted in the default cache (Redis when ``REDIS_URL`` is set).

``add`` then ``incr`` are atomic in Redis, so concurrent requests cannot both read "one left"
and both pass. Used by the API's throttle, its failed-key limit and the ``/upload/`` form.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

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
