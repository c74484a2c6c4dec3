"""Generated requests against /api/v1/schema/: no 5xx, and every response matches the schema.

Bounded (a few examples per operation) so it runs in seconds; crawls are recorded by
``sent_jobs``, never run, and short links are never followed.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplaces import refs
from reviewsec.wsgi import application
from tests.factories import make_product
from tests.verdicts import make_analysis

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Loaded at collection: a request to the schema view, which touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture
def seeded(db, sent_jobs, settings, monkeypatch) -> Iterator[None]:
    settings.API_RATE_ANON = "100000/minute"

    def no_network(url: str, timeout_s: float = 5.0) -> None:
        raise OSError("no network in tests")

    monkeypatch.setattr(refs, "fetch_location", no_network)
    # The operation examples name this product: one verdict on file, so 200s are generated too.
    make_analysis(make_product(asin="B0BBPNPZTC"), category="suspicious")
    # The raw WSGI app closes the database connection after each request, which would close the
    # test's transaction; Django's own test client unhooks this the same way.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.usefixtures("seeded")
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_generated_requests_get_no_5xx_and_match_the_schema(case) -> None:
    case.call_and_validate(checks=CHECKS)
