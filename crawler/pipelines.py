"""The database pipeline: crawled items upserted into the catalog through the Django ORM.

Off unless ``REVIEWSEC_STORE_TO_DB`` is on, so ``scrapy crawl … -O out.jsonl`` never touches a
database. Django is set up only when the pipeline opens. The ORM is synchronous and refuses to
run inside a running asyncio loop (Scrapy's reactor), so writes go to one dedicated thread:
items are stored one at a time, in order, each in its own transaction, and a crawl that dies
half-way leaves only whole rows behind.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


def setup_django() -> None:
    """``django.setup()`` with the project's settings unless the environment names others."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsec.settings")
    import django

    django.setup()


def _store(item: Any) -> None:
    from crawler.store import store_item

    store_item(item)


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


class DjangoStorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.executor: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("REVIEWSEC_STORE_TO_DB"):
            raise NotConfigured  # no message: Scrapy would log one as a warning on every crawl
        return cls(crawler)

    def open_spider(self) -> None:
        setup_django()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reviewsec-db")

    async def process_item(self, item: Any) -> Any:
        assert self.executor is not None, "open_spider() runs first"
        try:
            await asyncio.wrap_future(self.executor.submit(_store, item))
        except ValueError as error:  # an item the catalog cannot hold (no date, ...)
            self.crawler.stats.inc_value("reviewsec/items_not_stored")
            raise DropItem(str(error)) from error
        except Exception:  # the database itself failed: the outcome must say so
            self.crawler.stats.inc_value("reviewsec/store_errors")
            raise
        self.crawler.stats.inc_value("reviewsec/items_stored")
        return item

    def close_spider(self) -> None:
        if self.executor is not None:
            self.executor.submit(_close_connections).result()
            self.executor.shutdown(wait=True)
