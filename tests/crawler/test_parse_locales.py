"""Review lists of other marketplaces, and the localised sentences they are made of.

The pages under tests/crawler/pages/ are our own variants in Amazon's markup (same data-hooks)
for locales the shared fixtures do not cover, plus broken and empty lists.
"""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.parsing.dates import parse_review_date
from crawler.parsing.numbers import parse_helpful_votes, parse_price, parse_rating
from crawler.parsing.product import parse_product
from crawler.parsing.reviews import (
    has_pagination_bar,
    next_page_href,
    parse_reviews,
    review_blocks,
    reviews_expected,
)
from tests.crawler.helpers import saved

D = dt.date


def reviews(name: str, marketplace: str) -> list:
    return list(parse_reviews(saved(name), marketplace=marketplace, asin="X"))


@pytest.mark.parametrize(
    ("line", "marketplace", "date", "country"),
    [
        (
            "Reviewed in the United States on March 3, 2021",
            "amazon.com",
            D(2021, 3, 3),
            "United States",
        ),
        (
            "Reviewed in the United Kingdom on 14 November 2023",
            "amazon.co.uk",
            D(2023, 11, 14),
            "United Kingdom",
        ),
        ("Reviewed in India on 6 June 2021", "amazon.in", D(2021, 6, 6), "India"),
        ("Reviewed in Canada on October 29, 2023", "amazon.ca", D(2023, 10, 29), "Canada"),
        ("Rezension aus Deutschland vom 6. Juni 2021", "amazon.de", D(2021, 6, 6), "Deutschland"),
        (
            "Rezension aus den Vereinigten Staaten vom 1. März 2020",
            "amazon.de",
            D(2020, 3, 1),
            "Vereinigten Staaten",
        ),
        ("Commenté en France le 6 juin 2021", "amazon.fr", D(2021, 6, 6), "France"),
        ("Commenté aux États-Unis le 1er août 2022", "amazon.fr", D(2022, 8, 1), "États-Unis"),
        ("Commenté en Belgique le 2 février 2023", "amazon.com.be", D(2023, 2, 2), "Belgique"),
        ("Recensito in Italia il 14 novembre 2023", "amazon.it", D(2023, 11, 14), "Italia"),
        ("Recensito negli Stati Uniti l'8 agosto 2021", "amazon.it", D(2021, 8, 8), "Stati Uniti"),
        ("Revisado en España el 6 de junio de 2021", "amazon.es", D(2021, 6, 6), "España"),
        ("Calificado en México el 2 de mayo de 2023", "amazon.com.mx", D(2023, 5, 2), "México"),
        ("Avaliado no Brasil em 6 de junho de 2021", "amazon.com.br", D(2021, 6, 6), "Brasil"),
        ("Beoordeeld in Nederland op 6 juni 2021", "amazon.nl", D(2021, 6, 6), "Nederland"),
        ("Beoordeeld in België op 9 maart 2022", "amazon.com.be", D(2022, 3, 9), "België"),
        ("Recenserad i Sverige den 6 juni 2021", "amazon.se", D(2021, 6, 6), "Sverige"),
        ("Zrecenzowano w Polsce dnia 6 czerwca 2021", "amazon.pl", D(2021, 6, 6), "Polsce"),
        (
            "Türkiye'de 6 Haziran 2021 tarihinde değerlendirildi",
            "amazon.com.tr",
            D(2021, 6, 6),
            "Türkiye",
        ),
        ("2021年6月6日に日本でレビュー済み", "amazon.co.jp", D(2021, 6, 6), "日本"),
        (
            "تمت المراجعة في الإمارات العربية المتحدة في 6 يونيو 2021",
            "amazon.ae",
            D(2021, 6, 6),
            "الإمارات العربية المتحدة",
        ),
        ("Reviewed in Singapore on 3 January 2024", "amazon.sg", D(2024, 1, 3), "Singapore"),
        ("14 novembre 2018", "amazon.it", D(2018, 11, 14), ""),
        ("29 October 2017", "amazon.co.uk", D(2017, 10, 29), ""),
        ("on 3 June 2016", "amazon.co.uk", D(2016, 6, 3), ""),
        ("am 6. Juni 2021", "amazon.de", D(2021, 6, 6), ""),
    ],
)
def test_date_lines_of_every_language_give_date_and_country(
    line: str, marketplace: str, date: dt.date, country: str
) -> None:
    assert parse_review_date(line, marketplace) == (date, country)


def test_an_unreadable_date_line_gives_nothing_rather_than_a_guess() -> None:
    assert parse_review_date("Reviewed recently", "amazon.com") == (None, "")
    assert parse_review_date("", "amazon.com") == (None, "")


