"""A reviewer's public profile (``/gp/profile/<id>``): name, location, badges, totals, history.

No real profile page could be saved (Amazon renders most of it with JavaScript and asks for
sign-in), so this parser reads two markups and fails soft — a value it cannot find stays empty:

* ``data-hook`` attributes, which the demo market renders and which are the contract for it:
  ``profile-name``, ``profile-location``, ``profile-badge`` (one per badge),
  ``profile-total-reviews``, ``profile-helpful-votes``, and one ``profile-review`` block per
  history entry holding a product link (``/dp/<ASIN>``), ``profile-review-product-title``, a
  ``review-star-rating`` icon and a ``review-date``;
* Amazon's own class names as public scrapers report them (``name-container``,
  ``dashboard-desktop-stat``, ``profile-at-card``…).
"""

from __future__ import annotations

import re

from parsel import Selector

from crawler.items import HistoryEntry, ReviewerItem
from crawler.parsing.dates import parse_review_date
from crawler.parsing.numbers import parse_int
from crawler.parsing.reviews import review_rating
from crawler.parsing.text import clean_text

_ASIN_IN_LINK = re.compile(r"/(?:dp|gp/product)/([A-Z0-9]{10})")
_BADGE_TEXT = re.compile(r"VINE VOICE|HALL OF FAME|TOP \d[\d,]* REVIEWER", re.IGNORECASE)
_HISTORY_BLOCKS = (
    "[data-hook=profile-review], #profile-at-card-container .profile-at-card, "
    ".profile-at-review-box"
)


def parse_profile(page: Selector, *, marketplace: str, profile_id: str) -> ReviewerItem:
    total_reviews, helpful_votes = profile_totals(page)
    return ReviewerItem(
        marketplace=marketplace,
        profile_id=profile_id,
        display_name=profile_name(page),
        location=_first_text(
            page, ("[data-hook=profile-location]", ".location-and-occupation-holder span")
        ),
        badges=profile_badges(page),
        total_reviews=total_reviews,
        helpful_votes=helpful_votes,
        history=profile_history(page, marketplace),
    )


def _first_text(page: Selector, selectors: tuple[str, ...]) -> str:
    for selector in selectors:
        for node in page.css(selector):
            text = clean_text(" ".join(node.css("::text").getall()))
            if text:
                return text
    return ""


def profile_name(page: Selector) -> str:
    return _first_text(
        page,
        (
            "[data-hook=profile-name]",
            "#customer-profile-name-header .name-container span",
            ".name-container span.a-size-extra-large",
        ),
    )


def normalise_badge(text: str) -> str:
    """ "VINE VOICE" → "vine_voice", "TOP 1000 REVIEWER" → "top_1000", else a slug."""
    text = clean_text(text).lower()
    top = re.match(r"top ([\d,]+)", text)
    if top:
        return f"top_{top.group(1).replace(',', '')}"
    text = re.sub(r"\breviewer\b", "", text)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def profile_badges(page: Selector) -> list[str]:
    nodes = page.css("[data-hook=profile-badge]")
    texts = [" ".join(node.css("::text").getall()) for node in nodes]
    if not texts:
        header = " ".join(page.css(".badges-holder ::text, .profile-badges ::text").getall())
        texts = _BADGE_TEXT.findall(header)
    return list(dict.fromkeys(badge for badge in map(normalise_badge, texts) if badge))


def profile_totals(page: Selector) -> tuple[int | None, int | None]:
    """(reviews written, helpful votes received) as the profile shows them."""
    reviews = parse_int(_first_text(page, ("[data-hook=profile-total-reviews]",)))
    votes = parse_int(_first_text(page, ("[data-hook=profile-helpful-votes]",)))
    for stat in page.css(".dashboard-desktop-stat"):
        label = clean_text(" ".join(stat.css(".dashboard-desktop-stat-label ::text").getall()))
        value = parse_int(" ".join(stat.css(".dashboard-desktop-stat-value ::text").getall()))
        if re.search(r"helpful|hilfreich|utile|útil", label, re.IGNORECASE):
            votes = votes if votes is not None else value
        elif re.search(r"review|rezension|avis|recension|reseña", label, re.IGNORECASE):
            reviews = reviews if reviews is not None else value
    return reviews, votes


def profile_history(page: Selector, marketplace: str) -> list[HistoryEntry]:
    """The reviewer's other reviews the page lists, each product once."""
    entries: dict[str, HistoryEntry] = {}
    for block in page.css(_HISTORY_BLOCKS):
        entry = _history_entry(block, marketplace)
        if entry is not None:
            entries.setdefault(entry.product_asin, entry)
    return list(entries.values())


def _history_entry(block: Selector, marketplace: str) -> HistoryEntry | None:
    asin = next(
        (
            match.group(1)
            for href in block.css("a::attr(href)").getall()
            if (match := _ASIN_IN_LINK.search(href))
        ),
        None,
    )
    rating = review_rating(block)
    if asin is None or rating is None:
        return None
    title = _first_text(
        block,
        (
            "[data-hook=profile-review-product-title]",
            ".profile-at-product-box-title",
            'a[href*="/dp/"]',
        ),
    )
    date_text = _first_text(
        block, ("[data-hook=review-date]", ".profile-at-user-info .a-size-base")
    )
    date_text = date_text.rsplit("·", 1)[-1]  # "Reviewed a product · June 3, 2021"
    posted = parse_review_date(date_text, marketplace).posted_date
    return HistoryEntry(product_asin=asin, rating=rating, product_title=title, posted_date=posted)
