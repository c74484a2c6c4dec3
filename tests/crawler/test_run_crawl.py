"""``run_crawl``: the whole product → reviews → reviewers job in a child process, over loopback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler import runner
from crawler.outcome import CrawlOutcome
from crawler.parsing.reviews import parse_reviews
from crawler.run_job import JobRunner, parse_args
from crawler.runner import CrawlProgress, run_crawl
from marketplaces import ProductRef
from tests.crawler.fake_market import FIXTURES, PAGES, FakeMarket
from tests.crawler.helpers import BALDACCI_PRODUCT, DAWN_LIST, fixture, saved

pytestmark = pytest.mark.slow

PREFIX = "/demo-market"
REF = ProductRef("demo", "B0BBPNPZTC")
FAST = {"CRAWLER_DOWNLOAD_DELAY": "0", "CRAWLER_AUTOTHROTTLE": "0"}


def serve_product(market: FakeMarket) -> None:
    market.add_file(f"{PREFIX}/dp/{REF.asin}", FIXTURES / BALDACCI_PRODUCT)
    market.add_file(f"{PREFIX}/product-reviews/{REF.asin}#1", FIXTURES / DAWN_LIST)
    market.add_file(f"{PREFIX}/product-reviews/{REF.asin}#2", PAGES / "en_review_list_last.html")
    for page in (fixture(DAWN_LIST), saved("en_review_list_last.html")):
        for review in parse_reviews(page, marketplace="demo", asin=REF.asin):
            market.add_file(
                f"{PREFIX}/gp/profile/{review.reviewer_profile_id}", PAGES / "profile_demo.html"
            )


@pytest.fixture
def market() -> Iterator[FakeMarket]:
    """The fake market serving ``REF``: its page, two review pages and every reviewer's profile."""
    with FakeMarket() as served:
        serve_product(served)
        yield served


def crawl(market: FakeMarket, tmp_path: Path, **options: Any) -> CrawlOutcome:
    """``run_crawl`` of ``REF`` from ``market`` as most tests here run it: not stored, a 60 s
    deadline, the outcome and the Scrapy log in ``tmp_path``, no download delay; ``options``
    override or add ``run_crawl``'s keyword arguments."""
    arguments: dict[str, Any] = {
        "base_url": market.origin + PREFIX,
        "store": False,
        "outcome_path": tmp_path / "outcome.json",
        "timeout_s": 60,
        "log_path": tmp_path / "crawl.log",
        "env": FAST,
    }
    return run_crawl(REF, **(arguments | options))


def test_a_job_crawls_product_reviews_and_reviewers_reporting_progress(
    market: FakeMarket, tmp_path: Path
) -> None:
    seen: list[CrawlProgress] = []

    def remember(progress: CrawlProgress) -> None:
        seen.append(
            CrawlProgress(
                progress.stage,
                progress.pages_fetched,
                progress.reviews_fetched,
                progress.reviews_expected,
            )
        )

    outcome = crawl(market, tmp_path, progress_callback=remember, max_reviewers=5)
    assert (outcome.status, outcome.reason_code, outcome.incremental) == ("ok", "", False)
    assert (outcome.products, outcome.reviews, outcome.reviewers) == (1, 12, 5)
    assert outcome.pages == 1 + 2 + 5
    assert outcome == CrawlOutcome.load(tmp_path / "outcome.json")
    assert list(dict.fromkeys(p.stage for p in seen)) == ["product", "reviews", "reviewer"]
    assert [p.pages_fetched for p in seen] == sorted(p.pages_fetched for p in seen)
    last_reviews = [p for p in seen if p.stage == "reviews"][-1]
    assert (last_reviews.reviews_fetched, last_reviews.reviews_expected) == (12, 504)
    assert seen[-1].pages_fetched == 8
    assert "Spider closed" in (tmp_path / "crawl.log").read_text()