@pytest.mark.parametrize(
    ("statement", "votes"),
    [
        ("One person found this helpful", 1),
        ("3 people found this helpful", 3),
        ("1,234 people found this helpful", 1234),
        ("13 people found this helpful.", 13),
        ("921 persone l'hanno trovato utile", 921),
        ("Una persona l'ha trovato utile", 1),
        ("Une personne a trouvé cela utile", 1),
        ("1 234 personnes ont trouvé cela utile", 1234),
        ("Eine Person fand diese Informationen hilfreich", 1),
        ("1.234 Personen fanden diese Informationen hilfreich", 1234),
        ("A una persona le ha parecido esto útil", 1),
        ("A 15 personas les ha parecido esto útil", 15),
        ("Uma pessoa achou isso útil", 1),
        ("Een persoon vond dit nuttig", 1),
        ("En person tyckte att detta var till hjälp", 1),
        ("Jedna osoba uznała to za przydatne", 1),
        ("Bir kişi bunu faydalı buldu", 1),
        ("1人のお客様がこれが役に立ったと考えています", 1),
        ("12人のお客様がこれが役に立ったと考えています", 12),
        ("", 0),
    ],
)
def test_helpful_statements_of_every_language(statement: str, votes: int) -> None:
    assert parse_helpful_votes(statement) == votes


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("5.0 out of 5 stars", 5.0),
        ("4,5 von 5 Sternen", 4.5),
        ("4,0 sur 5 étoiles", 4.0),
        ("5,0 su 5 stelle", 5.0),
        ("5つ星のうち4.3", 4.3),
        ("4,7 de 5 estrellas", 4.7),
        ("no stars here", None),
    ],
)
def test_ratings_of_every_language(text: str, rating: float | None) -> None:
    assert parse_rating(text) == rating


def test_prices_take_the_marketplace_currency_for_a_dollar_sign() -> None:
    assert parse_price("$17.01", "CAD")[1] == "CAD"
    assert parse_price("1.299,00 €", "EUR") == (pytest.approx(1299), "EUR")
    assert parse_price("￥1,200", "JPY")[1] == "JPY"
    assert parse_price("", "USD") == (None, "")


def test_german_list() -> None:
    found = reviews("de_review_list.html", "amazon.de")
    assert [r.rating for r in found] == [5, 2, 4]
    assert [r.posted_date for r in found] == [D(2021, 6, 6), D(2023, 2, 28), D(2022, 1, 3)]
    assert [r.country for r in found] == ["Deutschland", "Deutschland", "Italien"]
    assert [r.helpful_votes for r in found] == [1234, 1, 0]
    assert [r.verified_purchase for r in found] == [True, False, False]
    assert [r.vine for r in found] == [False, True, False]
    assert found[0].variant == "Farbe: Silber | Größe: 200 W"
    assert found[0].image_count == 2
    assert found[0].body == "Die Mühle ist robust.\nDer Mahlgrad lässt sich fein einstellen."
    assert (found[2].title, found[2].body) == ("Buon macinacaffè", "Funziona bene.")
    page = saved("de_review_list.html")
    assert reviews_expected(page) == 312
    assert next_page_href(page)
    product = parse_product(page, marketplace="amazon.de", asin="X")
    assert (product.brand, product.shop_average_rating, product.shop_rating_count) == (
        "Muehlenwerk",
        4.4,
        1207,
    )
    assert product.star_histogram == {"5": 68, "4": 17, "3": 7, "2": 3, "1": 5}


def test_french_list() -> None:
    found = reviews("fr_review_list.html", "amazon.fr")
    assert [r.rating for r in found] == [4, 1, 5]
    assert [r.posted_date for r in found] == [D(2021, 3, 3), D(2022, 8, 1), D(2020, 2, 14)]
    assert [r.helpful_votes for r in found] == [1, 1234, 0]
    assert found[0].title == "Belle et lourde"
    assert found[2].country == "États-Unis"
    page = saved("fr_review_list.html")
    assert reviews_expected(page) == 23
    assert has_pagination_bar(page) and next_page_href(page) is None  # the last page


def test_spanish_list() -> None:
    found = reviews("es_review_list.html", "amazon.es")
    assert [r.rating for r in found] == [5, 3, 4]
    assert [r.posted_date for r in found] == [D(2021, 6, 6), D(2022, 12, 12), D(2023, 5, 2)]
    assert [r.helpful_votes for r in found] == [15, 1, 0]
    assert [r.country for r in found] == ["España", "España", "México"]
    assert found[0].variant == "Color: Verde"
    assert found[0].verified_purchase  # "Compra verificada", linkless badge
    assert reviews_expected(saved("es_review_list.html")) == 845


def test_japanese_list() -> None:
    found = reviews("jp_review_list.html", "amazon.co.jp")
    assert [r.rating for r in found] == [4, 1]
    assert [r.posted_date for r in found] == [D(2021, 6, 6), D(2023, 12, 24)]
    assert [r.helpful_votes for r in found] == [12, 1]
    assert [r.country for r in found] == ["日本", "日本"]
    assert found[1].reviewer_name == "Amazon カスタマー"
    product = parse_product(saved("jp_review_list.html"), marketplace="amazon.co.jp", asin="X")
    assert (product.shop_average_rating, product.shop_rating_count) == (4.3, 1024)
    assert product.star_histogram == {"5": 61, "4": 20, "3": 9, "2": 4, "1": 6}


def test_a_half_broken_page_gives_its_complete_reviews_and_skips_the_unrated_one() -> None:
    found = reviews("broken_review_list.html", "amazon.com")
    assert [r.review_id for r in found] == ["R1BROKEN00001", "R1BROKEN00003"]
    first, truncated = found
    assert (first.rating, first.helpful_votes, first.posted_date) == (4, 1, D(2021, 3, 3))
    assert first.body == "Holds pressure well.\nFittings are brass."
    assert truncated.rating == 2  # from the icon text: the class lost its a-star-N
    assert truncated.title == "Leaks at the nozzle"  # the unclosed span does not swallow the date
    assert truncated.posted_date == D(2021, 5, 30)


def test_an_empty_list_has_no_reviews_and_no_next_page() -> None:
    page = saved("empty_review_list.html")
    assert list(parse_reviews(page, marketplace="amazon.com", asin="X")) == []
    assert not review_blocks(page)
    assert next_page_href(page) is None
