"""One analysis crawl in one process: product → reviews → reviewers, one spider after another.

``python -m crawler.run_job --marketplace amazon.com --asin B0… [--base-url URL] [--store]
[--outcome PATH] [--items PATH] [--max-pages N] [--max-reviewers N] [--timeout-s S]
[--known-reviews PATH]``

Meant to run as a child of the Celery worker (Twisted's reactor cannot restart inside it; see
``crawler.runner.run_crawl``). It prints JSON lines on stdout — ``{"event": "stage"}`` as each
spider starts, ``{"event": "progress"}`` after each page, ``{"event": "reviews_stored"}`` once
the reviews are all stored and before the reviewers' profiles are read (with the reviews
stage's status), ``{"event": "outcome"}`` at the end — and writes the combined
:class:`~crawler.outcome.CrawlOutcome` to ``--outcome``.

``python -m crawler.run_job --wait-for-job`` starts a spare: it warms up (``warm_up``) and waits
for one line on stdin, the JSON list of the arguments above, then runs that job.

``--known-reviews`` (a file of the review ids already stored, one a line) makes the crawl
incremental: the reviews spider stops at the first page that reaches a known review, and only
the reviewers of the new reviews are fetched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.extensions import OutcomeExtension, emit
from crawler.hosts import demo_hosts
from crawler.items import ReviewItem
from crawler.logformatter import configure_crawl_logging
from crawler.outcome import CrawlOutcome, Reason, Status, describe
from marketplaces import DEMO

if TYPE_CHECKING:
    from scrapy.settings import Settings

DEFAULT_MAX_REVIEWERS = 100
# Outcomes of the product page after which fetching reviews cannot help.
_STOP_AFTER_PRODUCT = {
    Reason.ROBOT_CHECK,
    Reason.NOT_FOUND,
    Reason.ROBOTS_DISALLOWED,
    Reason.OFFSITE_REDIRECT,
    Reason.NETWORK_ERROR,
    Reason.UNAVAILABLE,
    Reason.STORE_ERROR,
}
_SHUTDOWN_MARGIN_S = 5


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m crawler.run_job", description=__doc__)
    parser.add_argument("--marketplace", default="amazon.com")
    parser.add_argument("--asin", required=True)
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--store", action="store_true", help="upsert items into the database")
    parser.add_argument("--outcome", type=Path, default=None, help="write the outcome JSON here")
    parser.add_argument("--items", type=Path, default=None, help="also export items (JSON Lines)")
    parser.add_argument("--max-pages", type=int, default=0)
    parser.add_argument("--max-reviewers", type=int, default=DEFAULT_MAX_REVIEWERS)
    parser.add_argument("--timeout-s", type=float, default=0, help="0: no time limit")
    parser.add_argument(
        "--known-reviews",
        type=Path,
        default=None,
        help="incremental: a file of the review ids already stored, one a line",
    )
    return parser.parse_args(argv)


class ProfileCollector:
    """Remembers the reviewers of the reviews scraped, for the reviewer stage."""

    def __init__(self) -> None:
        self.profile_ids: dict[str, None] = {}

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, ReviewItem) and item.reviewer_profile_id:
            self.profile_ids.setdefault(item.reviewer_profile_id, None)


class JobRunner:
    """Runs the three stages with shared settings and a shared deadline."""

    def __init__(self, args: argparse.Namespace) -> None:
        from scrapy.utils.project import get_project_settings

        self.args = args
        self.settings = get_project_settings()
        if is_demo_market(args.marketplace, args.base_url):
            demo = self.settings.getdict("REVIEWSEC_DEMO_MARKET_SETTINGS")
            self.settings.setdict(demo, priority="cmdline")
        self.settings.set("REVIEWSEC_PROGRESS_STDOUT", True)
        self.settings.set("REVIEWSEC_OUTCOME_PATH", "")
        self.settings.set("REVIEWSEC_STORE_TO_DB", args.store)
        if args.items:
            args.items.unlink(missing_ok=True)
            feed = {"format": "jsonlines", "overwrite": False, "encoding": "utf-8"}
            self.settings.set("FEEDS", {str(args.items): feed})
        self.deadline = time.monotonic() + args.timeout_s if args.timeout_s else None
        self.profiles = ProfileCollector()
        self.stage_outcomes: dict[str, CrawlOutcome] = {}

    def spider_arguments(self) -> dict[str, Any]:
        return {"marketplace": self.args.marketplace, "base_url": self.args.base_url}

    async def run_stage(self, stage: str, spider_class: type, **arguments: Any) -> CrawlOutcome:
        from scrapy.crawler import AsyncCrawlerRunner
        from scrapy.signals import item_scraped

        settings = self.settings.copy()
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic() - _SHUTDOWN_MARGIN_S
            if remaining <= 0:
                return _timed_out(stage)
            settings.set("CLOSESPIDER_TIMEOUT", remaining)
        emit({"event": "stage", "stage": stage})
        runner = AsyncCrawlerRunner(settings)
        crawler = runner.create_crawler(spider_class)
        crawler.signals.connect(self.profiles.item_scraped, signal=item_scraped)
        await runner.crawl(crawler, **self.spider_arguments(), **arguments)
        extension = crawler.get_extension(OutcomeExtension)
        outcome = extension.outcome if extension and extension.outcome else _crashed(stage)
        self.stage_outcomes[stage] = outcome
        return outcome

    async def run(self) -> CrawlOutcome:
        if self.settings.getbool("REVIEWSEC_STAGES_AT_ONCE"):
            # The shop takes both at once, and the review pages need nothing from the product
            # page; its failure still decides the outcome.
            product, reviews = await asyncio.gather(self.product_stage(), self.reviews_stage())
            if _stops_crawl(product):
                return self.combine(product)
        else:
            product = await self.product_stage()
            if _stops_crawl(product):
                return self.combine(product)
            reviews = await self.reviews_stage()
        # Only reviewers of the reviews scraped (in an incremental crawl, the new ones).
        ids = list(self.profiles.profile_ids)[: self.args.max_reviewers]
        if ids and reviews.reason_code != Reason.ROBOT_CHECK:
            from crawler.spiders.reviewer import ReviewerSpider

            # Every review page is stored: the parent may publish a first verdict meanwhile.
            emit({"event": "reviews_stored", "status": reviews.status, "reviews": reviews.reviews})
            await self.run_stage("reviewer", ReviewerSpider, profile_ids=ids)
        return self.combine(reviews)

    async def product_stage(self) -> CrawlOutcome:
        from crawler.spiders.product import ProductSpider

        return await self.run_stage("product", ProductSpider, asin=self.args.asin)

    async def reviews_stage(self) -> CrawlOutcome:
        from crawler.spiders.reviews import ReviewsSpider

        return await self.run_stage(
            "reviews",
            ReviewsSpider,
            asin=self.args.asin,
            max_pages=self.args.max_pages,
            known_reviews=self.args.known_reviews,
        )

    def combine(self, decisive: CrawlOutcome) -> CrawlOutcome:
        """The decisive stage's outcome, with the counts of all stages."""
        stages = self.stage_outcomes
        decisive.pages = sum(outcome.pages for outcome in stages.values())
        decisive.products = sum(outcome.products for outcome in stages.values())
        decisive.reviewers = sum(outcome.reviewers for outcome in stages.values())
        decisive.incremental = self.args.known_reviews is not None
        decisive.details = {
            **decisive.details,
            "stages": {
                name: {"status": o.status, "reason_code": o.reason_code, "pages": o.pages}
                for name, o in stages.items()
            },
        }
        return decisive


