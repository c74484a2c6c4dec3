"""How a crawl ended, in a form the parent process can turn into a job state a person reads.

A crawl child writes one :class:`CrawlOutcome` as JSON (``REVIEWSEC_OUTCOME_PATH``); the Celery
task reads it back with :meth:`CrawlOutcome.load`. ``status`` says what to do with the data,
``reason_code`` why, ``message`` is ready to show, ``retryable``/``retry_after_s`` say whether
and when trying again can help.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any


class Status:
    OK = "ok"  # everything that was asked for
    PARTIAL = "partial"  # usable data, but not all of it (sign-in wall, time limit, page limit)
    FAILED = "failed"  # nothing usable


class Reason:
    NONE = ""
    NO_REVIEWS = "no_reviews"
    SIGNIN_REQUIRED = "signin_required"
    ROBOT_CHECK = "robot_check"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"  # 5xx / 429 after retries
    NETWORK_ERROR = "network_error"  # timeouts, refused connections after retries
    ROBOTS_DISALLOWED = "robots_disallowed"
    OFFSITE_REDIRECT = "offsite_redirect"
    MAX_PAGES = "max_pages"
    CAUGHT_UP = "caught_up"  # an incremental crawl reached reviews it already had
    TIMEOUT = "timeout"
    PARSE_ERROR = "parse_error"
    STORE_ERROR = "store_error"  # the database refused items
    CRASHED = "crashed"
    NOT_SERVED = "not_served"  # a marketplace this deployment does not crawl (the demo, off)


RETRYABLE = frozenset(
    {
        Reason.ROBOT_CHECK,
        Reason.UNAVAILABLE,
        Reason.NETWORK_ERROR,
        Reason.TIMEOUT,
        Reason.STORE_ERROR,
        Reason.CRASHED,
    }
)


@dataclass
class CrawlOutcome:
    status: str
    reason_code: str = Reason.NONE
    message: str = ""
    pages: int = 0
    reviews: int = 0
    reviews_expected: int | None = None
    products: int = 0
    reviewers: int = 0
    retryable: bool = False
    retry_after_s: int | None = None
    stage: str = ""  # which spider decided the outcome: product, reviews, reviewer
    # Incremental: only reviews not stored before were read, so ``reviews`` counts the new ones.
    incremental: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == Status.OK

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlOutcome:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write atomically, so a reader never sees half a file."""
        target = Path(path)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(json.dumps(self.to_dict(), indent=2, default=str), encoding="utf-8")
        temporary.replace(target)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CrawlOutcome:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def status_for(reason_code: str, gathered: int) -> str:
    """OK when nothing went wrong; else PARTIAL if anything was gathered, FAILED if not."""
    if reason_code in {Reason.NONE, Reason.NO_REVIEWS, Reason.MAX_PAGES, Reason.CAUGHT_UP}:
        return Status.OK
    return Status.PARTIAL if gathered > 0 else Status.FAILED


def describe(reason_code: str, *, reviews: int = 0, retry_after_s: int | None = None) -> str:
    """The sentence a shopper sees for a reason code."""
    minutes = max(1, round((retry_after_s or 0) / 60))
    messages = {
        Reason.NONE: f"Collected {reviews} reviews.",
        Reason.NO_REVIEWS: "Amazon lists no written reviews for this product yet.",
        Reason.SIGNIN_REQUIRED: (
            f"Amazon requires sign-in to list all reviews: analysed the {reviews} reviews shown."
        ),
        Reason.ROBOT_CHECK: (
            f"Amazon showed a robot check; we will retry in {minutes} minutes."
            if retry_after_s
            else "Amazon showed a robot check."
        ),
        Reason.NOT_FOUND: "Amazon has no product page for this ASIN on this marketplace.",
        Reason.UNAVAILABLE: "Amazon did not answer properly (server busy); we will try again.",
        Reason.NETWORK_ERROR: "We could not reach Amazon; we will try again.",
        Reason.ROBOTS_DISALLOWED: "Amazon's robots.txt does not allow us to read these pages.",
        Reason.OFFSITE_REDIRECT: "Amazon sent us to a site outside its shops; we did not follow.",
        Reason.MAX_PAGES: f"Stopped at the page limit after {reviews} reviews.",
        Reason.CAUGHT_UP: (
            f"Found {reviews} new reviews since the last crawl."
            if reviews
            else "No new reviews since the last crawl."
        ),
        Reason.TIMEOUT: f"The crawl ran out of time after {reviews} reviews.",
        Reason.PARSE_ERROR: "Some pages could not be read; the results may be incomplete.",
        Reason.STORE_ERROR: "The crawled reviews could not be saved; we will try again.",
        Reason.CRASHED: "The crawler stopped unexpectedly; we will try again.",
        Reason.NOT_SERVED: "This marketplace is not served here; nothing was fetched.",
    }
    return messages.get(reason_code, reason_code)


_WAY_AROUND = (
    "You can still have it analysed: collect the reviews with the ReviewSec browser extension "
    "while you view the product, or upload a file of its reviews."
)


def describe_final(reason_code: str) -> str:
    """The sentence for a job whose retries are spent: what happened and what to do now, with
    no promise of another try (``describe`` words the attempts that will be retried)."""
    messages = {
        Reason.ROBOT_CHECK: f"Amazon showed a robot check on every try. {_WAY_AROUND}",
        Reason.SIGNIN_REQUIRED: f"Amazon asked for a signed-in customer. {_WAY_AROUND}",
        Reason.UNAVAILABLE: (
            "Amazon did not answer properly (server busy) on any of our tries. "
            "Use “Analyse again” in a few minutes, or upload a file of its reviews."
        ),
        Reason.NETWORK_ERROR: (
            "We could not reach Amazon on any of our tries. "
            "Use “Analyse again” in a few minutes, or upload a file of its reviews."
        ),
        Reason.STORE_ERROR: (
            "The crawled reviews could not be saved on any of our tries. "
            "Use “Analyse again” in a few minutes."
        ),
        Reason.CRASHED: (
            "The crawler stopped unexpectedly on every try. Use “Analyse again” in a few minutes."
        ),
    }
    return messages.get(reason_code) or describe(reason_code)
