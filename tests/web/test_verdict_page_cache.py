"""The verdict page is rendered once per analysis and moderator decision, never per visitor."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from reviewsec.moderation.models import CaseStatus, ReviewCase, Severity
from reviewsec.web.verdict_page import CSRF_SLOT
from tests.web.verdict_fixtures import demo_analysis

pytestmark = pytest.mark.django_db
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _page(client: Client, analysis) -> bytes:
    product = analysis.product
    response = client.get(f"/p/{product.marketplace}/{product.asin}/")
    assert response.status_code == 200
    return response.content


def test_a_cached_page_costs_one_query_and_no_rendering(django_assert_num_queries) -> None:
    analysis = demo_analysis("boost")
    first = _page(Client(), analysis)
    with django_assert_num_queries(1):
        again = _page(Client(), analysis)
    assert TOKEN.sub(b"", first) == TOKEN.sub(b"", again)


def test_each_visitor_gets_their_own_csrf_token_and_can_post_it() -> None:
    analysis = demo_analysis("boost")
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    alice_page, bob_page = _page(alice, analysis), _page(bob, analysis)
    alice_token, bob_token = TOKEN.search(alice_page)[1], TOKEN.search(bob_page)[1]
    assert alice_token != bob_token
    assert CSRF_SLOT.encode() not in alice_page + bob_page
    assert "csrftoken" in alice.cookies  # get_token made the middleware send the cookie
    product = analysis.product
    url = f"/p/{product.marketplace}/{product.asin}/analyse"
    refused = bob.post(url, {"csrfmiddlewaretoken": alice_token.decode()})
    assert refused.status_code == 403


def test_a_new_analysis_is_a_new_page() -> None:
    old = demo_analysis("boost")
    new = demo_analysis("tiny")  # another product: its own page
    assert _page(Client(), new) != _page(Client(), old)
    newer = demo_analysis("boost")
    assert newer.id != old.id
    assert f"{newer.created_at:%Y-%m-%d %H:%M}".encode() in _page(Client(), newer)


def test_a_moderators_decision_shows_at_once() -> None:
    analysis = demo_analysis("boost")
    before = _page(Client(), analysis)
    ReviewCase.objects.create(
        product=analysis.product,
        analysis=analysis,
        status=CaseStatus.CONFIRMED_MANIPULATION,
        severity=Severity.HIGHLY_SUSPICIOUS,
        decided_at=timezone.now(),
        opened_at=timezone.now(),
    )
    after = _page(Client(), analysis)
    assert b'data-field="moderator-review"' not in before
    assert b'data-field="moderator-review"' in after
