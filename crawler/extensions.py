"""The extension that turns a crawl's stats into a :class:`~crawler.outcome.CrawlOutcome`.

Spiders record *why* they stopped (``reviewsec/reason`` in the stats, see
``MarketplaceSpider.record_reason``); this extension counts items as they are scraped, reports
progress after each parsed page (JSON lines on stdout when ``REVIEWSEC_PROGRESS_STDOUT`` is on),
and at close decides the status, writing the outcome to ``REVIEWSEC_OUTCOME_PATH`` if set.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals

from crawler import signals as reviewsec_signals
from crawler.outcome import RETRYABLE, CrawlOutcome, Reason, describe, status_for

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

# The count that says whether a spider brought anything home.
_MAIN_COUNT = {"product": "products", "reviews": "reviews", "reviewer": "reviewers"}
_KIND_TO_COUNT = {"product": "products", "review": "reviews", "reviewer": "reviewers"}


class OutcomeExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.counts = {"products": 0, "reviews": 0, "reviewers": 0}
        self.outcome: CrawlOutcome | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.page_parsed, signal=reviewsec_signals.page_parsed)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def item_scraped(self, item: Any) -> None:
        key = _KIND_TO_COUNT.get(getattr(item, "kind", ""))
        if key:
            self.counts[key] += 1

    def page_parsed(self, spider: Spider) -> None:
        if self.crawler.settings.getbool("REVIEWSEC_PROGRESS_STDOUT"):
            emit({"event": "progress", "stage": spider.name, **self._progress()})

    def _progress(self) -> dict[str, Any]:
        stats = self.crawler.stats
        return {
            "pages": stats.get_value("reviewsec/pages", 0),
            "items": stats.get_value("reviewsec/items_parsed", 0),
            "reviews_expected": stats.get_value("reviewsec/reviews_expected"),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.outcome = self.build_outcome(spider.name, reason)
        path = self.crawler.settings.get("REVIEWSEC_OUTCOME_PATH")
        if path:
            self.outcome.save(path)

    def build_outcome(self, stage: str, finish_reason: str) -> CrawlOutcome:
        stats = self.crawler.stats
        reason = (
            (Reason.STORE_ERROR if stats.get_value("reviewsec/store_errors") else "")
            or stats.get_value("reviewsec/reason")
            or self._implicit_reason(stage, finish_reason)
        )
        main_count = self.counts.get(_MAIN_COUNT.get(stage, "reviews"), 0)
        retry_after = self._retry_after(reason)
        return CrawlOutcome(
            status=status_for(reason, main_count),
            reason_code=reason,
            message=describe(reason, reviews=self.counts["reviews"], retry_after_s=retry_after),
            pages=stats.get_value("reviewsec/pages", 0),
            reviews=self.counts["reviews"],
            reviews_expected=stats.get_value("reviewsec/reviews_expected"),
            products=self.counts["products"],
            reviewers=self.counts["reviewers"],
            retryable=reason in RETRYABLE,
            retry_after_s=retry_after,
            stage=stage,
            incremental=bool(stats.get_value("reviewsec/incremental")),
            details={"finish_reason": finish_reason, **stats.get_value("reviewsec/details", {})},
        )

    def _implicit_reason(self, stage: str, finish_reason: str) -> str:
        if finish_reason == "closespider_timeout":
            return Reason.TIMEOUT
        if self.crawler.stats.get_value("spider_exceptions/count", 0):
            return Reason.PARSE_ERROR
        if stage == "reviews" and self.counts["reviews"] == 0:
            return Reason.NO_REVIEWS
        return Reason.NONE

    def _retry_after(self, reason: str) -> int | None:
        settings = self.crawler.settings
        if reason == Reason.ROBOT_CHECK:
            return settings.getint("REVIEWSEC_ROBOT_CHECK_RETRY_AFTER_S")
        if reason in RETRYABLE:
            return settings.getint("REVIEWSEC_UNAVAILABLE_RETRY_AFTER_S")
        return None


def emit(event: dict[str, Any]) -> None:
    """One JSON line on stdout for the parent process (Scrapy logs to stderr)."""
    sys.stdout.write(json.dumps(event, default=str) + "\n")
    sys.stdout.flush()
