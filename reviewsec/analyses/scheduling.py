"""The recrawl policy: which products are fetched again, how often, and how the load is spread.

A product earns a short interval by being *interesting* and a long one by being quiet:

* asked for recently (page, API, extension) — shoppers are looking at it now;
* open in the review queue — a moderator is waiting for fresh evidence;
* its verdict changed lately — each category change among the last few analyses halves the
  interval;
* none of these — it drifts out to the quiet interval (a month by default).

Each product's next crawl is ``now + interval``, shifted by a per-product offset of up to a
tenth of the interval (a hash of its id, so it is stable and needs no random state), so products
crawled together do not all fall due together. ``recrawl_due_enqueue`` (run by beat every few
minutes) then takes at most ``RECRAWL_BATCH_SIZE`` due products, most overdue first, and
staggers their tasks over the period until its next run: a catalogue of any size becomes a steady
trickle of jobs, never a flood of the queue or of the shop.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from reviewsec.analyses import hooks
from reviewsec.analyses.dispatch import crawl_job_dispatcher
from reviewsec.analyses.models import ACTIVE_JOB_STATES, CrawlJob, JobState, JobTrigger
from reviewsec.catalog.marketplaces import served_marketplaces
from reviewsec.catalog.models import Product
from reviewsec.lib.dispatch import JobNotSent

logger = logging.getLogger(__name__)

# Analyses looked at for "the verdict changed lately".
VOLATILITY_WINDOW = 6


@dataclass(frozen=True)
class RecrawlPolicy:
    """Intervals of the policy; read from settings (``RECRAWL_*``) by ``from_settings``."""

    hot: dt.timedelta = dt.timedelta(days=1)  # requested lately or in the review queue
    base: dt.timedelta = dt.timedelta(days=7)  # crawled before, nothing special
    quiet: dt.timedelta = dt.timedelta(days=30)  # nobody asked for a long time
    minimum: dt.timedelta = dt.timedelta(hours=12)  # never more often than this
    requested_window: dt.timedelta = dt.timedelta(days=7)  # "recently requested"
    quiet_after: dt.timedelta = dt.timedelta(days=60)  # no request for this long: quiet

    @classmethod
    def from_settings(cls) -> RecrawlPolicy:
        hours = settings.RECRAWL_INTERVAL_HOURS
        return cls(
            hot=dt.timedelta(hours=hours["hot"]),
            base=dt.timedelta(hours=hours["base"]),
            quiet=dt.timedelta(hours=hours["quiet"]),
            minimum=dt.timedelta(hours=hours["minimum"]),
        )


@dataclass(frozen=True)
class ProductSignals:
    """What the policy knows about a product; ``product_signals`` reads it from the database."""

    last_requested_at: dt.datetime | None
    in_review_queue: bool
    verdict_changes: int  # category changes among the last ``VOLATILITY_WINDOW`` analyses


def recrawl_interval(
    signals: ProductSignals, *, now: dt.datetime, policy: RecrawlPolicy | None = None
) -> dt.timedelta:
    """How long until the product should be crawled again (see the module doc)."""
    policy = policy or RecrawlPolicy()
    requested = signals.last_requested_at
    if signals.in_review_queue or (requested and now - requested <= policy.requested_window):
        interval = policy.hot
    elif requested is None or now - requested > policy.quiet_after:
        interval = policy.quiet
    else:
        interval = policy.base
    interval = interval / (2 ** min(signals.verdict_changes, 10))
    return max(interval, policy.minimum)


def spread_offset(product_id: int, interval: dt.timedelta) -> dt.timedelta:
    """A stable per-product shift in [0, interval/10): products fall due spread out, not at once."""
    digest = hashlib.blake2b(str(product_id).encode(), digest_size=4).digest()
    fraction = int.from_bytes(digest, "big") / 2**32
    return interval * (fraction / 10)


def product_signals(product: Product) -> ProductSignals:
    categories = list(
        product.analyses.order_by("-created_at", "-id").values_list("category", flat=True)[
            :VOLATILITY_WINDOW
        ]
    )
    changes = sum(1 for newer, older in itertools.pairwise(categories) if newer != older)
    in_queue = hooks.product_in_review_queue(product=product)
    return ProductSignals(product.last_requested_at, in_queue, changes)


def product_schedule_next(*, product: Product, now: dt.datetime | None = None) -> dt.datetime:
    """Set and return the product's next crawl time from its signals (after every job)."""
    now = now or timezone.now()
    policy = RecrawlPolicy.from_settings()
    interval = recrawl_interval(product_signals(product), now=now, policy=policy)
    next_crawl_at = now + interval + spread_offset(product.id, interval)
    Product.objects.filter(id=product.id).update(next_crawl_at=next_crawl_at)
    product.next_crawl_at = next_crawl_at
    return next_crawl_at


