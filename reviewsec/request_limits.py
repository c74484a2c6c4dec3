"""Refuse a request whose ``Content-Length`` is not a number (400) before anything reads it.

Django and our upload limits turn the header into an ``int``; ``Content-Length: lots`` would
otherwise end as a 500 wherever that happens first. Placed right after the health check in
``MIDDLEWARE``, so every view can trust the header to be a whole number.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "The Content-Length header must be a whole number of bytes."


class ContentLengthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        # A NUL byte in the path reaches PostgreSQL's text lookups, which refuse it with an error.
        malformed = "\x00" in request.path_info
        if malformed or not (declared.isascii() and declared.strip().isdigit()):
            if request.path_info.startswith("/api/"):
                body = {"error": {"code": "malformed_request", "message": MESSAGE}}
                return JsonResponse(body, status=400)
            return HttpResponse(MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