def test_an_incremental_job_fetches_only_the_new_reviews_and_their_reviewers(
    market: FakeMarket, tmp_path: Path
) -> None:
    known = {"R1P6IWGF3BKZQT", "R2LASTPAGE0001"}  # the last review of page 1, one of page 2
    outcome = crawl(market, tmp_path, known_reviews=known)
    paths = market.paths()
    assert (outcome.status, outcome.reason_code, outcome.incremental) == ("ok", "caught_up", True)
    assert (outcome.reviews, outcome.reviewers, outcome.pages) == (9, 9, 1 + 1 + 9)
    assert outcome.message == "Found 9 new reviews since the last crawl."
    assert [path for path in paths if "product-reviews" in path] == [
        f"{PREFIX}/product-reviews/{REF.asin}"
    ]
    profiles = [path for path in paths if "/gp/profile/" in path]
    # The known review's reviewer is not fetched again.
    assert len(profiles) == 9 and not [p for p in profiles if "AHRRTVXAUMZAQJD3HZGFARYBLC4A" in p]


def test_a_robot_check_on_the_product_page_ends_the_job_at_once(tmp_path: Path) -> None:
    with FakeMarket() as market:
        market.add_file(f"{PREFIX}/dp/{REF.asin}", PAGES / "captcha.html")
        outcome = crawl(market, tmp_path)
        assert not [path for path in market.paths() if "product-reviews" in path]
    assert (outcome.status, outcome.reason_code, outcome.stage) == (
        "failed",
        "robot_check",
        "product",
    )
    assert outcome.retryable and outcome.retry_after_s == 900


def test_a_child_that_hangs_is_killed_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        runner,
        "crawl_command",
        lambda *a, **k: [sys.executable, "-c", "import time; time.sleep(60)"],
    )
    outcome = run_crawl(
        REF,
        base_url="http://127.0.0.1:9",
        store=False,
        outcome_path=tmp_path / "o.json",
        timeout_s=0.5,
        kill_grace_s=0.5,
    )
    assert (outcome.status, outcome.reason_code, outcome.retryable) == ("failed", "timeout", True)


def test_a_child_that_dies_without_an_outcome_is_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        runner, "crawl_command", lambda *a, **k: [sys.executable, "-c", "raise SystemExit(3)"]
    )
    outcome = run_crawl(
        REF,
        base_url="http://127.0.0.1:9",
        store=False,
        outcome_path=tmp_path / "o.json",
        timeout_s=30,
    )
    assert (outcome.status, outcome.reason_code) == ("failed", "crashed")
    assert outcome.details == {"exit_code": 3}


def test_the_demo_market_needs_a_base_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEMO_MARKET_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="base_url"):
        run_crawl(REF, base_url=None, store=False, outcome_path=tmp_path / "o.json", timeout_s=5)


def migrated_database(path: Path) -> dict[str, str]:
    env = {"DATABASE_URL": f"sqlite:///{path}"}
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=root,
        env={**os.environ, **env},
        check=True,
        timeout=120,
    )
    return env


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM catalog_{table}").fetchone()[0]
            for table in ("product", "review", "reviewer", "reviewerhistory")
        }


def test_a_stored_recrawl_updates_the_database_without_duplicates(
    market: FakeMarket, tmp_path: Path
) -> None:
    database = tmp_path / "crawl.sqlite3"
    env = FAST | migrated_database(database)
    for _ in range(2):
        outcome = crawl(market, tmp_path, store=True, max_reviewers=3, env=env)
        assert (outcome.status, outcome.reviews, outcome.reviewers) == ("ok", 12, 3)
    # 12 reviewers from the reviews; the demo profile lists 2 products for each of 3 crawled.
    assert counts(database) == {"product": 1, "review": 12, "reviewer": 12, "reviewerhistory": 6}


