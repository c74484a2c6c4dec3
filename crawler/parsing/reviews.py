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
from crawler.parsing.text import clean_text, element_text, without

_REVIEW_BLOCKS = "[data-hook=review], [data-hook=cmps-review]"
_REVIEW_ID = re.compile(r"^R[0-9A-Z]{5,30}$")
_REVIEW_LINK_ID = re.compile(r"/customer-reviews/([A-Z0-9]{6,30})")
_PROFILE_ID = re.compile(r"/gp/profile/([A-Za-z0-9._-]+)")
_VINE_TEXT = re.compile(r"\bVine\b|Vine先取り", re.IGNORECASE)
# Text that is on the page but not part of what the reviewer wrote.
_NOT_CONTENT = (
    "ancestor::script or ancestor::style or ancestor::noscript "
    "or ancestor::*[contains(concat(' ', @class, ' '), ' a-icon-alt ')] "
    "or ancestor::*[contains(@class, 'cr-translated-review-content')] "
    "or ancestor::*[contains(@class, 'a-expander-header')] "
    "or ancestor::*[contains(@class, 'video-block')]"
)


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
    for href in block.css('a[href*="/customer-reviews/"]::attr(href)').getall():
        match = _REVIEW_LINK_ID.search(href)
        if match:
            return match.group(1)
    return own if re.fullmatch(r"[A-Za-z0-9_-]{4,32}", own) else ""


def review_rating(block: Selector) -> int | None:
    """Stars given, 1–5: from the icon's class (``a-star-4``), else its text."""
    icon = block.css("[data-hook$=review-star-rating], [data-hook=review-star-rating-view-point]")
    if not icon:
        icon = block.css("i.a-icon-star, i[class*=a-star-]")
    if not icon:
        return None
    stars = parse_star_class(icon[0].attrib.get("class"))
    if stars is None:
        value = parse_rating(" ".join(icon[0].css("::text").getall()))
        stars = round(value) if value else None
    return stars if stars and 1 <= stars <= 5 else None


def review_title(block: Selector) -> str:
    title = block.css("[data-hook=review-title], [data-hook=cmps-review-title]")
    if not title:
        return ""
    # An unclosed tag can pull the date and body into the title; they are not part of it.
    own = without(title[0], "[data-hook$=review-date], [data-hook=review-body]")
    return clean_text(element_text(own, exclude=_NOT_CONTENT))


def review_body(block: Selector) -> str:
    body = block.css("[data-hook=review-body], [data-hook=cmps-review-collapsed]")
    if not body:
        body = block.css("[data-hook=review-collapsed]")
    return element_text(body[0], exclude=_NOT_CONTENT, multiline=True) if body else ""


def review_date_text(block: Selector) -> str:
    return clean_text(" ".join(block.css("[data-hook$=review-date] ::text").getall()))


def helpful_statement(block: Selector) -> str:
    node = block.css(
        "[data-hook=helpful-vote-statement], [data-hook=cmps-helpful-votes-text], .review-votes"
    )
    return clean_text(" ".join(node[0].css("::text").getall())) if node else ""


def is_verified(block: Selector) -> bool:
    return bool(block.css("[data-hook=avp-badge], [data-hook=avp-badge-linkless]"))


def is_vine(block: Selector) -> bool:
    """A "Vine Customer Review of Free Product" label (the reviewer got the product free)."""
    if block.css("[data-hook*=vine]"):
        return True
    labels = block.css(".review-format-strip ::text, .a-color-success ::text").getall()
    return any(_VINE_TEXT.search(label) for label in labels)


def review_variant(block: Selector) -> str:
    """The variant bought: "Format: Hardcover", "Colour: Red | Size: M"."""
    strip = block.css("[data-hook=format-strip], [data-hook=format-strip-linkless]")
    if not strip:
        return ""
    parts = [clean_text(text) for text in strip[0].css("::text").getall()]
    return " | ".join(part for part in parts if part and part != "|")


def review_image_count(block: Selector) -> int:
    return len(block.css("[data-hook=review-image-tile], img.review-image-tile"))


def reviewer_name(block: Selector) -> str:
    name = block.css(".a-profile-name::text").get()
    if name:
        return clean_text(name)
    author = block.css("[data-hook=review-author] ::text").getall()
    parts = [clean_text(text) for text in author if clean_text(text)]
    return parts[-1] if parts else ""  # "By" / "Von" / "Par" comes first


def reviewer_profile_id(block: Selector) -> str:
    for href in block.css('a.a-profile::attr(href), a[href*="/gp/profile/"]::attr(href)').getall():
        match = _PROFILE_ID.search(href)
        if match:
            return match.group(1)
    return ""


# --- Page-level facts of a review list --------------------------------------------------------


def reviews_expected(page: Selector) -> int | None:
    """How many written reviews the list says it has ("…, 504 with reviews", "… su 2.132")."""
    info = page.css(
        "[data-hook=cr-filter-info-review-rating-count], [data-hook=cr-filter-info-section], "
        "#filter-info-section"
    )
    numbers = parse_ints(" ".join(info.css("::text").getall())) if info else []
    return numbers[-1] if numbers else None


def next_page_href(page: Selector) -> str | None:
    """The "Next page" link of the pagination bar, None on the last page."""
    return page.css(
        "[data-hook=pagination-bar] li.a-last > a::attr(href), "
        "ul.a-pagination li.a-last > a::attr(href)"
    ).get()


def has_pagination_bar(page: Selector) -> bool:
    return bool(page.css("[data-hook=pagination-bar], ul.a-pagination"))
