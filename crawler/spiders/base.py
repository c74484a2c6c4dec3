"""What every ReviewSec spider shares: its arguments, page classification and stop reasons.

Arguments (``scrapy crawl <name> -a key=value``):

* ``marketplace`` — ``amazon.com`` (default), ``amazon.de``…, or ``demo``;
* ``base_url`` — fetch from this mirror instead of the real shop (tests, the demo market:
  ``http://127.0.0.1:PORT/demo-market``); its ``host:port`` joins the allow-list for this crawl;
* ``asin`` — the product (product and reviews spiders);
* ``max_pages`` — stop after this many pages (0 or absent: no limit).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler import signals
from crawler.hosts import demo_mirror_refusal
from crawler.middlewares import OffsiteRequest
from crawler.outcome import Reason
from crawler.parsing.pages import PageKind, classify_page
from marketplaces import AMAZON_DOMAINS, DEMO, base_url_for

_ASIN = re.compile(r"B[0-9A-Z]{9}|\d{9}[\dX]")


class MarketplaceSpider(scrapy.Spider):
    # Let final error pages reach the callbacks, which turn them into stop reasons (retries of
    # 5xx/429 happen before, in RetryMiddleware).
    handle_httpstatus_list = [404, 410, 429, 500, 502, 503, 504]

    def __init__(
        self,
        marketplace: str = "amazon.com",
        base_url: str | None = None,
        max_pages: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if marketplace not in AMAZON_DOMAINS and not base_url:
            raise ValueError(f"marketplace {marketplace!r} needs a base_url")
        if base_url and urlsplit(base_url).scheme not in {"http", "https"}:
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        self.marketplace = marketplace
        self.base_url = base_url_for(marketplace, base_url)
        refusal = demo_mirror_refusal(base_url) if base_url and marketplace == DEMO else None
        if refusal:
            raise ValueError(refusal)
        # The mirror's host joins the allow-list: the demo market where the app says it lives,
        # or a mirror given by hand (-a base_url, tests).
        self.extra_hosts = {urlsplit(base_url).netloc.lower(): marketplace} if base_url else {}
        self.max_pages = int(max_pages or 0)

    @staticmethod
    def checked_asin(asin: str | None) -> str:
        value = (asin or "").strip().upper()
        if not _ASIN.fullmatch(value):
            raise ValueError(f"-a asin= needs a 10-character ASIN, not {asin!r}")
        return value

    # --- Pages ----------------------------------------------------------------------------

    @staticmethod
    def selector(response: Response) -> Selector:
        if isinstance(response, TextResponse):
            return response.selector
        return Selector(text="")

    def page_kind(self, response: Response) -> PageKind:
        kind = classify_page(response.status, response.url, self.selector(response))
        if kind is not PageKind.OK:
            self.logger.warning("%s at %s (HTTP %s)", kind.value, response.url, response.status)
        return kind

    def page_done(self, items: int) -> None:
        """Count a parsed page and its items, and tell the outcome extension (progress).

        Items are counted here, as parsed: the ``item_scraped`` signal fires only after the
        pipelines, so its counts lag behind the pages.
        """
        self.crawler.stats.inc_value("reviewsec/pages")
        self.crawler.stats.inc_value("reviewsec/items_parsed", items)
        self.crawler.signals.send_catch_log(signals.page_parsed, spider=self)

    # --- Stop reasons ---------------------------------------------------------------------

    def record_reason(self, reason: str, **details: Any) -> None:
        """Remember why the crawl stops; the first decisive reason wins."""
        stats = self.crawler.stats
        if not stats.get_value("reviewsec/reason"):
            stats.set_value("reviewsec/reason", reason)
        if details:
            known = stats.get_value("reviewsec/details", {})
            stats.set_value("reviewsec/details", {**known, **details})

    def on_error(self, failure: Failure) -> None:
        """Errback: a request that failed for good (after retries) becomes a stop reason."""
        self.logger.warning("Request failed: %r", failure.value)
        self.record_reason(failure_reason(failure), error=repr(failure.value)[:300])


def failure_reason(failure: Failure) -> str:
    if failure.check(OffsiteRequest):
        return Reason.OFFSITE_REDIRECT
    if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
        return Reason.ROBOTS_DISALLOWED
    if failure.check(IgnoreRequest):
        return Reason.UNAVAILABLE
    return Reason.NETWORK_ERROR