def test_a_warm_spare_child_runs_the_next_crawl_and_another_is_left_waiting(
    tmp_path: Path,
) -> None:
    def crawl(number: int) -> CrawlOutcome:
        return run_crawl(
            REF,
            base_url=market.origin + PREFIX,
            store=False,
            outcome_path=tmp_path / f"outcome-{number}.json",
            timeout_s=60,
            max_reviewers=2,
            env=FAST,
            warm=True,
        )

    runner.spares.stop_all()  # spares other tests (or the embedded server) left behind
    try:
        with FakeMarket() as market:
            serve_product(market)
            cold = crawl(1)
            (spare,) = runner.spares._waiting.values()
            assert spare.poll() is None, "a spare is left waiting after a crawl"
            warm = crawl(2)
            # The crawl is over at the child's outcome line; the child exits just after.
            assert spare.wait(timeout=30) == 0, "the spare ran the second crawl and ended"
            (next_spare,) = runner.spares._waiting.values()
            assert next_spare.pid != spare.pid
    finally:
        runner.spares.stop_all()
    assert (cold.status, cold.reviews, cold.reviewers) == (warm.status, warm.reviews, 2)
    assert next_spare.poll() is not None, "stopped with its parent's spares"


def test_amazon_stays_polite_and_only_the_demo_market_is_read_several_pages_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    probe = (
        "from crawler import settings as s; "
        "print(s.CONCURRENT_REQUESTS_PER_DOMAIN, s.REVIEWSEC_REVIEW_PAGES_AHEAD, s.DOWNLOAD_DELAY,"
        " s.REVIEWSEC_STAGES_AT_ONCE)"
    )
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("CRAWLER_")
    }
    shown = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    assert shown.stdout.split() == ["2", "1", "1.0", "False"]

    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    monkeypatch.setenv("DEMO_MARKET", "1")
    monkeypatch.setenv("DEMO_MARKET_HOSTS", "127.0.0.1:8000")

    def settings_for(marketplace: str, base_url: str | None) -> Settings:
        arguments = ["--marketplace", marketplace, "--asin", "B0DEMO0001"]
        return JobRunner(parse_args([*arguments, "--base-url", base_url or ""])).settings

    demo = settings_for("demo", "http://127.0.0.1:8000/demo-market")
    assert demo.getint("REVIEWSEC_REVIEW_PAGES_AHEAD") > 1
    assert demo.getint("CONCURRENT_REQUESTS_PER_DOMAIN") > 1
    assert demo.getfloat("DOWNLOAD_DELAY") == 0
    assert demo.getbool("REVIEWSEC_STAGES_AT_ONCE")
    polite = get_project_settings()
    # A "demo" crawl of any other host (a mirror given by hand) and every real shop: as set.
    for shop in (
        settings_for("demo", "http://192.0.2.1:8000/demo-market"),
        settings_for("amazon.com", None),
    ):
        for name in ("REVIEWSEC_REVIEW_PAGES_AHEAD", "CONCURRENT_REQUESTS_PER_DOMAIN"):
            assert shop.getint(name) == polite.getint(name), name
        assert shop.getfloat("DOWNLOAD_DELAY") == polite.getfloat("DOWNLOAD_DELAY")
        assert not shop.getbool("REVIEWSEC_STAGES_AT_ONCE")
    from reviewsec.analyses.services import _crawl_environment

    assert not [name for name in _crawl_environment() if name.startswith("CRAWLER_")]


def test_where_the_shop_allows_it_the_review_pages_are_read_beside_the_product_page(
    market: FakeMarket, tmp_path: Path
) -> None:
    seen: list[tuple[str, int]] = []
    outcome = crawl(
        market,
        tmp_path,
        progress_callback=lambda progress: seen.append((progress.stage, progress.pages_fetched)),
        max_pages=2,  # page 1 announces 504 reviews; the market has two pages of them
        max_reviewers=2,
        env={"DEMO_MARKET": "1", "DEMO_MARKET_HOSTS": market.origin.split("//")[1]},
    )
    assert (outcome.status, outcome.products, outcome.reviews, outcome.reviewers) == (
        "ok",
        1,
        12,
        2,
    )
    assert outcome.details["stages"].keys() == {"product", "reviews", "reviewer"}
    assert ("reviews", 0) in seen, "the reviews stage started before any page was read"
    assert seen[-1][1] == outcome.pages == 1 + 2 + 2
