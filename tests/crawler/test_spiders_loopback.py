"""The real spiders, run as ``scrapy crawl`` child processes against a loopback marketplace.

Each test serves saved pages from a local HTTP server under a ``/demo-market`` prefix (as the
demo marketplace will), crawls with ``-a base_url=…``, and reads the exported items and the
outcome file — the same code path a real crawl takes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.outcome import CrawlOutcome
from tests.crawler.fake_market import FIXTURES, PAGES, FakeMarket
from tests.crawler.helpers import BALDACCI_PRODUCT, DAWN_LIST

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/demo-market"
ASIN = "B0BBPNPZTC"
LIST = f"{PREFIX}/product-reviews/{ASIN}"


@dataclass
class Crawl:
    items: list[dict]
    outcome: CrawlOutcome
    log: str


def crawl(
    market: FakeMarket,
    tmp_path: Path,
    spider: str,
    *settings: str,
    env: dict[str, str] | None = None,
    **arguments: str,
) -> Crawl:
    items, outcome = tmp_path / "items.jsonl", tmp_path / "outcome.json"
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-O", str(items)]
    command += ["-s", f"REVIEWSEC_OUTCOME_PATH={outcome}", "-s", "LOG_LEVEL=INFO"]
    for setting in ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0", "RETRY_TIMES=1", *settings):
        command += ["-s", setting]
    arguments.setdefault("base_url", market.origin + PREFIX)
    arguments.setdefault("marketplace", "demo")
    for name, value in arguments.items():
        command += ["-a", f"{name}={value}"]
    child_env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings", **(env or {})}
    child_env.pop("REVIEWSEC_STORE_TO_DB", None)
    done = subprocess.run(
        command, cwd=ROOT, env=child_env, capture_output=True, text=True, timeout=60
    )
    lines = items.read_text().splitlines() if items.exists() else []
    assert outcome.exists(), done.stderr[-3000:]
    return Crawl([json.loads(line) for line in lines], CrawlOutcome.load(outcome), done.stderr)


def list_requests(market: FakeMarket) -> list[tuple[str, str]]:
    return [
        (seen.query["pageNumber"][0], seen.query["sortBy"][0])
        for seen in market.requests
        if seen.path == LIST
    ]


def serve_two_pages(market: FakeMarket) -> None:
    market.add_file(f"{LIST}#1", FIXTURES / DAWN_LIST)
    market.add_file(f"{LIST}#2", PAGES / "en_review_list_last.html")


def test_reviews_spider_follows_pagination_newest_first(tmp_path: Path) -> None:
    with FakeMarket() as market:
        serve_two_pages(market)
        result = crawl(market, tmp_path, "reviews", asin=ASIN)
        assert list_requests(market) == [("1", "recent"), ("2", "recent")]
        agents = {seen.headers.get("User-Agent") for seen in market.requests}
    ids = [item["review_id"] for item in result.items]
    assert len(ids) == 12 == len(set(ids))  # page 2 repeats one review of page 1
    assert ids[0] == "RIY0N097PYR7K" and ids[-2:] == ["R2LASTPAGE0001", "R2LASTPAGE0002"]
    first = result.items[0]
    assert first["kind"] == "review" and first["marketplace"] == "demo" and first["asin"] == ASIN
    assert (first["rating"], first["posted_date"], first["verified_purchase"]) == (
        5,
        "2024-07-01",
        True,
    )
    assert result.items[-2]["vine"] and result.items[-2]["helpful_votes"] == 1234
    assert (result.outcome.status, result.outcome.reason_code) == ("ok", "")
    assert (result.outcome.pages, result.outcome.reviews, result.outcome.reviews_expected) == (
        2,
        12,
        504,
    )
    assert not result.outcome.incremental
    assert agents == {"ReviewSecBot/0.1 (+https://github.com/reviewsec/reviewsec)"}


def test_reviews_spider_stops_at_max_pages(tmp_path: Path) -> None:
    with FakeMarket() as market:
        serve_two_pages(market)
        result = crawl(market, tmp_path, "reviews", asin=ASIN, max_pages="1")
        assert list_requests(market) == [("1", "recent")]
    assert len(result.items) == 10
    assert (result.outcome.status, result.outcome.reason_code) == ("ok", "max_pages")


def known_reviews_file(tmp_path: Path, *review_ids: str) -> str:
    path = tmp_path / "known_reviews.txt"
    path.write_text("".join(f"{review_id}\n" for review_id in review_ids))
    return str(path)


def test_an_incremental_crawl_stops_after_the_first_page_reaching_a_known_review(
    tmp_path: Path,
) -> None:
    known = known_reviews_file(tmp_path, "R127U9U2HU8IX7", "R1P6IWGF3BKZQT", "R2LASTPAGE0001")
    with FakeMarket() as market:
        serve_two_pages(market)
        result = crawl(market, tmp_path, "reviews", asin=ASIN, known_reviews=known)
        assert list_requests(market) == [("1", "recent")]
    ids = [item["review_id"] for item in result.items]
    assert len(ids) == 8 and "R127U9U2HU8IX7" not in ids and ids[-1] == "R17KI0C8L7K5OT"
    outcome = result.outcome
    assert (outcome.status, outcome.reason_code, outcome.reviews, outcome.incremental) == (
        "ok",
        "caught_up",
        8,
        True,
    )
    assert outcome.message == "Found 8 new reviews since the last crawl."
    assert outcome.details["caught_up_at_page"] == 1


def test_an_incremental_crawl_that_finds_nothing_new_succeeds(tmp_path: Path) -> None:
    page_one = [
        "RIY0N097PYR7K", "R1RUZF3NO7Y1Q4", "RO2ELDP01KALS", "R10Z9DR9E2OT8X", "RCHIESXHQK6",
        "R1VAPTPR4CWOWK", "R1DA3S956E3N51", "R127U9U2HU8IX7", "R17KI0C8L7K5OT", "R1P6IWGF3BKZQT",
    ]  # fmt: skip
    with FakeMarket() as market:
        serve_two_pages(market)
        known = known_reviews_file(tmp_path, *page_one)
        result = crawl(market, tmp_path, "reviews", asin=ASIN, known_reviews=known)
        assert list_requests(market) == [("1", "recent")]
    assert result.items == []
    outcome = result.outcome
    assert (outcome.status, outcome.reason_code, outcome.incremental) == ("ok", "caught_up", True)
    assert outcome.message == "No new reviews since the last crawl."


def test_a_robot_check_is_retried_once_then_reported_for_a_later_retry(tmp_path: Path) -> None:
    with FakeMarket() as market:
        market.add_file(f"{LIST}#1", PAGES / "captcha.html")
        result = crawl(market, tmp_path, "reviews", asin=ASIN)
        assert len(list_requests(market)) == 2
    outcome = result.outcome
    assert (outcome.status, outcome.reason_code, outcome.reviews) == ("failed", "robot_check", 0)
    assert outcome.retryable and outcome.retry_after_s == 900
    assert outcome.message == "Amazon showed a robot check; we will retry in 15 minutes."


def test_a_robot_check_half_way_keeps_the_reviews_already_read(tmp_path: Path) -> None:
    with FakeMarket() as market:
        market.add_file(f"{LIST}#1", FIXTURES / DAWN_LIST)
        market.add_file(f"{LIST}#2", PAGES / "captcha.html", status=503)
        result = crawl(market, tmp_path, "reviews", asin=ASIN)
    assert len(result.items) == 10
    assert (result.outcome.status, result.outcome.reason_code) == ("partial", "robot_check")


def test_a_sign_in_wall_falls_back_to_the_reviews_on_the_product_page(tmp_path: Path) -> None:
    with FakeMarket() as market:
        market.redirect(LIST, f"{market.origin}/ap/signin?openid.return_to=x")
        market.add_file("/ap/signin", PAGES / "signin.html")
        market.add_file(f"{PREFIX}/dp/{ASIN}", FIXTURES / BALDACCI_PRODUCT)
        result = crawl(market, tmp_path, "reviews", asin=ASIN)
    assert len(result.items) == 13
    outcome = result.outcome
    assert (outcome.status, outcome.reason_code, outcome.reviews) == (
        "partial",
        "signin_required",
        13,
    )
    assert outcome.message == (
        "Amazon requires sign-in to list all reviews: analysed the 13 reviews shown."
    )


def test_an_empty_review_list_is_a_product_without_reviews(tmp_path: Path) -> None:
    with FakeMarket() as market:
        market.add_file(f"{LIST}#1", PAGES / "empty_review_list.html")
        result = crawl(market, tmp_path, "reviews", asin=ASIN)
    assert result.items == []
    assert (result.outcome.status, result.outcome.reason_code) == ("ok", "no_reviews")


def test_a_list_whose_reviews_cannot_be_read_is_a_parse_error_not_an_empty_list(
    tmp_path: Path,
) -> None:
    changed = (
        "<html><body><div data-hook='cr-filter-info-review-rating-count'>"
        "5,849 total ratings, 504 with reviews</div><div class='new-review-card'>…</div>"
        "</body></html>"
    )
    with FakeMarket() as market:
        market.add(f"{LIST}#1", changed)
        result = crawl(market, tmp_path, "reviews", asin=ASIN)
    assert (result.outcome.status, result.outcome.reason_code) == ("failed", "parse_error")


def test_a_missing_product_is_not_found(tmp_path: Path) -> None:
    with FakeMarket() as market:
        result = crawl(market, tmp_path, "product", asin=ASIN)
    assert result.items == []
    outcome = result.outcome
    assert (outcome.status, outcome.reason_code, outcome.retryable) == (
        "failed",
        "not_found",
        False,
    )


def test_a_busy_server_is_retried_then_reported_unavailable(tmp_path: Path) -> None:
    with FakeMarket() as market:
        market.add(f"{PREFIX}/dp/{ASIN}", "<html>busy</html>", status=503, **{"Retry-After": "0"})
        result = crawl(market, tmp_path, "product", asin=ASIN)
        assert market.paths().count(f"{PREFIX}/dp/{ASIN}") == 2  # RETRY_TIMES=1
    outcome = result.outcome
    assert (outcome.status, outcome.reason_code, outcome.retryable) == (
        "failed",
        "unavailable",
        True,
    )


def test_a_slow_crawl_stops_at_its_time_limit(tmp_path: Path) -> None:
    with FakeMarket() as market:
        market.add(f"{PREFIX}/dp/{ASIN}", "<html></html>", delay_s=3)
        result = crawl(market, tmp_path, "product", "CLOSESPIDER_TIMEOUT=1", asin=ASIN)
    assert (result.outcome.reason_code, result.outcome.retryable) == ("timeout", True)


def test_a_redirect_off_the_allow_list_is_never_followed(tmp_path: Path) -> None:
    with FakeMarket() as market:
        market.redirect(f"{PREFIX}/dp/{ASIN}", "http://evil.example/steal")
        market.redirect(f"{PREFIX}/dp/B000FC1C50", "http://169.254.169.254/latest/meta-data/")
        result = crawl(market, tmp_path, "product", asin=ASIN)
        second = crawl(market, tmp_path, "product", asin="B000FC1C50")
    for outcome in (result.outcome, second.outcome):
        assert (outcome.status, outcome.reason_code) == ("failed", "offsite_redirect")
    assert "evil.example" in result.log and "DNS" not in result.log


def test_the_product_spider_exports_what_the_page_shows(tmp_path: Path) -> None:
    with FakeMarket() as market:
        market.add_file(f"{PREFIX}/dp/{ASIN}", FIXTURES / BALDACCI_PRODUCT)
        result = crawl(market, tmp_path, "product", asin=ASIN)
    [product] = result.items
    assert product["kind"] == "product" and product["title"] == "The Whole Truth (A. Shaw Book 1)"
    assert (product["price"], product["currency"], product["shop_rating_count"]) == (
        "10.99",
        "USD",
        21200,
    )
    assert product["star_histogram"] == {"5": 59, "4": 28, "3": 9, "2": 2, "1": 2}
    assert (result.outcome.status, result.outcome.products) == ("ok", 1)


def test_the_reviewer_spider_reads_profiles_and_skips_missing_ones(tmp_path: Path) -> None:
    with FakeMarket() as market:
        market.add_file(f"{PREFIX}/gp/profile/rv-1", PAGES / "profile_demo.html")
        result = crawl(market, tmp_path, "reviewer", profile_ids="rv-1,rv-missing")
    [reviewer] = result.items
    assert (reviewer["kind"], reviewer["profile_id"], reviewer["display_name"]) == (
        "reviewer",
        "rv-1",
        "Rita Vale",
    )
    assert [entry["product_asin"] for entry in reviewer["history"]] == ["B0DEMO0001", "B0DEMO0002"]
    assert (result.outcome.status, result.outcome.reviewers) == ("ok", 1)


def test_the_reviewer_spider_stops_at_a_sign_in_wall(tmp_path: Path) -> None:
    with FakeMarket() as market:
        for profile in ("amzn1.account.A1", "amzn1.account.A2", "amzn1.account.A3"):
            market.add_file(f"{PREFIX}/gp/profile/{profile}", PAGES / "signin.html")
        result = crawl(
            market,
            tmp_path,
            "reviewer",
            "CONCURRENT_REQUESTS=1",
            profile_ids="amzn1.account.A1,amzn1.account.A2,amzn1.account.A3",
        )
        profile_requests = [path for path in market.paths() if "/gp/profile/" in path]
    assert result.items == []
    assert (result.outcome.status, result.outcome.reason_code) == ("failed", "signin_required")
    assert len(profile_requests) < 3


def test_deployment_cookies_are_sent_and_a_proxy_is_used(tmp_path: Path) -> None:
    with FakeMarket() as site, FakeMarket() as proxy:
        proxy.add_file(f"{PREFIX}/dp/{ASIN}", FIXTURES / BALDACCI_PRODUCT)
        env = {
            "CRAWLER_COOKIES": "session-id=123-456; i18n-prefs=USD",
            "CRAWLER_PROXY_URL": proxy.origin,
        }
        result = crawl(site, tmp_path, "product", "ROBOTSTXT_OBEY=0", env=env, asin=ASIN)
        assert site.requests == []  # everything went through the proxy
        [seen] = proxy.requests
    assert len(result.items) == 1
    assert "session-id=123-456" in seen.headers.get("Cookie", "")