@dataclass(frozen=True)
class RecrawlBatch:
    """What one run of ``recrawl_due_enqueue`` did."""

    due: int  # products due, before the batch limit
    enqueued: list[int]  # job ids, in the order they will start
    spacing_s: float  # seconds between two jobs of the batch


def recrawl_due_enqueue(
    *, now: dt.datetime | None = None, batch_size: int | None = None, period_s: float | None = None
) -> RecrawlBatch:
    """Create incremental recrawl jobs for the most overdue products, staggered over ``period_s``.

    Only products crawled before are eligible (a recrawl refreshes what a shopper asked for; it
    never discovers products). A product with a job already queued or running is skipped.
    """
    now = now or timezone.now()
    batch_size = settings.RECRAWL_BATCH_SIZE if batch_size is None else batch_size
    period_s = settings.RECRAWL_PERIOD_SECONDS if period_s is None else period_s
    due = (
        Product.objects.filter(next_crawl_at__lte=now, last_crawled_at__isnull=False)
        .filter(marketplace__in=served_marketplaces())  # never the demo once it is off
        .exclude(crawl_jobs__state__in=ACTIVE_JOB_STATES)
        .order_by("next_crawl_at", "id")
    )
    due_count = due.count()
    spacing = period_s / max(batch_size, 1)
    enqueued: list[int] = []
    for product in due[:batch_size]:
        job = _recrawl_job_create(product)
        if job is None:
            continue
        countdown = spacing * len(enqueued)
        try:
            crawl_job_dispatcher.enqueue(job.id, countdown=countdown)
        except JobNotSent:  # the job was rolled back; the products stay due for the next run
            logger.warning("recrawl: broker unavailable, batch stopped after %d", len(enqueued))
            break
        enqueued.append(job.id)
    if due_count:
        logger.info(
            "recrawl: %d products due, %d jobs enqueued %.0f s apart",
            due_count,
            len(enqueued),
            spacing,
        )
    return RecrawlBatch(due=due_count, enqueued=enqueued, spacing_s=spacing)


def _recrawl_job_create(product: Product) -> CrawlJob | None:
    """A scheduled job for ``product``; None when a request beat us to it."""
    try:
        with transaction.atomic():
            return CrawlJob.objects.create(
                product=product,
                state=JobState.QUEUED,
                trigger=JobTrigger.SCHEDULE,
                incremental=incremental_is_safe(product),
            )
    except IntegrityError:  # a shopper's request created the product's active job meanwhile
        return None


def incremental_is_safe(product: Product) -> bool:
    """Whether an incremental crawl will leave no hole in the product's stored reviews.

    An incremental crawl stops at the first page holding a known review, so it can only fill
    the gap above the newest stored review. If the last incremental crawl stopped *before*
    reaching known reviews (time limit, robot check, failure), a gap sits between what it got
    and what was stored before, and no later incremental crawl would ever reach it: the next
    crawl is a full one. A failed full crawl likewise leaves no complete base to build on.
    """
    last = product.crawl_jobs.exclude(state__in=ACTIVE_JOB_STATES).order_by("-created_at").first()
    if last is None:
        return False
    if last.state != JobState.DONE:
        return False
    if not last.incremental:
        return True
    reason = (
        last.analyses.order_by("-created_at")
        .values_list("verdict__collection__crawl_reason", flat=True)
        .first()
    )
    return reason == "caught_up"


def products_never_scheduled() -> int:
    """Give crawled products without a next crawl time one (e.g. rows from before the policy)."""
    missing = Product.objects.filter(Q(next_crawl_at__isnull=True), last_crawled_at__isnull=False)
    count = 0
    for product in missing.iterator():
        product_schedule_next(product=product)
        count += 1
    return count
