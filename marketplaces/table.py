"""The Amazon marketplaces ReviewSec may crawl, with what parsing needs to know about each.

The marketplace id is the registrable domain (``amazon.co.uk``); it is what the database stores
and what ``ProductRef.marketplace`` holds. ``demo`` is the local demo market, which has no fixed
host: its address always comes from a ``base_url``.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO = "demo"


@dataclass(frozen=True, slots=True)
class Marketplace:
    """One shop: languages its pages use (for dates and helpful-vote statements) and its money."""

    domain: str
    languages: tuple[str, ...]
    currency: str
    # dateparser's DATE_ORDER for all-numeric dates; month names make order irrelevant.
    date_order: str = "DMY"


_TABLE = (
    Marketplace("amazon.com", ("en", "es"), "USD", "MDY"),
    Marketplace("amazon.co.uk", ("en",), "GBP"),
    Marketplace("amazon.de", ("de", "en"), "EUR"),
    Marketplace("amazon.fr", ("fr", "en"), "EUR"),
    Marketplace("amazon.it", ("it", "en"), "EUR"),
    Marketplace("amazon.es", ("es", "en"), "EUR"),
    Marketplace("amazon.ca", ("en", "fr"), "CAD"),
    Marketplace("amazon.com.au", ("en",), "AUD"),
    Marketplace("amazon.in", ("en", "hi"), "INR"),
    Marketplace("amazon.co.jp", ("ja", "en"), "JPY", "YMD"),
    Marketplace("amazon.com.mx", ("es", "en"), "MXN"),
    Marketplace("amazon.com.br", ("pt", "en"), "BRL"),
    Marketplace("amazon.nl", ("nl", "en"), "EUR"),
    Marketplace("amazon.se", ("sv", "en"), "SEK"),
    Marketplace("amazon.pl", ("pl", "en"), "PLN"),
    Marketplace("amazon.sg", ("en",), "SGD"),
    Marketplace("amazon.ae", ("en", "ar"), "AED"),
    Marketplace("amazon.sa", ("ar", "en"), "SAR"),
    Marketplace("amazon.com.tr", ("tr", "en"), "TRY"),
    Marketplace("amazon.com.be", ("fr", "nl", "de", "en"), "EUR"),
    Marketplace("amazon.eg", ("ar", "en"), "EGP"),
)

MARKETPLACES: dict[str, Marketplace] = {m.domain: m for m in _TABLE}
AMAZON_DOMAINS: frozenset[str] = frozenset(MARKETPLACES)

# The demo market renders English pages; its prices carry their own currency symbol.
_DEMO_MARKETPLACE = Marketplace(DEMO, ("en",), "", "MDY")

# Languages tried for every page on top of its marketplace's own: review lists of one shop show
# reviews "from other countries" (amazon.com shows Italian and German reviews in English frames,
# but amazon.it pages from 2019 are purely Italian), so English is always a safe second guess.
_FALLBACK_LANGUAGES = ("en",)


def marketplace_info(marketplace: str) -> Marketplace:
    """The table row for a marketplace id; unknown ids (mirrors, the demo) read as English."""
    if marketplace in MARKETPLACES:
        return MARKETPLACES[marketplace]
    return _DEMO_MARKETPLACE


def languages_for(marketplace: str) -> tuple[str, ...]:
    """The marketplace's languages, then English, without repeats."""
    languages = marketplace_info(marketplace).languages + _FALLBACK_LANGUAGES
    return tuple(dict.fromkeys(languages))


def home_url(marketplace: str) -> str:
    """The public address of a real marketplace; the demo has none (it needs a base_url)."""
    if marketplace not in MARKETPLACES:
        raise KeyError(f"{marketplace!r} has no public address; pass a base_url")
    return f"https://www.{marketplace}"
