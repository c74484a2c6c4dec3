"""``Authorization: Api-Key <key>``: no user, just a key that raises the rate limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

from reviewsec.api.keys import api_key_verify
from reviewsec.api.models import ApiKey
from reviewsec.lib.rate_limits import client_ip, rate_limit_hit, rate_limit_spent

if TYPE_CHECKING:  # rest_framework.request imports this module through the settings
    from rest_framework.request import Request

KEYWORD = "Api-Key"


class ApiKeyAuthentication(BaseAuthentication):
    """Sets ``request.auth`` to the ``ApiKey``; no header means an anonymous request.

    A header that is present but wrong is refused (401) rather than treated as anonymous, so a
    client with a mistyped or revoked key finds out at once instead of being throttled later.

    Authentication runs before throttling, so wrong keys are limited here: an address that sent
    ``API_RATE_AUTH_FAILURES`` of them is answered 429 without looking its keys up.
    """

    def authenticate(self, request: Request) -> tuple[None, ApiKey] | None:
        header = get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != KEYWORD.lower():
            return None
        client, rate = f"auth-failed:{client_ip(request)}", settings.API_RATE_AUTH_FAILURES
        wait = rate_limit_spent(client, rate)
        if wait is not None:
            raise Throttled(wait, "Too many wrong API keys from this address; try again later.")
        key = api_key_verify(raw_key=header[1]) if len(header) == 2 else None
        if key is None:
            rate_limit_hit(client, rate)
            if len(header) != 2:
                raise AuthenticationFailed("Send the key as 'Authorization: Api-Key <key>'.")
            raise AuthenticationFailed("That API key is unknown or has been revoked.")
        return None, key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
