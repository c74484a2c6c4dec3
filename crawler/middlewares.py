"""Downloader middlewares: where requests may go, and how to slow down when Amazon pushes back.

* :class:`AllowListMiddleware` drops every request, redirects included (a redirect comes back
  through ``process_request`` as a new request), whose host is off the marketplace allow-list.
* :class:`DeploymentMiddleware` adds the optional proxy and cookies of a deployment.
* :class:`RobotCheckMiddleware` recognises captcha pages, slows down and retries them a little.
* :class:`BackoffMiddleware` slows the site's download slot down on 429/503, honouring
  ``Retry-After``; Scrapy's RetryMiddleware then retries at the slower pace.
"""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING

from parsel import Selector
from scrapy import Request
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

from crawler.parsing.pages import is_robot_check
from marketplaces import NO_EXTRA_HOSTS, is_allowed_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class OffsiteRequest(IgnoreRequest):
    """A request (usually a redirect) to a host off the allow-list; never sent."""


class _CrawlerMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)


class AllowListMiddleware(_CrawlerMiddleware):
    def process_request(self, request: Request) -> None:
        extra_hosts = getattr(self.crawler.spider, "extra_hosts", NO_EXTRA_HOSTS)
        if is_allowed_url(request.url, extra_hosts):
            return
        self.crawler.stats.inc_value("reviewsec/offsite_dropped")
        logger.warning("Dropped a request off the allow-list: %s", request.url)
        raise OffsiteRequest(f"{request.url} is not on the marketplace allow-list")


class DeploymentMiddleware(_CrawlerMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.proxy = crawler.settings.get("REVIEWSEC_PROXY_URL", "")
        cookie = SimpleCookie()
        cookie.load(crawler.settings.get("REVIEWSEC_COOKIES", ""))
        self.cookies = {name: morsel.value for name, morsel in cookie.items()}

    def process_request(self, request: Request) -> None:
        if self.proxy and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
        if self.cookies and not request.cookies:
            request.cookies = dict(self.cookies)


def slow_down(crawler: Crawler, request: Request, at_least: float = 0.0) -> float:
    """Double the delay of the request's download slot (at least ``at_least`` seconds)."""
    downloader = crawler.engine.downloader
    slot = downloader.slots.get(downloader.get_slot_key(request))
    if slot is None:
        return 0.0
    ceiling = crawler.settings.getfloat("REVIEWSEC_BACKOFF_MAX_DELAY", 60.0)
    slot.delay = min(ceiling, max(slot.delay * 2, 1.0, at_least))
    crawler.stats.set_value("reviewsec/backoff_delay_s", slot.delay)
    return slot.delay


class _GiveUpAsWarning(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Scrapy logs a retry it gives up on at ERROR; a robot check is an expected shop answer."""

    def error(self, msg: object, *args: object, **kwargs: object) -> None:
        kwargs.pop("exc_info", None)
        self.warning(msg, *args, **kwargs)  # type: ignore[arg-type]


_EXPECTED_ANSWER_LOGGER = _GiveUpAsWarning(logger, {})

# Captcha pages are a few kilobytes; looking into every 300 kB review page here would parse each
# page twice. The spiders classify every page anyway, so a large captcha is still recognised.
_ROBOT_CHECK_MAX_BYTES = 60_000


class RobotCheckMiddleware(_CrawlerMiddleware):
    def process_response(self, request: Request, response: Response) -> Request | Response:
        if not self._looks_like_robot_check(response):
            return response
        self.crawler.stats.inc_value("reviewsec/robot_checks")
        delay = slow_down(self.crawler, request)
        logger.warning("Robot check at %s; download delay now %.1fs", response.url, delay)
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason="robot_check",
            max_retry_times=self.crawler.settings.getint("REVIEWSEC_ROBOT_CHECK_RETRIES", 1),
            logger=_EXPECTED_ANSWER_LOGGER,
        )
        if retry is not None:
            return retry
        request.meta["dont_retry"] = True  # the spider reports it; RetryMiddleware must not
        return response

    @staticmethod
    def _looks_like_robot_check(response: Response) -> bool:
        if not isinstance(response, TextResponse) or len(response.body) > _ROBOT_CHECK_MAX_BYTES:
            return False
        return is_robot_check(Selector(text=response.text))


class BackoffMiddleware(_CrawlerMiddleware):
    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in {429, 503}:
            delay = slow_down(self.crawler, request, at_least=_retry_after(response))
            logger.info("HTTP %s from %s; delay now %.1fs", response.status, response.url, delay)
        return response


def _retry_after(response: Response) -> float:
    """Seconds from a ``Retry-After`` header given in seconds (dates are ignored)."""
    value = (response.headers.get(b"Retry-After") or b"").decode("latin-1").strip()
    return float(value) if value.isdigit() else 0.0
