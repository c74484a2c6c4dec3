"""Scrapy settings for the ReviewSec crawler (``scrapy.cfg`` points here).

Deployment knobs come from the environment, with the same names the Django settings document
(``CRAWLER_USER_AGENT``, ``CRAWLER_PROXY_URL``…), so the web app, the worker and a standalone
``scrapy crawl`` behave alike. Nothing here imports Django: storing to the database is opt-in
(``REVIEWSEC_STORE_TO_DB``) and the pipeline sets Django up only when it is on.
"""

from __future__ import annotations

import os


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


BOT_NAME = "reviewsec"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Politeness (https://docs.scrapy.org/en/latest/topics/autothrottle.html) ---------------------
USER_AGENT = os.environ.get(
    "CRAWLER_USER_AGENT", "ReviewSecBot/0.1 (+https://github.com/reviewsec/reviewsec)"
)
ROBOTSTXT_OBEY = _env_bool("CRAWLER_OBEY_ROBOTS_TXT", True)
# Per shop: Amazon gets two requests at a time at most (with the delay and AutoThrottle below);
# our own demo market takes more (REVIEWSEC_DEMO_MARKET_SETTINGS below).
CONCURRENT_REQUESTS_PER_DOMAIN = int(_env_float("CRAWLER_CONCURRENT_PER_DOMAIN", 2))
CONCURRENT_REQUESTS = max(4, CONCURRENT_REQUESTS_PER_DOMAIN)
# How many review pages a full crawl may ask for at once (1: one after another, as for Amazon).
REVIEWSEC_REVIEW_PAGES_AHEAD = int(_env_float("CRAWLER_REVIEW_PAGES_AHEAD", 1))
# Whether the product page and the review pages are read at once, by two crawlers side by side
# (crawler.run_job). Each crawler has its own download slots, so this doubles the requests in
# flight to the shop: off for every real shop, whose stages run one after another.
REVIEWSEC_STAGES_AT_ONCE = False
DOWNLOAD_DELAY = _env_float("CRAWLER_DOWNLOAD_DELAY", 1.0)
AUTOTHROTTLE_ENABLED = _env_bool("CRAWLER_AUTOTHROTTLE", True)
AUTOTHROTTLE_START_DELAY = DOWNLOAD_DELAY
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Our own demo market (reviewsec.demo_market, on this app's server, fetched only at the hosts
# DEMO_MARKET_HOSTS names: crawler.hosts) owes no politeness delay and serves review pages several
# at a time; crawler.run_job puts these over the settings above for ``--marketplace demo`` only.
# Every real shop keeps the polite defaults whatever the marketplace argument, since the demo's
# base URL is refused anywhere but at those hosts.
REVIEWSEC_DEMO_MARKET_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "REVIEWSEC_REVIEW_PAGES_AHEAD": 8,
    "REVIEWSEC_STAGES_AT_ONCE": True,
}
DOWNLOAD_TIMEOUT = 30
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.8",
}

# --- Retries and back-off (https://docs.scrapy.org/en/latest/topics/downloader-middleware.html) --
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A robot check rarely clears within seconds: retry it once, then let the job retry later.
REVIEWSEC_ROBOT_CHECK_RETRIES = 1
REVIEWSEC_ROBOT_CHECK_RETRY_AFTER_S = 15 * 60
REVIEWSEC_UNAVAILABLE_RETRY_AFTER_S = 5 * 60
REVIEWSEC_BACKOFF_MAX_DELAY = 60.0

# --- Deployment: optional proxy and cookies (e.g. a signed-in session) --------------------------
REVIEWSEC_PROXY_URL = os.environ.get("CRAWLER_PROXY_URL", "")
# "name=value; name2=value2", as a browser's Cookie header shows them.
REVIEWSEC_COOKIES = os.environ.get("CRAWLER_COOKIES", "")

# --- ReviewSec outputs ----------------------------------------------------------------------------
REVIEWSEC_STORE_TO_DB = _env_bool("REVIEWSEC_STORE_TO_DB", False)
REVIEWSEC_OUTCOME_PATH = os.environ.get("REVIEWSEC_OUTCOME_PATH", "")
REVIEWSEC_PROGRESS_STDOUT = False  # crawler.run_job turns it on for its parent to read

# Shops are read over HTTP(S) only: no S3 or FTP handlers to load on every crawl.
DOWNLOAD_HANDLERS = {"s3": None, "ftp": None}
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.AllowListMiddleware": 60,
    "crawler.middlewares.DeploymentMiddleware": 90,
    "crawler.middlewares.RobotCheckMiddleware": 560,  # answers before RetryMiddleware (550)
    "crawler.middlewares.BackoffMiddleware": 570,
}
ITEM_PIPELINES = {
    "crawler.pipelines.DjangoStorePipeline": 300,  # NotConfigured unless REVIEWSEC_STORE_TO_DB
}
EXTENSIONS = {"crawler.extensions.OutcomeExtension": 500}
# No listening ports on a worker: neither the telnet console nor Scrapy's remote control.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("CRAWLER_LOG_LEVEL", "INFO")
LOG_FORMATTER = "crawler.logformatter.PagePerLineLogFormatter"
