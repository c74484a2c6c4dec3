"""The verdict page and the API verdict say where the analysed reviews came from."""

import pytest

from tests.factories import make_product, make_review
from tests.submissions.conftest import batch, review

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/amazon.com/B0PROVEN01/reviews"


@pytest.fixture
def analysed(api) -> None:
    product = make_product(asin="B0PROVEN01")
    for n in range(3):
        make_review(product, review_id=f"RCRAWLED{n:04d}")
    reviews = [review(n) for n in range(1, 11)]
    api.post(URL, batch(reviews, final=True, shop_rating_count=2500), format="json")


@pytest.mark.usefixtures("analysed")
def test_the_page_counts_reviews_per_source_against_the_shops_count(client) -> None:
    page = client.get("/p/amazon.com/B0PROVEN01/").content.decode()

    assert "13 of 2,500 the shop reports (as a shopper's browser read it)" in page
    assert '<li data-source="crawler">3 read from the shop by our crawler</li>' in page
    assert '<li data-source="extension">10 sent by shoppers&#x27; browser extension' in page


@pytest.mark.usefixtures("analysed")
def test_the_api_verdict_carries_the_same_collection(api) -> None:
    body = api.get("/api/v1/products/amazon.com/B0PROVEN01/verdict").json()

    assert body["collection"]["sources"] == {"crawler": 3, "extension": 10}
    assert body["collection"]["shop_rating_count"] == 2500
    assert body["collection"]["shop_rating_count_source"] == "extension"
