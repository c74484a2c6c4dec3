"""How much a crawl says: one INFO line per page fetched, items at DEBUG, no start-up banners.

Scrapy's defaults log every page at DEBUG and print several INFO banners per crawl (enabled
middlewares, overridden settings, the stats dump). A worker or ``make run`` console is read by
people, so a crawl of 30 pages should read as about 30 lines: the pages, the warnings about expected
shop answers (robot check, 404) and the outcome. ``CRAWLER_LOG_LEVEL=DEBUG`` brings everything back.
"""

from __future__ import annotations

import logging
from typing import Any

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


def configure_crawl_logging(settings: Any) -> None:
    """Scrapy's logging for a crawl child, printing each line once.

    The child has set Django up, whose ``LOGGING`` already gives the root logger a stderr
    handler in the project's format; Scrapy's ``configure_logging`` would add a second one, so
    every line ("Spider opened", each page) came out twice. Scrapy installs its own root handler
    only where there is none; else the existing handlers take ``LOG_LEVEL``.
    """
    from scrapy.settings import Settings
    from scrapy.utils.log import configure_logging

    root = logging.getLogger()
    level = settings.get("LOG_LEVEL") or "INFO"
    own = Settings(settings.copy_to_dict() if isinstance(settings, Settings) else settings)
    own.set("LOG_INSTALL_ROOT_HANDLER", not root.handlers)  # a copy: the job's may be frozen
    configure_logging(own)
    if root.handlers:
        root.setLevel(level)
        for handler in root.handlers:
            handler.setLevel(level)
    quiet_scrapy_banners(level)
