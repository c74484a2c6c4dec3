"""The extension's review parser reads every saved page exactly as the crawler's does.

``extension/lib/parse.js`` runs inside Chromium (the DOMParser the content script uses) on the
real Amazon pages of the shared fixtures and on our own locale variants; each review is compared
field by field with what ``crawler.parsing.reviews.parse_reviews`` reads from the same page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.parsing.reviews import next_page_href, parse_reviews, reviews_expected
from crawler.parsing.spec import SPEC_PATH
from tests.browser.conftest import browser  # noqa: F401  (one Chromium for the module)
from tests.crawler.fake_market import FIXTURES, PAGES
from tests.crawler.helpers import fixture, saved
from tests.crawler.test_parse_fixtures import MARKETPLACE

pytestmark = pytest.mark.integration

EXTENSION = Path(__file__).resolve().parents[2] / "extension"
LOCALE_PAGES = {
    "de_review_list.html": "amazon.de",
    "fr_review_list.html": "amazon.fr",
    "es_review_list.html": "amazon.es",
    "jp_review_list.html": "amazon.co.jp",
    "broken_review_list.html": "amazon.com",
    "en_review_list_last.html": "amazon.com",
    "empty_review_list.html": "amazon.com",
}
PAGES_READ = [(FIXTURES / name, marketplace) for name, marketplace in sorted(MARKETPLACE.items())]
PAGES_READ += [(PAGES / name, marketplace) for name, marketplace in sorted(LOCALE_PAGES.items())]

# Parses one page's HTML with the packaged spec, as the content script does.
READ_PAGE = """([html, spec, marketplace]) => {
  const doc = new DOMParser().parseFromString(html, "text/html");
  return {
    reviews: ReviewSecParse.parseReviews(spec, doc, marketplace),
    facts: ReviewSecParse.pageFacts(spec, doc),
    kind: ReviewSecParse.pageKind(spec, doc, "https://www.example/product-reviews/X"),
  };
}"""


@pytest.fixture(scope="module")
def extension_page(browser):  # noqa: F811
    page = browser.new_page()
    page.add_script_tag(content=(EXTENSION / "lib" / "parse.js").read_text(encoding="utf-8"))
    yield page
    page.close()


def python_reads(path: Path, marketplace: str) -> list[dict]:
    page = fixture(path.name) if path.parent == FIXTURES else saved(path.name)
    return [
        {
            "review_id": item.review_id,
            "rating": item.rating,
            "title": item.title,
            "body": item.body,
            "posted_date": item.posted_date.isoformat() if item.posted_date else None,
            "country": item.country,
            "verified_purchase": item.verified_purchase,
            "helpful_votes": item.helpful_votes,
            "reviewer_name": item.reviewer_name,
            "profile_id": item.reviewer_profile_id,
            "variant": item.variant,
            "image_count": item.image_count,
            "vine": item.vine,
        }
        for item in parse_reviews(page, marketplace=marketplace, asin="X")
    ]


def test_the_extension_packages_the_crawlers_spec_unchanged() -> None:
    assert (EXTENSION / "lib" / "review_spec.json").read_bytes() == SPEC_PATH.read_bytes()


@pytest.mark.parametrize(("path", "marketplace"), PAGES_READ, ids=lambda p: getattr(p, "name", p))
def test_both_parsers_read_the_same_reviews(extension_page, path: Path, marketplace: str) -> None:
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    html = path.read_bytes().decode("utf-8")
    read = extension_page.evaluate(READ_PAGE, [html, spec, marketplace])

    expected = python_reads(path, marketplace)
    assert [r["review_id"] for r in read["reviews"]] == [r["review_id"] for r in expected]
    for ours, theirs in zip(read["reviews"], expected, strict=True):
        for field, value in theirs.items():
            assert ours[field] == value, f"{path.name} {theirs['review_id']} {field}"
    page = fixture(path.name) if path.parent == FIXTURES else saved(path.name)
    assert read["facts"]["nextPage"] == next_page_href(page)
    assert read["facts"]["reviewsExpected"] == reviews_expected(page)
    assert read["kind"] == "ok"
