"""Every real Amazon page in the shared fixtures reads as a person reads it.

The expected values were read off the pages themselves (SOURCES.md lists where each comes from).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crawler.parsing.pages import PageKind, classify_page
from crawler.parsing.product import parse_product
from crawler.parsing.reviews import next_page_href, parse_reviews, reviews_expected
from tests.crawler.fake_market import FIXTURES
from tests.crawler.helpers import (
    BALDACCI_PRODUCT,
    DAWN_LIST,
    HEART_LIST,
    KINDLE_IT_LIST,
    VEGETABLE_UK_PRODUCT,
    fixture,
)

D = dt.date
MARKETPLACE = {
    DAWN_LIST: "amazon.com",
    HEART_LIST: "amazon.com",
    KINDLE_IT_LIST: "amazon.it",
    VEGETABLE_UK_PRODUCT: "amazon.co.uk",
    BALDACCI_PRODUCT: "amazon.com",
}


def reviews(name: str) -> list:
    return list(parse_reviews(fixture(name), marketplace=MARKETPLACE[name], asin="X"))


def test_every_fixture_file_is_covered_here() -> None:
    assert {path.name for path in FIXTURES.glob("*.html")} == set(MARKETPLACE)


@pytest.mark.parametrize("name", sorted(MARKETPLACE))
def test_every_fixture_is_an_ordinary_page(name: str) -> None:
    url = f"https://www.{MARKETPLACE[name]}/x"
    assert classify_page(200, url, fixture(name)) is PageKind.OK


# --- amazon.com review list, July 2024 (Dawn dish soap) ---


def test_dawn_list_reads_its_ten_reviews() -> None:
    found = reviews(DAWN_LIST)
    assert len(found) == 10
    assert [r.rating for r in found] == [5, 5, 5, 5, 5, 5, 5, 4, 5, 5]
    assert [r.posted_date for r in found] == [
        D(2024, 7, 1), D(2024, 6, 5), D(2024, 7, 6), D(2024, 6, 17), D(2024, 7, 5),
        D(2024, 6, 18), D(2024, 5, 24), D(2024, 3, 24), D(2024, 7, 8), D(2024, 7, 9),
    ]  # fmt: skip
    assert [r.helpful_votes for r in found] == [0, 4, 1, 3, 0, 0, 22, 16, 0, 0]
    assert all(r.verified_purchase for r in found)
    assert {r.country for r in found} == {"United States"}
    assert not any(r.vine for r in found)


def test_dawn_list_reads_titles_without_the_star_text() -> None:
    first, *_, last = reviews(DAWN_LIST)
    assert (first.review_id, first.title) == ("RIY0N097PYR7K", "Name brand and performance")
    assert first.reviewer_name == "Tina Haskett Cambar"
    assert first.reviewer_profile_id == "amzn1.account.AGRF5MX43S4IU37JOGQ5LBIKLOWA"
    assert first.body.startswith("This is the dish liquid I always buy")
    assert (last.review_id, last.title, last.reviewer_name) == (
        "R1P6IWGF3BKZQT",
        "Excellent product",
        "Bear",
    )


def test_dawn_list_knows_its_size_and_next_page() -> None:
    page = fixture(DAWN_LIST)
    assert reviews_expected(page) == 504
    assert next_page_href(page).endswith("pageNumber=2")
    product = parse_product(page, marketplace="amazon.com", asin="B0BBPNPZTC")
    assert (
        product.title
        == "Dawn Ultra Dishwashing Liquid Dish Soap, Original Scent, 38 fl oz (pack of 1)"
    )
    assert product.brand == "Dawn"
    assert (product.shop_average_rating, product.shop_rating_count) == (4.8, 5849)
    assert product.star_histogram == {"5": 89, "4": 6, "3": 1, "2": 1, "1": 3}


# --- amazon.com review list, autumn 2020 (Heart of Darkness) ---


def test_heart_of_darkness_list_reads_its_ten_reviews() -> None:
    found = reviews(HEART_LIST)
    assert len(found) == 10
    assert [r.rating for r in found] == [3, 4, 2, 3, 4, 5, 3, 4, 4, 5]
    assert [r.posted_date for r in found] == [
        D(2020, 9, 21), D(2020, 4, 4), D(2020, 5, 4), D(2018, 6, 15), D(2019, 7, 18),
        D(2020, 7, 11), D(2020, 4, 8), D(2019, 2, 20), D(2020, 5, 24), D(2020, 7, 16),
    ]  # fmt: skip
    assert [r.helpful_votes for r in found] == [2, 1, 1, 1, 2, 0, 0, 0, 0, 0]
    assert all(r.verified_purchase for r in found)
    assert (found[0].title, found[0].reviewer_name) == ("A Hard, Slow Slog", "Dadannac")
    assert found[0].reviewer_profile_id == "amzn1.account.AG7J22XH3473IZAYYGV6WNSWFKDQ"
    assert found[4].title == "It’s really good"


def test_heart_of_darkness_list_knows_its_size() -> None:
    page = fixture(HEART_LIST)
    assert reviews_expected(page) == 57  # "248 global ratings | 57 global reviews"
    assert next_page_href(page)
    product = parse_product(page, marketplace="amazon.com", asin="B000FC1C50")
    assert product.title == "Heart of Darkness [with Biographical Introduction]"
    assert product.brand == "Joseph Conrad"
    assert (product.shop_average_rating, product.shop_rating_count) == (4.3, 248)
    assert product.star_histogram == {"5": 57, "4": 23, "3": 13, "2": 4, "1": 4}


# --- amazon.it review list, 2019 (Kindle Paperwhite, Italian) ---


def test_italian_list_reads_its_ten_reviews() -> None:
    found = reviews(KINDLE_IT_LIST)
    assert len(found) == 10
    assert [r.rating for r in found] == [5, 5, 2, 1, 3, 4, 1, 5, 5, 3]
    assert [r.posted_date for r in found] == [
        D(2018, 11, 14), D(2018, 11, 12), D(2018, 11, 23), D(2018, 11, 23), D(2018, 11, 20),
        D(2018, 11, 24), D(2019, 4, 14), D(2018, 12, 4), D(2018, 11, 13), D(2018, 12, 2),
    ]  # fmt: skip
    assert [r.helpful_votes for r in found] == [921, 669, 215, 162, 139, 117, 51, 47, 35, 24]
    assert all(r.verified_purchase for r in found)  # "Acquisto verificato"
    assert {r.country for r in found} == {""}  # 2019 lines carry no country
    assert [r.image_count for r in found] == [0, 1, 0, 0, 0, 0, 1, 3, 0, 0]


def test_italian_list_reads_variants_titles_and_authors() -> None:
    first, *_ = found = reviews(KINDLE_IT_LIST)
    assert first.title == "SONO RIUSCITI A MIGLIORARLO ANCORA!!!"
    assert first.reviewer_name == "Darkphoenix"
    assert (
        first.variant == "Connettività: Wi-Fi | Memoria: 8 | Configurazione: Con offerte speciali"
    )
    assert first.body.startswith("Ciao a tutti io sono Gianni")  # the video widget is skipped
    assert found[4].variant.endswith("Senza offerte speciali")
    assert found[2].reviewer_name == "Antonello d'Ottavio"


def test_italian_list_knows_its_size() -> None:
    page = fixture(KINDLE_IT_LIST)
    assert reviews_expected(page) == 2132  # "Visualizzazione di 1-10 recensioni su 2.132"
    product = parse_product(page, marketplace="amazon.it", asin="B07747FR44")
    assert (product.shop_average_rating, product.shop_rating_count) == (4.7, 2345)
    assert product.star_histogram == {"5": 79, "4": 14, "3": 4, "2": 1, "1": 2}


# --- amazon.co.uk product page, December 2017 (Vegetable Perfection) ---


def test_uk_product_page_reads_the_product() -> None:
    product = parse_product(
        fixture(VEGETABLE_UK_PRODUCT), marketplace="amazon.co.uk", asin="1849757097"
    )
    assert product.title == (
        "Vegetable Perfection: 100 delicious recipes for roots, bulbs, shoots and stems"
    )
    assert product.brand == "Mat Follas"
    assert product.category == "Food & Drink › Diets & Healthy Eating › Low Fat"
    assert (product.price, product.list_price, product.currency) == (
        Decimal("13.53"),
        Decimal("16.99"),
        "GBP",
    )
    assert product.discount_percent == 20
    assert (product.shop_average_rating, product.shop_rating_count) == (4.5, 4)
    assert product.star_histogram == {"5": 75, "4": 0, "3": 25, "2": 0, "1": 0}
    assert product.image_url.endswith("61Q2c36lYeL._SX218_BO1,204,203,200_QL40_.jpg")


def test_uk_product_page_reads_local_and_amazon_com_reviews() -> None:
    found = reviews(VEGETABLE_UK_PRODUCT)
    assert len(found) == 6  # 4 from the UK, 2 in cmps-* markup from amazon.com
    assert [r.rating for r in found] == [5, 5, 3, 5, 5, 5]
    assert [r.posted_date for r in found] == [
        D(2017, 10, 29), D(2016, 4, 8), D(2016, 6, 8),
        D(2017, 3, 24), D(2016, 6, 3), D(2016, 8, 11),
    ]  # fmt: skip
    assert [r.helpful_votes for r in found] == [0, 13, 2, 0, 0, 1]
    assert [r.verified_purchase for r in found] == [True, True, True, True, True, False]
    assert {r.variant for r in found} == {"Format: Hardcover"}
    assert [r.reviewer_name for r in found[4:]] == ["Angela Bidmead", "Michelle James"]
    assert [r.reviewer_profile_id for r in found[4:]] == ["", ""]
    assert found[1].image_count == 1
    assert found[0].body == "Really good recipes"  # without the "Read more" expander


# --- amazon.com product page, January 2024 (The Whole Truth) ---


def test_us_product_page_reads_the_product() -> None:
    product = parse_product(fixture(BALDACCI_PRODUCT), marketplace="amazon.com", asin="B0011UCPM4")
    assert product.title == "The Whole Truth (A. Shaw Book 1)"
    assert product.brand == "David Baldacci"
    assert product.category == "Books › Mystery, Thriller & Suspense › Thrillers & Suspense"
    assert (product.price, product.currency, product.list_price) == (Decimal("10.99"), "USD", None)
    assert (product.shop_average_rating, product.shop_rating_count) == (4.4, 21200)
    assert product.star_histogram == {"5": 59, "4": 28, "3": 9, "2": 2, "1": 2}
    assert product.image_url.endswith("91c7gvGFyvL._SL1500_.jpg")


def test_us_product_page_reads_us_and_foreign_reviews() -> None:
    found = reviews(BALDACCI_PRODUCT)
    assert len(found) == 13  # 8 from the US, 5 from other countries
    assert [r.rating for r in found] == [5, 4, 5, 5, 4, 3, 5, 5, 5, 5, 4, 5, 5]
    assert [r.country for r in found[7:]] == [
        "United States", "Canada", "United Kingdom", "Italy", "Germany", "Australia",
    ]  # fmt: skip
    assert found[11].posted_date == D(2021, 6, 6)  # "Reviewed in Germany on June 6, 2021"
    assert found[5].posted_date == D(2008, 7, 1)
    assert [r.helpful_votes for r in found[:6]] == [6, 2, 0, 0, 1, 10]
    assert all(r.verified_purchase for r in found)
    assert found[10].title == "velocemente"  # the hidden translation is not read
    assert [bool(r.reviewer_profile_id) for r in found] == [True] * 8 + [False] * 5
