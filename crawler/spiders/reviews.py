"""``scrapy crawl reviews -a asin=… [-a marketplace=…] [-a base_url=…] [-a max_pages=N]
[-a known_reviews=PATH]``.

Walks the review list newest first, one page at a time (Amazon shows 10 a page), following
the pagination bar — or, on a page without one, asking for the next page while pages are full.
It stops at the last page, at ``max_pages``, at a page of reviews it has all seen already, or
when Amazon pushes back. When Amazon wants a sign-in before showing the list at all, the
reviews on the product page itself are collected instead ("analysed the N reviews shown").

With ``known_reviews`` (a file of the review ids already stored, one a line) the crawl is
incremental: it yields only reviews not in the file, and stops after the first page that shows
one that is, since the list is newest first and everything below was read before.

Where the shop allows it (``REVIEWSEC_REVIEW_PAGES_AHEAD`` > 1: the demo market; Amazon stays at
1, one page after another), a full crawl asks for every page page 1 announces (its review count
÷ 10, at most ``max_pages``) at once, and Scrapy's per-domain concurrency and delay bound how
many are in flight; the last of them follows the pagination on as usual, should the list have
grown. Pages arriving out of order are fine: reviews are deduplicated by id across pages.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any

import scrapy
from parsel import Selector
from scrapy.http import Response

from crawler.items import ReviewItem
from crawler.outcome import Reason
from crawler.parsing.pages import PageKind
from crawler.parsing.reviews import (
    has_pagination_bar,
    next_page_href,
    parse_reviews,
    review_blocks,
    reviews_expected,
)
from crawler.spiders.base import MarketplaceSpider
from marketplaces import product_page_url, review_page_url

PAGE_SIZE = 10


class ReviewsSpider(MarketplaceSpider):
    name = "reviews"

    def __init__(
        self,
        asin: str | None = None,
        known_reviews: str | os.PathLike[str] | Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.asin = self.checked_asin(asin)
        self.seen_ids: set[str] = set()
        self.incremental = known_reviews not in (None, "")
        self.known_ids = read_review_ids(known_reviews) if self.incremental else frozenset()
        # Pages 2..fanned_until were all asked for at once; only the last follows the bar.
        self.fanned_until = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.crawler.stats.set_value("reviewsec/incremental", self.incremental)
        yield self.list_request(1)

    def list_request(self, page: int) -> scrapy.Request:
        return scrapy.Request(
            review_page_url(self.base_url, self.asin, page),
            callback=self.parse_list,
            errback=self.on_error,
            cb_kwargs={"page": page},
            priority=-page,  # in list order, as far as concurrency allows
        )

    def fan_out(self, page_selector: Selector) -> Iterator[scrapy.Request]:
        """From page 1 of a full crawl, where the shop allows: every announced page at once."""
        ahead = self.crawler.settings.getint("REVIEWSEC_REVIEW_PAGES_AHEAD", 1)
        expected = reviews_expected(page_selector) or 0
        if ahead <= 1 or self.incremental or expected <= PAGE_SIZE:
            return
        last = -(-expected // PAGE_SIZE)
        if self.max_pages:
            last = min(last, self.max_pages)
        self.fanned_until = last
        for page in range(2, last + 1):
            yield self.list_request(page)

    def parse_list(self, response: Response, page: int) -> Iterator[ReviewItem | scrapy.Request]:
        kind = self.page_kind(response)
        if kind is PageKind.SIGNIN:
            yield from self.on_signin_wall(page)
            return
        if kind is not PageKind.OK:
            self.record_reason(kind.value, url=response.url, http_status=response.status)
            return
        page_selector = self.selector(response)
        self.note_expected(page_selector)
        found = self.page_reviews(page_selector)
        reviews = self.new_reviews(found)
        yield from reviews
        self.page_done(items=len(reviews))
        if any(review.review_id in self.known_ids for review in found):
            # Newest first: this page reaches reviews an earlier crawl stored, and so does
            # every page after it.
            self.record_reason(Reason.CAUGHT_UP, caught_up_at_page=page)
        elif not reviews:
            self.check_readable(page_selector, page)
        elif page == 1 and (fanned := list(self.fan_out(page_selector))):
            yield from fanned
        elif page < self.fanned_until:
            return  # asked for with the others; the last one follows the bar
        elif self.has_more(page_selector, len(reviews)):
            if self.max_pages and page >= self.max_pages:
                self.record_reason(Reason.MAX_PAGES, max_pages=self.max_pages)
            else:
                yield self.list_request(page + 1)

    def page_reviews(self, page_selector: Selector) -> list[ReviewItem]:
        return list(parse_reviews(page_selector, marketplace=self.marketplace, asin=self.asin))

    def new_reviews(self, found: list[ReviewItem]) -> list[ReviewItem]:
        """The reviews neither seen on earlier pages (the list shifts as reviews arrive) nor
        already stored (``known_reviews``)."""
        fresh = [
            review
            for review in found
            if review.review_id not in self.seen_ids and review.review_id not in self.known_ids
        ]
        self.seen_ids.update(review.review_id for review in fresh)
        return fresh

    def note_expected(self, page_selector: Selector) -> None:
        expected = reviews_expected(page_selector)
        if expected is not None:
            self.crawler.stats.set_value("reviewsec/reviews_expected", expected)

    @staticmethod
    def has_more(page_selector: Selector, count: int) -> bool:
        if next_page_href(page_selector):
            return True
        return not has_pagination_bar(page_selector) and count >= PAGE_SIZE

    def check_readable(self, page_selector: Selector, page: int) -> None:
        """An empty page is the end of the list, unless it shows reviews we could not read."""
        unreadable = bool(review_blocks(page_selector))
        promised = page == 1 and (reviews_expected(page_selector) or 0) > 0
        if unreadable or promised:
            self.record_reason(Reason.PARSE_ERROR, page=page)

    def on_signin_wall(self, page: int) -> Iterator[scrapy.Request]:
        self.record_reason(Reason.SIGNIN_REQUIRED, signin_at_page=page)
        if not self.seen_ids:
            yield scrapy.Request(
                product_page_url(self.base_url, self.asin),
                callback=self.parse_product_page,
                errback=self.on_error,
            )

    def parse_product_page(self, response: Response) -> Iterator[ReviewItem]:
        """The "top reviews" a product page shows, when the list itself needs a sign-in."""
        if self.page_kind(response) is not PageKind.OK:
            return
        reviews = self.new_reviews(self.page_reviews(self.selector(response)))
        yield from reviews
        self.page_done(items=len(reviews))


def read_review_ids(source: str | os.PathLike[str] | Iterable[str]) -> frozenset[str]:
    """Review ids from a file (one a line, as ``crawler.run_job --known-reviews`` gets them) or
    from an iterable of ids (a spider started from Python)."""
    if isinstance(source, str | os.PathLike):
        lines = Path(source).read_text(encoding="utf-8").splitlines()
        return frozenset(line.strip() for line in lines if line.strip())
    return frozenset(source)