def _stops_crawl(product: CrawlOutcome) -> bool:
    """Whether the product page's outcome leaves nothing for the later stages to do."""
    return product.status == Status.FAILED and product.reason_code in _STOP_AFTER_PRODUCT


def is_demo_market(marketplace: str, base_url: str | None) -> bool:
    """Our own demo market, at a host where the app says it lives (``DEMO_MARKET_HOSTS``): only
    then are ``REVIEWSEC_DEMO_MARKET_SETTINGS`` put over the polite defaults. A demo crawl run
    by hand at some other mirror keeps them."""
    if marketplace != DEMO or not base_url:
        return False
    return urlsplit(base_url).netloc.lower() in demo_hosts()


def _timed_out(stage: str) -> CrawlOutcome:
    return CrawlOutcome(
        status=Status.FAILED,
        reason_code=Reason.TIMEOUT,
        message=describe(Reason.TIMEOUT),
        retryable=True,
        stage=stage,
    )


def _crashed(stage: str) -> CrawlOutcome:
    return CrawlOutcome(
        status=Status.FAILED,
        reason_code=Reason.CRASHED,
        message=describe(Reason.CRASHED),
        retryable=True,
        stage=stage,
    )


REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


def run_with_reactor(job: JobRunner) -> CrawlOutcome:
    """Install the asyncio reactor (unless ``warm_up`` did), run the job to its end, stop the
    reactor."""
    from scrapy.utils.reactor import install_reactor

    install_reactor(REACTOR)
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet import reactor

    configure_crawl_logging(job.settings)  # once: Django's root handler is already there
    result: list[CrawlOutcome] = []
    finished = deferred_from_coro(job.run())
    finished.addCallback(result.append)
    finished.addErrback(lambda failure: failure.printTraceback(file=sys.stderr))
    finished.addBoth(lambda _: reactor.stop())
    reactor.run()
    return result[0] if result else _crashed("job")


