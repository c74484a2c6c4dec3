"""Bad batches are refused in the API's error envelope, saying which review and field."""

import datetime as dt

import pytest

from crawler.parsing import reviews as crawler_reviews
from reviewsec.catalog.models import Product, Review, ReviewSubmission
from reviewsec.submissions.services import REVIEW_ID_LOOSE_PATTERN, REVIEW_ID_PATTERN
from tests.submissions.conftest import batch, review

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/amazon.com/B0SUBMIT01/reviews"


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.mark.parametrize(
    ("bad", "field", "word"),
    [
        ({"rating": 6}, "rating", "less than or equal to 5"),
        ({"rating": "5"}, "rating", "integer"),
        ({"review_id": "R1 2345"}, "review_id", "review id"),
        ({"review_id": "R" * 33}, "review_id", "32"),
        ({"posted_date": "2024-13-01"}, "posted_date", "format"),
        (
            {"posted_date": (dt.date.today() + dt.timedelta(days=5)).isoformat()},
            "posted_date",
            "future",
        ),
        ({"helpful_votes": -1}, "helpful_votes", "greater than or equal to 0"),
        ({"verified_purchase": "yes"}, "verified_purchase", "boolean"),
        ({"title": "x" * 2001}, "title", "2000"),
        ({"profile_id": "<script>"}, "profile_id", "profile id"),
        ({"cookie": "session-id=1"}, "cookie", "not accepted"),
    ],
)
def test_an_invalid_review_names_its_index_and_field(api, bad, field, word) -> None:
    reviews = [review(1), review(2, **bad)]

    error = _error(api.post(URL, batch(reviews), format="json"), 400)

    assert error["code"] == "invalid_input"
    assert error["message"].startswith(f"reviews.1.{field}:"), error["message"]
    assert word in error["message"]
    assert not Review.objects.exists()


def test_a_missing_required_field_is_named(api) -> None:
    incomplete = review(1)
    del incomplete["rating"]

    error = _error(api.post(URL, batch([incomplete]), format="json"), 400)

    assert error["message"] == "reviews.0.rating: This field is required."


def test_malformed_json_is_refused(api) -> None:
    response = api.post(URL, "{not json", content_type="application/json")

    assert _error(response, 400)["code"] == "malformed_request"


def test_unknown_top_level_keys_are_refused(api) -> None:
    error = _error(api.post(URL, {**batch([]), "account": "me@example.com"}, format="json"), 400)

    assert error["message"].startswith("account:")


def test_more_than_the_batch_limit_is_refused(api, settings) -> None:
    settings.SUBMISSION_MAX_REVIEWS = 3

    error = _error(api.post(URL, batch([review(n) for n in range(4)]), format="json"), 400)

    assert error["message"] == "reviews: Send at most 3 reviews per request."


def test_an_oversize_body_is_413(api, settings) -> None:
    settings.SUBMISSION_MAX_BODY_BYTES = 2000

    response = api.post(URL, batch([review(n) for n in range(20)]), format="json")

    assert _error(response, 413)["code"] == "too_large"
    assert not Product.objects.exists()


@pytest.mark.parametrize("marketplace", ["amazon.example", "upload", "ebay.com"])
def test_an_unknown_marketplace_is_404(api, marketplace) -> None:
    url = f"/api/v1/products/{marketplace}/B0SUBMIT01/reviews"

    error = _error(api.post(url, batch([review(1)]), format="json"), 404)

    assert error["code"] == "unknown_marketplace"


def test_a_bad_asin_is_400(api) -> None:
    url = "/api/v1/products/amazon.com/NOTANASIN/reviews"

    assert _error(api.post(url, batch([review(1)]), format="json"), 400)["code"] == (
        "invalid_product"
    )


def test_one_client_is_capped_per_product_per_day(api, settings) -> None:
    settings.SUBMISSION_DAILY_CAP = 5
    assert api.post(URL, batch([review(n) for n in range(4)]), format="json").status_code == 200

    error = _error(api.post(URL, batch([review(n) for n in range(4, 6)]), format="json"), 429)

    assert error["code"] == "daily_cap_reached"
    assert Review.objects.count() == 4
    other = api.post(URL, batch([review(9)]), format="json", REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200
    assert ReviewSubmission.objects.count() == 2


def test_the_review_id_rules_are_the_crawlers() -> None:
    assert crawler_reviews._REVIEW_ID.pattern == REVIEW_ID_PATTERN
    assert crawler_reviews._REVIEW_ID_LOOSE.pattern == REVIEW_ID_LOOSE_PATTERN
