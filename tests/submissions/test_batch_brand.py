"""Extension batches may name the product's brand: untrusted like the seller, so it fills an
unknown brand and never replaces one a crawl recorded; a NUL or an overlong one is a 400."""

import pytest

from reviewsec.catalog.models import Product
from tests.factories import make_product
from tests.submissions.conftest import batch, review

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/amazon.com/B0BRANDSUB/reviews"


def test_a_batch_fills_an_unknown_brand(api) -> None:
    response = api.post(URL, batch([review(1)], brand="  Zentrix "), format="json")
    assert response.status_code == 200
    assert Product.objects.get(asin="B0BRANDSUB").brand == "Zentrix"


def test_a_batch_never_replaces_a_crawled_brand(api) -> None:
    make_product(asin="B0BRANDSUB", brand="Halcyon")
    response = api.post(URL, batch([review(2)], brand="Spoofed"), format="json")
    assert response.status_code == 200
    assert Product.objects.get(asin="B0BRANDSUB").brand == "Halcyon"


@pytest.mark.parametrize("brand", ["x" * 256, "Nul\x00Byte"])
def test_a_malformed_brand_is_a_readable_400(api, brand) -> None:
    response = api.post(URL, batch([review(3)], brand=brand), format="json")
    assert response.status_code == 400
    assert "brand" in response.content.decode()
    assert not Product.objects.filter(asin="B0BRANDSUB").exists()
