"""The demo market's sign-in wall: review lists only for a "signed-in" demo session.

Since late 2024 Amazon shows anonymous visitors only the few reviews on the product page and
sends them to ``/ap/signin`` for the review list. With ``DEMO_MARKET_SIGNIN_WALL`` on, the demo
market does the same, so the browser extension's collector (which reads the list in the
shopper's own session) can be tried and tested against it. The wall is off by default: the
server-side crawler has no session, and the demo crawl flow must keep working.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_COOKIE = "demo-market-session"
SIGNED_IN = "signed-in"
RETURN_FIELD = "openid.return_to"


def wall_is_up() -> bool:
    return settings.DEMO_MARKET_SIGNIN_WALL


def is_signed_in(request: HttpRequest) -> bool:
    return request.COOKIES.get(SESSION_COOKIE) == SIGNED_IN


def redirect_to_signin(request: HttpRequest) -> HttpResponse:
    """Amazon's answer to an anonymous review-list request: a redirect to its sign-in page."""
    query = urlencode({RETURN_FIELD: request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('demo_market:signin')}?{query}")


def return_path(request: HttpRequest) -> str:
    """Where to go after signing in: a demo-market path from the form, else the catalogue."""
    back = request.POST.get(RETURN_FIELD) or request.GET.get(RETURN_FIELD) or ""
    catalogue = reverse("demo_market:catalogue")
    if back.startswith(catalogue) and url_has_allowed_host_and_scheme(back, None):
        return back
    return catalogue


def sign_in(response: HttpResponse) -> HttpResponse:
    response.set_cookie(SESSION_COOKIE, SIGNED_IN, httponly=True, samesite="Lax")
    return response
