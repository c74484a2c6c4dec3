"""The database pipeline: crawled items upserted into the catalog through the Django ORM.

Off unless ``REVIEWSEC_STORE_TO_DB`` is on, so ``scrapy crawl … -O out.jsonl`` never touches a
database. Django is set up only when the pipeline opens. The ORM is synchronous and refuses to
run inside a running asyncio loop (Scrapy's reactor), so writes go to one dedicated thread, in
order. Products and reviewers are stored one item a transaction. Reviews are gathered per page:
the spider's ``page_parsed`` signal (sent once a page's reviews are yielded) hands the page to
``crawler.store.store_reviews`` as one transaction (issue 18: ~10 transactions a page became
one), and each review's ``process_item`` finishes when its page is stored, so the outcome's
counts and ``DropItem`` for refused reviews stay per item. Should a page's reviews reach the
pipeline after its signal, a short timer stores them all the same. A crawl that dies half-way
leaves whole pages behind.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured

from crawler import signals
from crawler.items import ReviewItem

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


# All the store needs of the project: the catalogue's models (DESIGN §1: the crawler imports only
# reviewsec.catalog, which imports no other app).
STORE_APPS = ["django.contrib.contenttypes", "reviewsec.catalog"]


def setup_django() -> None:
    """``django.setup()`` with the project's settings (unless the environment names others),
    in a process where Django is not set up yet: with only ``STORE_APPS`` installed.

    The whole project's apps import the detector, scipy and the API schema from their
    ``ready()`` hooks: 2 s of CPU, on a busy machine more, at the start of every crawl child
    (issue 18). The store writes catalogue rows only, and no other app listens to their saves.
    A process that has Django set up already (a test, the worker) keeps it as it is."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsec.settings")
    import django
    from django.apps import apps
    from django.conf import settings

    if apps.ready:
        return
    settings.INSTALLED_APPS = STORE_APPS
    django.setup()


def _store(item: Any) -> None:
    from crawler.store import store_item

    store_item(item)


def _store_page(items: list[ReviewItem]) -> dict[int, str]:
    """Store one page; the refused items' reasons, keyed by their position in ``items``."""
    from crawler.store import store_reviews

    page = store_reviews(items)
    positions = {id(item): n for n, item in enumerate(items)}
    return {positions[id(item)]: reason for item, reason in page.refused}


# A page whose reviews reach the pipeline after its signal is stored this long after the last.
_LATE_FLUSH_S = 0.05


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


class DjangoStorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.executor: ThreadPoolExecutor | None = None
        # The current page's reviews, each with the future its process_item awaits.
        self._page: list[tuple[ReviewItem, asyncio.Future[str | None]]] = []
        self._late_flush: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("REVIEWSEC_STORE_TO_DB"):
            raise NotConfigured  # no message: Scrapy would log one as a warning on every crawl
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.page_parsed, signal=signals.page_parsed)
        return pipeline

    def open_spider(self) -> None:
        setup_django()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reviewsec-db")

    async def process_item(self, item: Any) -> Any:
        assert self.executor is not None, "open_spider() runs first"
        try:
            if isinstance(item, ReviewItem):
                refused = await self._with_page(item)
                if refused is not None:
                    raise ValueError(refused)
            else:
                await asyncio.wrap_future(self.executor.submit(_store, item))
        except ValueError as error:  # an item the catalog cannot hold (no date, ...)
            self.crawler.stats.inc_value("reviewsec/items_not_stored")
            raise DropItem(str(error)) from error
        except Exception:  # the database itself failed: the outcome must say so
            self.crawler.stats.inc_value("reviewsec/store_errors")
            raise
        self.crawler.stats.inc_value("reviewsec/items_stored")
        return item

    def _with_page(self, item: ReviewItem) -> asyncio.Future[str | None]:
        """Join the current page; resolves to None once stored, or to the reason refused."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str | None] = loop.create_future()
        self._page.append((item, future))
        if self._late_flush is not None:
            self._late_flush.cancel()
        self._late_flush = loop.call_later(_LATE_FLUSH_S, self._flush)
        return future

    def page_parsed(self, spider: Any = None) -> None:
        self._flush()

    def _flush(self) -> None:
        """Hand the gathered reviews to the database thread as one page."""
        if self._late_flush is not None:
            self._late_flush.cancel()
            self._late_flush = None
        page, self._page = self._page, []
        if not page or self.executor is None:
            return
        loop = page[0][1].get_loop()
        stored = self.executor.submit(_store_page, [item for item, _ in page])

        def settle(done: Future[dict[int, str]]) -> None:
            error = done.exception()
            for position, (_, future) in enumerate(page):
                if future.done():
                    continue
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(done.result().get(position))

        stored.add_done_callback(lambda done: loop.call_soon_threadsafe(settle, done))

    def close_spider(self) -> None:
        self._flush()
        if self.executor is not None:
            self.executor.submit(_close_connections).result()
            self.executor.shutdown(wait=True)
