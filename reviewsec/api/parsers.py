"""JSON bodies with a size limit: DRF's parser reads the raw stream, past Django's own limits."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    """Refuse bodies over ``API_MAX_BODY_BYTES`` (400) before decoding a byte of them.

    Reading one byte past the limit catches bodies that lie about, or omit, Content-Length.
    """

    def max_bytes(self) -> int:
        return settings.API_MAX_BODY_BYTES

    def too_large(self, limit: int) -> Exception:
        return ParseError(f"The request body is larger than {limit} bytes.")

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = self.max_bytes()
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise self.too_large(limit)
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:  # [[[[…]]]]: the decoder gives up past the recursion limit
            raise ParseError("The JSON is nested too deeply.") from None


class SubmissionJSONParser(BoundedJSONParser):
    """Review batches from the extension: a larger body, and 413 (not 400) when over it."""

    def max_bytes(self) -> int:
        return settings.SUBMISSION_MAX_BODY_BYTES

    def too_large(self, limit: int) -> Exception:
        from reviewsec.api.errors import PayloadTooLarge

        return PayloadTooLarge(f"The request body is larger than {limit} bytes.")
