"""/healthz is answered here, first in ``MIDDLEWARE``, for the probes that call it.

Container health checks and load balancers call the app by IP address over plain HTTP: behind
this middleware, ``ALLOWED_HOSTS`` would refuse their ``Host`` (400) and ``SECURE_SSL_REDIRECT``
would send them to HTTPS (301). The report builds no URL from the request, so the ``Host`` header
cannot steer it, and it needs no session, user or CSRF token. It is outside the API, so no rate
limit counts it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from reviewsec.health.views import healthz

HEALTHZ_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTHZ_PATH:
            return healthz(request)
        return self.get_response(request)
