"""The one error envelope of the API: ``{"error": {"code": ..., "message": ...}}``.

Every failure under ``/api/v1/`` goes through :func:`api_exception_handler` (DRF's
``EXCEPTION_HANDLER``), so DRF's own errors (bad JSON, 405, throttling), our domain errors and
unexpected crashes all read the same to a client.
"""

from __future__ import annotations

import logging
from typing import Any

import redis.exceptions
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError as DatabaseUnavailable
from kombu.exceptions import OperationalError as BrokerUnavailable
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from marketplaces import InvalidProductRef

logger = logging.getLogger(__name__)

# A database, broker or cache that cannot be reached: try again later (503), not our bug (500).
UNAVAILABLE = (DatabaseUnavailable, BrokerUnavailable, redis.exceptions.ConnectionError)
RETRY_AFTER_UNAVAILABLE_S = 30

# DRF's default codes, renamed where a client would otherwise see a vague word.
CODES = {
    "invalid": "invalid_input",
    "parse_error": "malformed_request",
    "throttled": "rate_limited",
    "authentication_failed": "invalid_api_key",
}


class NotAnalysed(exceptions.NotFound):
    default_code = "not_analysed"
    default_detail = "This product has not been analysed yet."


class InvalidProduct(exceptions.ValidationError):
    default_code = "invalid_product"


class UnknownMarketplace(exceptions.NotFound):
    default_code = "unknown_marketplace"
    default_detail = "That marketplace is not one we accept."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request is too large."


class DailyCapReached(exceptions.APIException):
    """Not the rate limit: a cap on how many reviews one client submits per product per day."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "daily_cap_reached"
    default_detail = "This client has submitted its day's worth of reviews for this product."


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, InvalidProductRef):
        exc = InvalidProduct(str(exc))
    if isinstance(exc, RequestDataTooBig):  # DRF reads request.body, past Django's own limit
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    response = exception_handler(exc, context)  # Http404 → 404, headers like Retry-After
    if response is not None:
        assert isinstance(exc, exceptions.APIException)
        response.data = error_body(_code(exc), _message(exc.detail))
        return response
    if isinstance(exc, UNAVAILABLE):
        logger.warning("API dependency unavailable: %s", exc)
        return Response(
            error_body("service_unavailable", "The service is busy or down; try again shortly."),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE_S)},
        )
    logger.error("unexpected API error", exc_info=exc)
    return Response(
        error_body("internal_error", "Something went wrong on our side."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def _code(exc: exceptions.APIException) -> str:
    """A stable code for clients; every 400 of input is ``invalid_product`` or ``invalid_input``."""
    if isinstance(exc, exceptions.ValidationError):
        return (
            "invalid_product" if _first(exc.get_codes()) == "invalid_product" else "invalid_input"
        )
    return CODES.get(str(exc.default_code), str(exc.default_code))


def _first(detail: Any) -> Any:
    while isinstance(detail, dict | list) and detail:
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return detail


def _message(detail: Any, field: str = "") -> str:
    """The first readable message in DRF's nested detail, prefixed with its field's name."""
    if isinstance(detail, dict):
        name, value = next(iter(detail.items()), ("", ""))
        prefix = "" if name in ("non_field_errors", "detail") else str(name)
        return _message(value, f"{field}.{prefix}".strip(".") if prefix else field)
    if isinstance(detail, list):
        return _message(detail[0], field) if detail else "Invalid input."
    return f"{field}: {detail}" if field else str(detail)
