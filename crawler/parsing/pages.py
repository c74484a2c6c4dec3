"""What kind of page came back: the one asked for, or one of Amazon's ways of saying no.

Amazon answers a crawler with a robot check (a captcha form, often with HTTP 503), a sign-in
wall (a redirect to ``/ap/signin``: since late 2024 review lists past the first page need an
account), or its "dogs of Amazon" 404 page. Each needs a different job state, so the spiders ask
:func:`classify_page` before parsing anything.
"""

from __future__ import annotations

import enum
import re
from urllib.parse import urlsplit

from parsel import Selector

from crawler.parsing.spec import selector, spec


class PageKind(enum.StrEnum):
    OK = "ok"
    ROBOT_CHECK = "robot_check"
    SIGNIN = "signin_required"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"  # 5xx or 429 that retries did not cure


# Shared with the browser extension (review_spec.json): the collector stops at these pages too.
_CAPTCHA_SELECTORS = selector("robot_check")
_CAPTCHA_TEXT = re.compile(
    r"Enter the characters you see below|Type the characters you see in this image|"
    r"To discuss automated access to Amazon data|Geben Sie die Zeichen unten ein|"
    r"Saisissez les caractères que vous voyez|Inserisci i caratteri visualizzati|"
    r"Introduce los caracteres que ves|api-services-support@amazon\.com",
    re.IGNORECASE,
)
_SIGNIN_SELECTORS = selector("signin_wall")
_SIGNIN_PATH = spec()["patterns"]["signin_path"]
_NOT_FOUND_SELECTORS = (
    'img[alt*="Sorry! We couldn"]',
    'a[href*="/ref=cs_404_link"]',
    "[data-hook=page-not-found]",
)
_NOT_FOUND_TITLE = re.compile(r"Page Not Found|Seite nicht gefunden|Page introuvable", re.I)


def classify_page(status: int, url: str, page: Selector) -> PageKind:
    """The kind of a fetched page, from its HTTP status, final URL and markup."""
    if is_robot_check(page):
        return PageKind.ROBOT_CHECK
    if is_signin_wall(url, page):
        return PageKind.SIGNIN
    if status in {404, 410} or is_not_found(page):
        return PageKind.NOT_FOUND
    if status == 429 or status >= 500:
        return PageKind.UNAVAILABLE
    return PageKind.OK


def is_robot_check(page: Selector) -> bool:
    if bool(page.css(_CAPTCHA_SELECTORS)):
        return True
    title = page.css("title::text").get() or ""
    if "Robot Check" in title:
        return True
    # The captcha page is tiny; scanning a whole product page's text would be slow and risky.
    body_text = " ".join(page.css("body ::text").getall()[:200])
    return bool(_CAPTCHA_TEXT.search(body_text)) and not page.css("[data-hook=review]")


def is_signin_wall(url: str, page: Selector) -> bool:
    if _SIGNIN_PATH in urlsplit(url).path:
        return True
    return bool(page.css(_SIGNIN_SELECTORS))


def is_not_found(page: Selector) -> bool:
    if any(page.css(selector) for selector in _NOT_FOUND_SELECTORS):
        return True
    return bool(_NOT_FOUND_TITLE.search(page.css("title::text").get() or ""))
