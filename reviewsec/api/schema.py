"""drf-spectacular extensions: how the OpenAPI schema describes our own API-key scheme."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "reviewsec.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"
    # Anonymous calls are allowed too (with a lower rate limit).
    optional = True

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: a key from the admin raises the rate limit.",
        }
