"""One rate limit per client: per IP address for anonymous calls, per key with an API key.

Counts live in the default cache (Redis when ``REDIS_URL`` is set) as fixed windows: ``add`` then
``incr`` are atomic in Redis, so concurrent requests cannot both read "one left" and both pass,
as they can with DRF's read-modify-write ``SimpleRateThrottle``. The price is that a client may
spend two windows' worth across a window boundary, which is fine for a courtesy limit.

The counters are ``reviewsec.lib.rate_limits``, which also limit failed API-key attempts per
address (``authentication``) and the ``/upload/`` form (``reviewsec.web.uploads``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from reviewsec.api.models import ApiKey
from reviewsec.lib.rate_limits import rate_limit_hit

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.request import Request
    from rest_framework.views import APIView


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
