"""Loading saved pages as Selectors."""

from __future__ import annotations

from functools import cache

from parsel import Selector

from tests.crawler.fake_market import FIXTURES, PAGES

DAWN_LIST = "lawrenae__metaagent-gemini__Amazon.com_Customer_reviews.html"
HEART_LIST = "brondle__python_tutoring__amazon_review_heart_original.html"
KINDLE_IT_LIST = "christian-fei__mega-scraper__product-reviews-B07747FR44-1.html"
VEGETABLE_UK_PRODUCT = "microlinkhq__metascraper__product-url.amazon-co-uk.2017.html"
BALDACCI_PRODUCT = "microlinkhq__metascraper__product-url.amazon-com.2024.html"


@cache
def fixture(name: str) -> Selector:
    """A real Amazon page from the shared fixtures."""
    return Selector(text=(FIXTURES / name).read_bytes().decode("utf-8"))


@cache
def saved(name: str) -> Selector:
    """One of our own saved variants under tests/crawler/pages/."""
    return Selector(text=(PAGES / name).read_bytes().decode("utf-8"))
