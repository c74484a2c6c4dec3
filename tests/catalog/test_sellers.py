"""A product's seller: stored from the crawled page, one row per seller, kept when a later page
does not show it."""

import pytest

from crawler.items import ProductItem
from crawler.store import store_product
from reviewsec.catalog.models import Seller, seller_key
from reviewsec.catalog.sellers import product_seller_set, seller_upsert
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def page(**facts: str) -> ProductItem:
    return ProductItem(marketplace="amazon.com", asin="B0SELLER01", title="Mats", **facts)


def test_a_crawled_seller_is_stored_with_the_product() -> None:
    product = store_product(page(seller_id="A1HLCYN0TRADE", seller_name="Halcyon Trading Co."))
    assert (product.seller.seller_id, product.seller.name) == (
        "A1HLCYN0TRADE",
        "Halcyon Trading Co.",
    )


def test_a_page_without_a_seller_keeps_the_one_seen_before() -> None:
    store_product(page(seller_id="A1HLCYN0TRADE", seller_name="Halcyon Trading Co."))
    product = store_product(page())
    assert product.seller.seller_id == "A1HLCYN0TRADE"


def test_a_seller_shown_by_name_only_is_one_row_per_name() -> None:
    first = store_product(page(seller_name="Amazon"))
    other = store_product(
        ProductItem(marketplace="amazon.com", asin="B0SELLER02", seller_name=" amazon ")
    )
    assert first.seller == other.seller
    assert first.seller.seller_id == "name:amazon"
    assert Seller.objects.count() == 1


def test_the_same_id_on_another_marketplace_is_another_seller() -> None:
    seller_upsert(marketplace="amazon.com", seller_id="A1SAME", name="One")
    seller_upsert(marketplace="amazon.de", seller_id="A1SAME", name="One")
    assert Seller.objects.count() == 2


def test_a_renamed_storefront_keeps_its_row() -> None:
    seller = seller_upsert(marketplace="amazon.com", seller_id="A1RENAME", name="Old Name")
    renamed = seller_upsert(marketplace="amazon.com", seller_id="A1RENAME", name="New Name")
    assert renamed.pk == seller.pk and renamed.name == "New Name"


def test_nothing_known_is_no_seller() -> None:
    assert seller_key("", "  ") == ""
    assert seller_upsert(marketplace="amazon.com") is None
    product = make_product()
    assert product_seller_set(product=product) is None
    product.refresh_from_db()
    assert product.seller is None
