"""GET /healthz: JSON, 200 when the service can do its work, 503 when it cannot.

Anyone sees the overall status and each check's status. The figures (timings, database vendor,
worker node names and PIDs, the class of a failure) are shown only to staff and to requests
carrying ``Authorization: Bearer <HEALTHZ_TOKEN>``: node names and PIDs help an attacker map
the deployment. The middleware answers before the session middleware runs, so the staff check
loads the session itself.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare

from reviewsec.health.checks import health_report


def healthz(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    healthy, checks = health_report()
    if not may_see_details(request):
        checks = {name: {"status": check["status"]} for name, check in checks.items()}
    body: dict[str, Any] = {"status": "ok" if healthy else "error", "checks": checks}
    response = JsonResponse(body, status=200 if healthy else 503)
    add_never_cache_headers(response)
    response["Vary"] = "Authorization, Cookie"
    return response


def may_see_details(request: HttpRequest) -> bool:
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and constant_time_compare(given, token):
        return True
    return _is_staff(request)


def _is_staff(request: HttpRequest) -> bool:
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return False
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = get_user(request)
    return bool(user.is_active and user.is_staff)
