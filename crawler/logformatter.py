"""How much a crawl says: one INFO line per page fetched, items at DEBUG, no start-up banners.

Scrapy's defaults log every page at DEBUG and print several INFO banners per crawl (enabled
middlewares, overridden settings, the stats dump). A worker or ``make run`` console is read by
people, so a crawl of 30 pages should read as about 30 lines: the pages, the warnings about expected
shop answers (robot check, 404) and the outcome. ``CRAWLER_LOG_LEVEL=DEBUG`` brings everything back.
"""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter, LogFormatterResult

# Loggers whose INFO lines describe Scrapy's own set-up, not the crawl; kept for DEBUG runs.
BANNER_LOGGERS = (
    "scrapy.addons",
    "scrapy.crawler",
    "scrapy.middleware",
    "scrapy.extensions.logstats",
    "scrapy.extensions.telnet",
    "scrapy.statscollectors",
    "scrapy.utils.log",
)


class PagePerLineLogFormatter(LogFormatter):
    """Pages fetched at INFO; scraped items stay at Scrapy's DEBUG."""

    def crawled(self, request, response, spider) -> LogFormatterResult:  # type: ignore[no-untyped-def]
        entry = super().crawled(request, response, spider)
        entry["level"] = logging.INFO
        return entry


def quiet_scrapy_banners(level: str) -> None:
    """Raise the set-up loggers to WARNING unless the crawl itself logs at DEBUG."""
    if logging.getLevelName(level) == logging.DEBUG:
        return
    for name in BANNER_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
