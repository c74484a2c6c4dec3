"""POST /api/v1/products/{marketplace}/{asin}/reviews: new reviews stored, known ones untouched."""

import datetime as dt

import pytest

from reviewsec.analyses.models import Analysis
from reviewsec.catalog.models import Product, Review, ReviewSource, ReviewSubmission
from tests.factories import make_product, make_review
from tests.submissions.conftest import batch, review

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/amazon.com/B0SUBMIT01/reviews"


def test_it_stores_new_reviews_attributed_to_the_extension_and_the_batch(api) -> None:
    response = api.post(URL, batch([review(1), review(2)]), format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["accepted"], body["duplicates"], body["analysis"]) == (2, 0, None)
    assert body["verdict_url"].endswith("/p/amazon.com/B0SUBMIT01/")
    submission = ReviewSubmission.objects.get(id=body["submission"])
    assert submission.source == ReviewSource.EXTENSION
    assert submission.client_key.startswith("ip:")
    assert "127.0.0.1" not in submission.client_key
    stored = Review.objects.get(review_id="REXT0000000001")
    assert (stored.source, stored.submission_id, stored.rating) == ("extension", submission.id, 2)
    assert stored.reviewer.profile_id == "amzn1.account.EXT000001"


def test_sending_the_same_batch_again_counts_duplicates_and_stores_nothing(api) -> None:
    api.post(URL, batch([review(1), review(2)]), format="json")

    again = api.post(URL, batch([review(1), review(2), review(2)]), format="json").json()

    assert (again["accepted"], again["duplicates"]) == (0, 3)
    assert Review.objects.count() == 2


def test_it_never_overwrites_a_crawled_review(api) -> None:
    product = make_product(asin="B0SUBMIT01")
    crawled = make_review(
        product, review_id="RCRAWLED0001", rating=5, title="Great", posted_date=dt.date(2023, 5, 1)
    )

    forged = review(1, review_id="RCRAWLED0001", rating=1, title="Awful", body="Forged")
    body = api.post(URL, batch([forged, review(2)]), format="json").json()

    assert (body["accepted"], body["duplicates"]) == (1, 1)
    crawled.refresh_from_db()
    assert (crawled.rating, crawled.title, crawled.source) == (5, "Great", "crawler")
    assert crawled.submission_id is None


def test_a_review_first_sent_by_one_client_stays_theirs(api) -> None:
    api.post(URL, batch([review(1)]), format="json", REMOTE_ADDR="10.0.0.1")
    first = Review.objects.get().submission_id

    body = api.post(URL, batch([review(1, rating=1)]), format="json", REMOTE_ADDR="10.0.0.2")

    assert body.json()["duplicates"] == 1
    stored = Review.objects.get()
    assert (stored.submission_id, stored.rating) == (first, 2)
    keys = set(ReviewSubmission.objects.values_list("client_key", flat=True))
    assert len(keys) == 2


def test_final_runs_the_analysis_and_says_where_the_reviews_came_from(api) -> None:
    product = make_product(asin="B0SUBMIT01")
    for n in range(5):
        make_review(product, review_id=f"RCRAWLED{n:04d}")
    reviews = [review(n) for n in range(1, 31)]

    body = api.post(URL, batch(reviews, final=True, shop_rating_count=4321), format="json").json()

    analysis = Analysis.objects.get(product__asin="B0SUBMIT01")
    assert body["analysis"]["id"] == analysis.id
    assert body["analysis"]["reviews_analyzed"] == 35
    collection = body["analysis"]["collection"]
    assert collection["sources"] == {"crawler": 5, "extension": 30}
    assert collection["reviews_analyzed"] == 35
    assert (collection["shop_rating_count"], collection["shop_rating_count_source"]) == (
        4321,
        "extension",
    )
    assert analysis.verdict["collection"].get("preliminary") in (None, False)  # a final verdict
    assert {k: v for k, v in analysis.verdict["collection"].items() if k != "preliminary"} == {
        k: v for k, v in collection.items() if k != "preliminary"
    }


def test_a_crawled_rating_count_wins_over_the_one_the_client_reports(api) -> None:
    Product.objects.create(marketplace="amazon.com", asin="B0SUBMIT01", shop_rating_count=900)

    body = api.post(URL, batch([review(1)], final=True, shop_rating_count=5), format="json")

    collection = body.json()["analysis"]["collection"]
    assert (collection["shop_rating_count"], collection["shop_rating_count_source"]) == (
        900,
        "crawler",
    )
    assert Product.objects.get(asin="B0SUBMIT01").shop_rating_count == 900


def test_an_api_key_is_the_client_identity(api) -> None:
    from reviewsec.api.keys import api_key_create

    key, raw = api_key_create(name="partner")
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")

    body = api.post(URL, batch([review(1)]), format="json").json()

    assert ReviewSubmission.objects.get(id=body["submission"]).client_key == f"key:{key.id}"


def test_the_extension_origin_may_call_it(api) -> None:
    origin = "chrome-extension://" + "a" * 32

    response = api.options(URL, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")

    assert response.headers["Access-Control-Allow-Origin"] == origin
