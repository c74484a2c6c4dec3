"""Numbers as Amazon prints them in every marketplace's language.

Counts use the locale's thousands separator ("5,849", "2.345", "1 234"), ratings its decimal
separator ("4.3 out of 5", "4,7 su 5", "5つ星のうち4.3"), and "one" is often spelt out
("One person found this helpful", "Une personne…", "Eine Person…").
"""

from __future__ import annotations

import re
from decimal import Decimal

from price_parser import Price

from crawler.parsing.spec import pattern

# Shared with the browser extension (review_spec.json).
_GROUPED_INT = pattern("grouped_int")
_DECIMAL = pattern("decimal")
_PERCENT = re.compile(r"(\d{1,3})\s*%")
# "One person found this helpful" and its translations (fr, de, it/es, pt, nl, sv, pl, tr, ar).
_ONE = pattern("helpful_one", re.IGNORECASE)
_STAR_CLASS = pattern("star_class")
_CURRENCY_SYMBOLS = {
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "￥": "JPY",
    "₹": "INR",
    "R$": "BRL",
    "zł": "PLN",
    "kr": "SEK",
    "TL": "TRY",
    "₺": "TRY",
    "AED": "AED",
    "SAR": "SAR",
    "EGP": "EGP",
}
_DOLLAR_CURRENCIES = {"USD", "CAD", "AUD", "MXN", "SGD"}


def parse_int(text: str | None) -> int | None:
    """The first whole number in ``text``, thousands separators removed; None if there is none."""
    numbers = parse_ints(text)
    return numbers[0] if numbers else None


def parse_ints(text: str | None) -> list[int]:
    """Every whole number in ``text``: "248 global ratings | 57 global reviews" → [248, 57]."""
    if not text:
        return []
    return [int(re.sub(r"\D", "", match)) for match in _GROUPED_INT.findall(text)]


def parse_rating(text: str | None) -> float | None:
    """A star rating out of 5 ("4.5 out of 5 stars", "4,7 su 5", "5つ星のうち4.3")."""
    if not text:
        return None
    if "うち" in text:  # Japanese puts the scale first: "5つ星のうち4.3"
        text = text.split("うち", 1)[1]
    decimals = _DECIMAL.findall(text)
    if decimals:
        value = float(decimals[0].replace(",", "."))
    else:
        whole = parse_int(text)
        if whole is None:
            return None
        value = float(whole)
    return value if 0 < value <= 5 else None


def parse_star_class(class_attr: str | None) -> int | None:
    """The rating in an icon's class list: ``a-icon-star a-star-4`` → 4 (``a-star-4-5`` → None)."""
    match = _STAR_CLASS.search(class_attr or "")
    return int(match.group(1)) if match else None


def parse_helpful_votes(text: str | None) -> int | None:
    """People who found a review helpful; 0 for no statement, None if it cannot be read."""
    if not text or not text.strip():
        return 0
    count = parse_int(text)
    if count is not None:
        return count
    return 1 if _ONE.search(text.strip()) else None


def parse_percent(text: str | None) -> int | None:
    """The first "NN%" in ``text`` ("-20%", "(20%)", "75 %")."""
    match = _PERCENT.search(text or "")
    return int(match.group(1)) if match else None


def parse_price(text: str | None, default_currency: str = "") -> tuple[Decimal | None, str]:
    """Amount and ISO currency of a price ("£13.53", "1.299,00 €", "$10.99").

    A "$" is read as the marketplace's own dollar (``default_currency``) when it has one.
    """
    if not text or not text.strip():
        return None, ""
    price = Price.fromstring(text.strip())
    if price.amount is None:
        return None, ""
    return price.amount, _currency_code(price.currency, default_currency)


def _currency_code(symbol: str | None, default_currency: str) -> str:
    symbol = (symbol or "").strip()
    if symbol in {"$", "US$", "CA$", "A$", "S$", "MX$", "CDN$"}:
        return default_currency if default_currency in _DOLLAR_CURRENCIES else "USD"
    if len(symbol) == 3 and symbol.isalpha() and symbol.isupper():
        return symbol
    return _CURRENCY_SYMBOLS.get(symbol, default_currency)
