"""Downloader middlewares in isolation: the allow-list, deployment knobs, robot checks."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares import (
    AllowListMiddleware,
    DeploymentMiddleware,
    OffsiteRequest,
    RobotCheckMiddleware,
)
from crawler.spiders.reviews import ReviewsSpider
from tests.crawler.fake_market import PAGES


def crawler_with_spider(settings: dict | None = None, **spider_arguments: str) -> Crawler:
    crawler = get_crawler(ReviewsSpider, settings_dict=settings or {})
    crawler.spider = ReviewsSpider.from_crawler(crawler, asin="B0BBPNPZTC", **spider_arguments)
    return crawler


@pytest.mark.parametrize(
    "url",
    [
        "https://www.amazon.com/product-reviews/B0BBPNPZTC",
        "https://www.amazon.com/ap/signin?x=1",
        "http://127.0.0.1:8765/demo-market/dp/B0BBPNPZTC",
    ],
)
def test_allowed_hosts_pass(url: str) -> None:
    crawler = crawler_with_spider(base_url="http://127.0.0.1:8765/demo-market", marketplace="demo")
    assert AllowListMiddleware(crawler).process_request(Request(url)) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/",
        "http://127.0.0.1:8766/demo-market/dp/B0BBPNPZTC",  # another port
        "http://169.254.169.254/latest/meta-data/",
        "https://aws.amazon.com/",
    ],
)
def test_everything_else_is_dropped_before_it_is_sent(url: str) -> None:
    crawler = crawler_with_spider(base_url="http://127.0.0.1:8765/demo-market", marketplace="demo")
    with pytest.raises(OffsiteRequest):
        AllowListMiddleware(crawler).process_request(Request(url))
    assert crawler.stats.get_value("reviewsec/offsite_dropped") == 1


def test_a_spider_without_a_mirror_allows_only_amazon() -> None:
    crawler = crawler_with_spider()
    with pytest.raises(OffsiteRequest):
        AllowListMiddleware(crawler).process_request(Request("http://127.0.0.1:8765/dp/X"))


def test_deployment_cookies_and_proxy_are_added_to_requests() -> None:
    crawler = crawler_with_spider(
        {"REVIEWSEC_COOKIES": "session-id=1; lc=en_US", "REVIEWSEC_PROXY_URL": "http://proxy:3128"}
    )
    request = Request("https://www.amazon.com/dp/B0BBPNPZTC")
    DeploymentMiddleware(crawler).process_request(request)
    assert request.cookies == {"session-id": "1", "lc": "en_US"}
    assert request.meta["proxy"] == "http://proxy:3128"


def test_without_deployment_settings_requests_are_left_alone() -> None:
    request = Request("https://www.amazon.com/dp/B0BBPNPZTC")
    DeploymentMiddleware(crawler_with_spider()).process_request(request)
    assert (request.cookies, request.meta) == ({}, {})


def test_an_ordinary_page_passes_the_robot_check_middleware() -> None:
    crawler = crawler_with_spider()
    request = Request("https://www.amazon.com/dp/X")
    response = HtmlResponse(request.url, body=b"<html><body>hello</body></html>", request=request)
    assert RobotCheckMiddleware(crawler).process_response(request, response) is response


def test_spider_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="base_url"):
        ReviewsSpider(asin="B0BBPNPZTC", marketplace="demo")
    with pytest.raises(ValueError, match="ASIN"):
        ReviewsSpider(asin="not-an-asin")
    with pytest.raises(ValueError, match="http"):
        ReviewsSpider(asin="B0BBPNPZTC", base_url="file:///etc")


def test_captcha_page_fixture_is_small_enough_for_the_middleware_to_look_into() -> None:
    assert len((PAGES / "captcha.html").read_bytes()) < 60_000
