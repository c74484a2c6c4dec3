"""The buy box's seller ("Sold by") and the byline are read where a page shows them, and stay
empty where it does not: real Amazon pages from the shared fixtures, then our own variants of
Amazon's current and older buy-box markup (tests/crawler/pages/)."""

from __future__ import annotations

import pytest

from crawler.parsing.product import parse_product, product_seller
from tests.crawler.helpers import (
    BALDACCI_PRODUCT,
    DAWN_LIST,
    HEART_LIST,
    KINDLE_IT_LIST,
    VEGETABLE_UK_PRODUCT,
    fixture,
    saved,
)


def test_uk_2017_page_is_sold_by_amazon_not_by_the_used_offers_seller() -> None:
    # The buy box says "Dispatched from and sold by Amazon."; "Sold by Quality Books Today"
    # (seller=APXQB793EEQ9Q) further down is a used copy's offer.
    product = parse_product(fixture(VEGETABLE_UK_PRODUCT), marketplace="amazon.co.uk", asin="X")
    assert (product.seller_id, product.seller_name) == ("", "Amazon")
    assert product.brand == "Mat Follas"


def test_us_2024_kindle_page_is_sold_by_its_publisher() -> None:
    product = parse_product(fixture(BALDACCI_PRODUCT), marketplace="amazon.com", asin="X")
    assert (product.seller_id, product.seller_name) == ("", "Hachette Book Group")
    assert product.brand == "David Baldacci"


@pytest.mark.parametrize("name", [DAWN_LIST, HEART_LIST, KINDLE_IT_LIST])
def test_review_lists_show_no_seller(name: str) -> None:
    assert product_seller(fixture(name)) == ("", "")


def test_current_buy_box_gives_the_seller_id_from_its_link() -> None:
    product = parse_product(
        saved("product_third_party_seller.html"), marketplace="amazon.com", asin="X"
    )
    assert (product.seller_id, product.seller_name) == ("A2ZNTRX7DIRECT", "Zentrix Direct")
    assert product.brand == "Zentrix"


def test_older_merchant_info_with_a_seller_link() -> None:
    product = parse_product(
        saved("product_merchant_info_seller.html"), marketplace="amazon.com", asin="X"
    )
    assert (product.seller_id, product.seller_name) == ("A1HLCYN0TRADE", "Halcyon Trading Co.")
    assert product.brand == "Halcyon"


def test_german_sentence_names_amazon() -> None:
    product = parse_product(
        saved("product_de_sold_by_amazon.html"), marketplace="amazon.de", asin="X"
    )
    assert (product.seller_id, product.seller_name) == ("", "Amazon")
    assert product.brand == "Muehlenwerk"


def test_a_buy_box_without_a_seller_fails_soft() -> None:
    product = parse_product(
        saved("product_unreadable_seller.html"), marketplace="amazon.com", asin="X"
    )
    assert (product.seller_id, product.seller_name) == ("", "")
    assert product.title == "Unbranded Phone Stand"
