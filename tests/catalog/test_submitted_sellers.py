"""Extension batches may name the product's seller; it is untrusted, so it fills an unknown
seller and never replaces one a crawl recorded; a malformed one is a readable 400."""

import pytest

from reviewsec.catalog.models import Product
from reviewsec.catalog.sellers import seller_upsert
from tests.factories import make_product
from tests.submissions.conftest import batch, review

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/amazon.com/B0SELLSUB1/reviews"


def test_a_batch_fills_an_unknown_seller(api) -> None:
    body = batch([review(1)], seller_id="A2ZNTRX7DIRECT", seller_name="Zentrix Direct")
    assert api.post(URL, body, format="json").status_code == 200
    seller = Product.objects.get(asin="B0SELLSUB1").seller
    assert (seller.seller_id, seller.name) == ("A2ZNTRX7DIRECT", "Zentrix Direct")


def test_a_batch_never_replaces_a_crawled_seller(api) -> None:
    crawled = seller_upsert(marketplace="amazon.com", seller_id="A1CRAWLED0001", name="Real")
    make_product(asin="B0SELLSUB1", seller=crawled)
    body = batch([review(2)], seller_id="A9SPOOFED0001", seller_name="Spoofed")
    assert api.post(URL, body, format="json").status_code == 200
    assert Product.objects.get(asin="B0SELLSUB1").seller == crawled


def test_a_batch_without_a_seller_changes_nothing(api) -> None:
    assert api.post(URL, batch([review(3)]), format="json").status_code == 200
    assert Product.objects.get(asin="B0SELLSUB1").seller is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"seller_id": "not an id!"}, "seller_id"),
        ({"seller_name": "x" * 300}, "seller_name"),
        ({"seller_name": "Nul\x00Byte"}, "seller_name"),
    ],
)
def test_a_malformed_seller_is_a_readable_400(api, fields, field) -> None:
    response = api.post(URL, batch([review(4)], **fields), format="json")
    assert response.status_code == 400
    assert field in response.content.decode()
    assert not Product.objects.filter(asin="B0SELLSUB1").exists()
