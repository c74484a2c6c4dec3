"""Reviews out of a review-list page or the "top reviews" of a product page.

Amazon's ``data-hook`` attributes are the stable part of its markup: ``review``, ``review-title``,
``review-date``, ``review-body``… Reviews from other countries shown on product pages use
``cmps-`` variants of the same hooks, so selectors match hooks by suffix where that is the case.
Each field is one small function on the review's Selector; a field that cannot be read gets its
"not shown" value, and a review without an id or rating is skipped rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from parsel import Selector, SelectorList

from crawler.items import ReviewItem
from crawler.parsing.dates import parse_review_date
from crawler.parsing.numbers import (
    parse_helpful_votes,
    parse_ints,
    parse_rating,
    parse_star_class,
)
from crawler.parsing.spec import ancestor_xpath, pattern, selector
from crawler.parsing.text import clean_text, element_text, without

# Selectors and patterns are shared with the browser extension (crawler/parsing/review_spec.json).
_REVIEW_BLOCKS = selector("review_blocks")
_REVIEW_ID = pattern("review_id")
_REVIEW_ID_LOOSE = pattern("review_id_loose")
_REVIEW_LINK_ID = pattern("review_link_id")
_PROFILE_ID = pattern("profile_id")
_VINE_TEXT = pattern("vine_text", re.IGNORECASE)
# Text that is on the page but not part of what the reviewer wrote.
_NOT_CONTENT = ancestor_xpath("not_content")


def review_blocks(page: Selector) -> SelectorList[Selector]:
    return page.css(_REVIEW_BLOCKS)


def parse_reviews(page: Selector, *, marketplace: str, asin: str) -> Iterator[ReviewItem]:
    """Every readable review on the page, in page order, each once."""
    seen: set[str] = set()
    for block in review_blocks(page):
        # Half-broken HTML can nest the next review inside this one; read each on its own.
        own = without(block, _REVIEW_BLOCKS)
        item = parse_review(own, marketplace=marketplace, asin=asin)
        if item is not None and item.review_id not in seen:
            seen.add(item.review_id)
            yield item


def parse_review(block: Selector, *, marketplace: str, asin: str) -> ReviewItem | None:
    """One review block; None if it has no id or no readable rating."""
    identifier = review_id(block)
    rating = review_rating(block)
    if not identifier or rating is None:
        return None
    posted_date, country = parse_review_date(review_date_text(block), marketplace)
    return ReviewItem(
        marketplace=marketplace,
        asin=asin,
        review_id=identifier,
        rating=rating,
        title=review_title(block),
        body=review_body(block),
        posted_date=posted_date,
        country=country,
        verified_purchase=is_verified(block),
        vine=is_vine(block),
        helpful_votes=parse_helpful_votes(helpful_statement(block)) or 0,
        variant=review_variant(block),
        image_count=review_image_count(block),
        reviewer_name=reviewer_name(block),
        reviewer_profile_id=reviewer_profile_id(block),
    )


def review_id(block: Selector) -> str:
    """The review's id: the block's ``id`` ("R1JR3UADC7EV9R"), else its permalink's."""
    own = (block.attrib.get("id") or "").removeprefix("customer_review-")
    if _REVIEW_ID.match(own):
        return own
    for href in block.css(_each(selector("review_links"), "::attr(href)")).getall():
        match = _REVIEW_LINK_ID.search(href)
        if match:
            return match.group(1)
    return own if _REVIEW_ID_LOOSE.match(own) else ""


def review_rating(block: Selector) -> int | None:
    """Stars given, 1–5: from the icon's class (``a-star-4``), else its text."""
    icon = block.css(selector("rating_icon"))
    if not icon:
        icon = block.css(selector("rating_icon_fallback"))
    if not icon:
        return None
    stars = parse_star_class(icon[0].attrib.get("class"))
    if stars is None:
        value = parse_rating(" ".join(icon[0].css("::text").getall()))
        stars = round(value) if value else None
    return stars if stars and 1 <= stars <= 5 else None


def review_title(block: Selector) -> str:
    title = block.css(selector("title"))
    if not title:
        return ""
    # An unclosed tag can pull the date and body into the title; they are not part of it.
    own = without(title[0], selector("title_not_part"))
    return clean_text(element_text(own, exclude=_NOT_CONTENT))


def review_body(block: Selector) -> str:
    body = block.css(selector("body"))
    if not body:
        body = block.css(selector("body_fallback"))
    return element_text(body[0], exclude=_NOT_CONTENT, multiline=True) if body else ""


def review_date_text(block: Selector) -> str:
    return clean_text(" ".join(block.css(_each(selector("date"), " ::text")).getall()))


def helpful_statement(block: Selector) -> str:
    node = block.css(selector("helpful"))
    return clean_text(" ".join(node[0].css("::text").getall())) if node else ""


def is_verified(block: Selector) -> bool:
    return bool(block.css(selector("verified")))


def is_vine(block: Selector) -> bool:
    """A "Vine Customer Review of Free Product" label (the reviewer got the product free)."""
    if block.css(selector("vine")):
        return True
    labels = block.css(_each(selector("vine_labels"), " ::text")).getall()
    return any(_VINE_TEXT.search(label) for label in labels)


def review_variant(block: Selector) -> str:
    """The variant bought: "Format: Hardcover", "Colour: Red | Size: M"."""
    strip = block.css(selector("variant"))
    if not strip:
        return ""
    parts = [clean_text(text) for text in strip[0].css("::text").getall()]
    return " | ".join(part for part in parts if part and part != "|")


def review_image_count(block: Selector) -> int:
    return len(block.css(selector("images")))


def reviewer_name(block: Selector) -> str:
    name = block.css(_each(selector("reviewer_name"), "::text")).get()
    if name:
        return clean_text(name)
    author = block.css(_each(selector("reviewer_author"), " ::text")).getall()
    parts = [clean_text(text) for text in author if clean_text(text)]
    return parts[-1] if parts else ""  # "By" / "Von" / "Par" comes first


def reviewer_profile_id(block: Selector) -> str:
    for href in block.css(_each(selector("profile_links"), "::attr(href)")).getall():
        match = _PROFILE_ID.search(href)
        if match:
            return match.group(1)
    return ""


# --- Page-level facts of a review list --------------------------------------------------------


def reviews_expected(page: Selector) -> int | None:
    """How many written reviews the list says it has ("…, 504 with reviews", "… su 2.132")."""
    info = page.css(selector("reviews_expected"))
    numbers = parse_ints(" ".join(info.css("::text").getall())) if info else []
    return numbers[-1] if numbers else None


def next_page_href(page: Selector) -> str | None:
    """The "Next page" link of the pagination bar, None on the last page."""
    return page.css(_each(selector("next_page"), "::attr(href)")).get()


def has_pagination_bar(page: Selector) -> bool:
    return bool(page.css(selector("pagination_bar")))


def _each(selectors: str, pseudo: str) -> str:
    """``pseudo`` (parsel's ``::text``, ``::attr(href)``) appended to each selector of a list.

    The shared selectors are plain CSS; the pseudo-elements are parsel's own.
    """
    return ", ".join(f"{part.strip()}{pseudo}" for part in selectors.split(","))