WAIT_FOR_JOB = "--wait-for-job"
# The settings naming the components a crawl loads (``{path: order}``, or ``{scheme: path}``
# for the download handlers) and those naming one class each.
_COMPONENT_MAPS = (
    "DOWNLOAD_HANDLERS",
    "DOWNLOADER_MIDDLEWARES",
    "SPIDER_MIDDLEWARES",
    "EXTENSIONS",
    "ITEM_PIPELINES",
)
_COMPONENT_CLASSES = (
    "DOWNLOADER",
    "SCHEDULER",
    "SCHEDULER_PRIORITY_QUEUE",
    "SCHEDULER_MEMORY_QUEUE",
    "SCHEDULER_START_MEMORY_QUEUE",
    "DUPEFILTER_CLASS",
    "STATS_CLASS",
    "LOG_FORMATTER",
    "REQUEST_FINGERPRINTER_CLASS",
    "ROBOTSTXT_PARSER",
    "TWISTED_DNS_RESOLVER",
    "ITEM_PROCESSOR",
)


def warm_up() -> None:
    """Do before the job is known what every crawl does first (``crawler.runner`` keeps one
    such spare child waiting): install the reactor, import every component the settings name
    (Scrapy's HTTP handler alone pulls in the TLS stack), set Django up, and read one date
    line (``dateparser`` builds its time-zone patterns on first use).

    Measured (issue 18, 2 busy cores): these took 1-2 s of a crawl's critical path after the
    spare had imported only the spiders. The components go first: one of them calls
    ``inspect.stack()`` at import, which is slower the more modules Django has loaded."""
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.reactor import install_reactor

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    install_reactor(REACTOR)
    _import_components(get_project_settings())
    import crawler.spiders.product
    import crawler.spiders.reviewer
    import crawler.spiders.reviews
    from crawler.parsing.dates import parse_review_date
    from crawler.pipelines import setup_django

    parse_review_date("Reviewed in the United States on July 1, 2024", "amazon.com")
    setup_django()
    import crawler.store  # noqa: F401


def _import_components(settings: Settings) -> None:
    from scrapy.utils.misc import load_object

    paths: list[Any] = [settings.get(name) for name in _COMPONENT_CLASSES]
    for name in _COMPONENT_MAPS:
        for key, value in settings.getwithbase(name).items():
            if value is not None:
                paths.append(value if name == "DOWNLOAD_HANDLERS" else key)
    for path in paths:
        if isinstance(path, str) and "." in path:
            load_object(path)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments == [WAIT_FOR_JOB]:  # a spare: warm up, then take the job's arguments
        try:
            warm_up()
        except Exception:  # only time lost: the job does it all again, and says what fails
            traceback.print_exc(file=sys.stderr)
        line = sys.stdin.readline()
        if not line.strip():
            return 0  # the parent went away or no longer needs it
        arguments = [str(argument) for argument in json.loads(line)]
    args = parse_args(arguments)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    outcome = run_with_reactor(JobRunner(args))
    if args.outcome:
        outcome.save(args.outcome)
    emit({"event": "outcome", **outcome.to_dict()})
    return 0 if outcome.status != Status.FAILED else 1


if __name__ == "__main__":
    sys.exit(main())
