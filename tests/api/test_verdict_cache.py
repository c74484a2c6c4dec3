"""The verdict endpoint serves its body from the cache, and a new analysis or a moderator's
decision is served at once, never a stale body."""

import json

import pytest
from rest_framework.renderers import JSONRenderer

from reviewsec.api.presenters import verdict_body
from reviewsec.moderation.models import CaseStatus
from reviewsec.moderation.services import case_decide, case_open_for_analysis
from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db

VERDICT = "/api/v1/products/amazon.com/B0CACHED01/verdict"


@pytest.fixture
def product():
    return make_product(asin="B0CACHED01", title="Cast iron pan")


def test_a_repeated_request_is_one_query(api, product, django_assert_num_queries) -> None:
    make_analysis(product)
    first = api.get(VERDICT).json()

    with django_assert_num_queries(1):  # which analysis is the latest; the body is cached
        again = api.get(VERDICT).json()

    assert again == first
    assert again["product"]["title"] == "Cast iron pan"


def test_the_cached_body_is_the_rendered_verdict_body(api, product) -> None:
    analysis = make_analysis(product)
    first = api.get(VERDICT)
    again = api.get(VERDICT)

    expected = JSONRenderer().render(verdict_body(analysis, first.wsgi_request))
    assert again.content == first.content
    assert json.loads(again.content) == json.loads(expected)  # PostgreSQL reorders JSON keys
    assert again["Content-Type"] == "application/json"


def test_a_new_analysis_is_served_at_once(api, product) -> None:
    make_analysis(product, category="normal")
    assert api.get(VERDICT).json()["verdict"]["category"] == "normal"

    latest = make_analysis(product, category="highly_suspicious")
    body = api.get(VERDICT).json()

    assert body["analysis"]["id"] == latest.id
    assert body["verdict"]["category"] == "highly_suspicious"


def test_a_moderators_decision_is_served_at_once(api, product, moderator) -> None:
    case = case_open_for_analysis(analysis=make_analysis(product, category="suspicious"))
    assert api.get(VERDICT).json()["moderation"] is None

    case_decide(case=case, status=CaseStatus.CLEARED, actor=moderator)

    assert api.get(VERDICT).json()["moderation"]["status"] == "cleared"


def test_links_follow_the_host_asked_even_from_the_cache(api, product, settings) -> None:
    settings.ALLOWED_HOSTS = ["reviewsec.example", "mirror.example"]
    make_analysis(product)
    api.get(VERDICT, HTTP_HOST="reviewsec.example")

    links = api.get(VERDICT, HTTP_HOST="mirror.example").json()["links"]

    assert links["self"] == f"http://mirror.example{VERDICT}"
