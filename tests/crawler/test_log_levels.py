"""A crawl reads as one INFO line per page: items at DEBUG, no set-up banners, no ERROR for a
robot check (an expected shop answer)."""

from __future__ import annotations

import logging

from scrapy.http import HtmlResponse, Request
from scrapy.spiders import Spider

from crawler.logformatter import BANNER_LOGGERS, PagePerLineLogFormatter, quiet_scrapy_banners
from crawler.middlewares import _EXPECTED_ANSWER_LOGGER
from reviewsec.analyses.errors import RetryableCrawlError
from reviewsec.logs import ExpectedFailureFilter

URL = "http://127.0.0.1:9/demo-market/dp/B0DEMO0001"


def test_pages_are_logged_at_info_and_items_at_debug():
    formatter = PagePerLineLogFormatter()
    request = Request(URL)
    response = HtmlResponse(URL, body=b"<html></html>", request=request)
    spider = Spider(name="product")
    assert formatter.crawled(request, response, spider)["level"] == logging.INFO
    assert formatter.scraped({"asin": "B0DEMO0001"}, response, spider)["level"] == logging.DEBUG


def test_banners_are_raised_to_warning_unless_the_crawl_logs_at_debug():
    for name in BANNER_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    quiet_scrapy_banners("DEBUG")
    assert all(logging.getLogger(n).level == logging.NOTSET for n in BANNER_LOGGERS)
    quiet_scrapy_banners("INFO")
    assert all(logging.getLogger(n).level == logging.WARNING for n in BANNER_LOGGERS)


def test_giving_up_on_a_robot_check_is_a_warning_without_traceback(caplog):
    with caplog.at_level(logging.DEBUG, logger="crawler.middlewares"):
        _EXPECTED_ANSWER_LOGGER.error("Gave up retrying %s: robot_check", URL, exc_info=True)
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.exc_info is None


def test_an_expected_crawl_failure_leaves_no_celery_traceback():
    def record_for(error: Exception) -> logging.LogRecord:
        return logging.LogRecord(
            "celery.app.trace",
            logging.ERROR,
            __file__,
            1,
            "Task raised",
            (),
            (type(error), error, None),
        )

    only_unexpected = ExpectedFailureFilter()
    assert not only_unexpected.filter(record_for(RetryableCrawlError("robot check")))
    assert only_unexpected.filter(record_for(ValueError("a bug")))


_ONE_LINE = """
import logging, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsec.settings")
import django
django.setup()  # the crawl child sets Django up first: its LOGGING has a root handler
from scrapy.settings import Settings
import crawler.settings
from crawler.logformatter import configure_crawl_logging
settings = Settings()
settings.setmodule(crawler.settings)
settings.freeze()
configure_crawl_logging(settings)
logging.getLogger("scrapy.core.engine").info("Spider opened")
"""


def test_spider_opened_is_printed_once_in_a_crawl_child():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    completed = subprocess.run(
        [sys.executable, "-c", _ONE_LINE], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.count("Spider opened") == 1
