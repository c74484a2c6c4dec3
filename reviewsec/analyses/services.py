"""Writes for the analysis flow (DESIGN §2): request an analysis, run a job, store a verdict."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import numpy as np
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

import detector  # lazy: its attributes load their modules when first used
from crawler.outcome import CrawlOutcome, Status, describe_final
from marketplaces import ProductRef, base_url_for, product_page_url
from reviewsec.analyses import hooks
from reviewsec.analyses.dispatch import crawl_job_dispatcher
from reviewsec.analyses.errors import CrawlFailed, RetryableCrawlError
from reviewsec.analyses.models import Analysis, CrawlJob, JobState, ReferenceModelVersion
from reviewsec.analyses.scheduling import product_schedule_next
from reviewsec.analyses.selectors import (
    analysis_is_fresh,
    analysis_latest,
    crawl_job_active,
    product_reviews_for_analysis,
    reference_model_version_active,
)
from reviewsec.catalog.marketplaces import (
    MarketplaceNotServed,
    demo_extra_hosts,
    marketplace_served_check,
    mirror_base_url,
)
from reviewsec.catalog.models import Product, Review

# Scrapy (crawler.runner) and scipy/numba (detector.reference, reviewer_fits' detector.reviewers)
# are imported where used: at module level they cost ~1.5 s CPU at every django.setup() (the
# apps' ready() import this module through moderation/submissions services) and most processes
# (manage.py, beat, a crawl child's setup) never crawl or analyse.
if TYPE_CHECKING:
    from crawler.runner import CrawlProgress
    from detector.reference import ReferenceModel

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisRequest:
    """What a shopper's request got: a fresh verdict at once, or a job to follow."""

    product: Product
    analysis: Analysis | None
    job: CrawlJob | None


def analysis_request(*, marketplace: str, asin: str, force: bool = False) -> AnalysisRequest:
    """Return the latest analysis when fresh, else create or join the product's one active job.

    Raises ``MarketplaceNotServed`` (an ``InvalidProductRef``) for a marketplace this deployment
    does not crawl, even when the product is stored (the demo since turned off, an upload)."""
    marketplace_served_check(marketplace)
    product, _ = Product.objects.get_or_create(marketplace=marketplace, asin=asin)
    now = timezone.now()
    # "Recently requested" is what the recrawl policy looks at first.
    Product.objects.filter(id=product.id).update(last_requested_at=now)
    product.last_requested_at = now
    latest = analysis_latest(product=product)
    if latest is not None and not force and analysis_is_fresh(analysis=latest):
        return AnalysisRequest(product=product, analysis=latest, job=None)
    job, created = crawl_job_get_or_create(product=product)
    if created:
        crawl_job_dispatcher.enqueue(job.id)
    return AnalysisRequest(product=product, analysis=None, job=job)


def crawl_job_get_or_create(*, product: Product) -> tuple[CrawlJob, bool]:
    job = crawl_job_active(product=product)
    if job is not None and orphaned_in_process(job):
        crawl_job_fail(job_id=job.id, message=ORPHANED_MESSAGE, code="stuck")
        job = None
    if job is not None:
        return job, False
    try:
        with transaction.atomic():
            return CrawlJob.objects.create(product=product, state=JobState.QUEUED), True
    except IntegrityError:
        # Race: another request inserted the product's active job between our read and our
        # insert; the partial unique index refused ours, so join theirs.
        job = crawl_job_active(product=product)
        if job is None:  # it finished in between: nothing to join, so try once more
            return CrawlJob.objects.create(product=product, state=JobState.QUEUED), True
        return job, False


def crawl_job_claim(
    *, job_id: int, worker: str = "", task_id: str | None = None
) -> CrawlJob | None:
    """Mark a queued job running, or take over a running one whose worker died (acks_late).

    ``worker`` (the Celery node name) is recorded so housekeeping can tell a job whose worker
    stopped beating. Returns None when the job is already finished (a duplicate delivery has
    nothing to do) or when ``task_id`` is not the message the row names: housekeeping re-sent
    the job under a new id, and this superseded message must not run it a second time.
    """
    now = timezone.now()
    jobs = CrawlJob.objects.filter(id=job_id)
    if task_id:
        jobs = jobs.filter(Q(celery_task_id="") | Q(celery_task_id=task_id))
    updated = jobs.filter(state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        started_at=now,
        attempts=F("attempts") + 1,
        stage="starting",
        worker=worker,
        updated_at=now,
    )
    if not updated:
        updated = jobs.filter(state=JobState.RUNNING).update(
            attempts=F("attempts") + 1, stage="restarting", worker=worker, updated_at=now
        )
    if not updated:
        return None
    return CrawlJob.objects.select_related("product").get(id=job_id)


def crawl_job_progress(*, job_id: int, **counters: Any) -> None:
    """Record progress (stage, pages_fetched, reviews_fetched, reviews_expected) on the row."""
    allowed = {"stage", "pages_fetched", "reviews_fetched", "reviews_expected"}
    fields = {key: value for key, value in counters.items() if key in allowed}
    if fields:
        # ``update`` skips auto_now: set it, since housekeeping reads it as "a worker is on it".
        CrawlJob.objects.filter(id=job_id, state=JobState.RUNNING).update(
            **fields, updated_at=timezone.now()
        )


def crawl_job_finish(*, job_id: int) -> None:
    now = timezone.now()
    CrawlJob.objects.filter(id=job_id).update(
        state=JobState.DONE, stage="done", finished_at=now, updated_at=now, error="", error_code=""
    )
    _schedule_after(job_id)


def crawl_job_fail(*, job_id: int, message: str, code: str = "error") -> None:
    """Mark a job failed with a reason a shopper can read; the catalogue rows stay as they are."""
    now = timezone.now()
    CrawlJob.objects.filter(id=job_id).exclude(state=JobState.DONE).update(
        state=JobState.FAILED,
        finished_at=now,
        updated_at=now,
        error=message[:2000],
        error_code=code[:32],
    )
    _schedule_after(job_id)


def _schedule_after(job_id: int) -> None:
    """Whatever the outcome, the recrawl policy decides when the product is fetched next."""
    product = Product.objects.filter(crawl_jobs__id=job_id).first()
    if product is not None and product.last_crawled_at is not None:
        product_schedule_next(product=product)


ORPHANED_MESSAGE = "The analysis was interrupted when the server restarted; please start it again."


def orphaned_in_process(job: CrawlJob) -> bool:
    """In-process mode only: an active job no thread of this server runs and nobody touched for
    a minute was left behind by a restart (threads die with the process), so nobody will finish
    it. With a broker, housekeeping finds stuck jobs instead."""
    return crawl_job_dispatcher.orphaned(job.id, updated_at=job.updated_at)


def reference_model_active() -> tuple[ReferenceModelVersion, ReferenceModel]:
    """The active reference model (CvT line + ERO calibration), seeding the packaged default if
    none is stored: its row, and the model parsed."""
    row = reference_model_version_active()
    if row is None:
        packaged = detector.default_reference_model()
        stored = packaged.to_dict()
        try:
            with transaction.atomic():
                row, _ = ReferenceModelVersion.objects.get_or_create(
                    version=f"packaged-{detector.DETECTOR_VERSION}-{stored.get('version', '1')}",
                    defaults={
                        "model": stored,
                        "reference_products": packaged.reference_products,
                        "is_active": True,
                    },
                )
        except IntegrityError:  # another process seeded it at the same moment
            row = reference_model_version_active()
        assert row is not None
    return row, reference_model_load(row_id=row.id, created_at=row.created_at)


def reference_model_load(*, row_id: int, created_at: dt.datetime) -> ReferenceModel:
    """A stored version's ``ReferenceModel``, parsed once per process (the JSON is large).

    Rows are never edited, only replaced, so the parse can be kept. It is keyed by id *and*
    creation time: ids come back after a rollback or a restore (see ``VerdictVersion``), while
    the process would still remember the old row under the bare id.
    """
    return _reference_model(row_id, created_at)


@functools.lru_cache(maxsize=4)
def _reference_model(row_id: int, created_at: dt.datetime) -> ReferenceModel:
    from detector.reference import ReferenceModel

    return ReferenceModel.from_dict(ReferenceModelVersion.objects.get(id=row_id).model)


def analysis_create(
    *,
    product: Product,
    job: CrawlJob | None = None,
    collection: dict[str, Any] | None = None,
    preliminary: bool = False,
) -> Analysis:
    """Run the detector over the product's stored reviews and store the verdict.

    A ``preliminary`` verdict is made before the reviewers' profiles are read; it says so in
    ``collection.preliminary`` and opens no moderation case (the refined verdict will)."""
    reviews = product_reviews_for_analysis(product=product)
    model_row, model = reference_model_active()
    reviewer_fit, reviewer_scores = _reviewer_scores(product, len(reviews["rating"]))
    groups, reviewer_scores = _reviewer_groups(product, reviewer_scores)
    verdict = detector.analyze(reviews, reference=model, reviewer_scores=reviewer_scores).to_dict()
    if groups is not None and isinstance(verdict.get("reviewers"), dict):
        verdict["reviewers"]["groups"] = groups  # aggregates only (reviewsec.groups.selectors)
    verdict["collection"] = {
        "reviews_analyzed": verdict.get("reviews_analyzed", 0),
        "shop_rating_count": product.shop_rating_count,
        "sources": _review_sources(product),
        **(collection or {}),
        "preliminary": preliminary,
    }
    analysis = Analysis.objects.create(
        product=product,
        crawl_job=job,
        reference_model=model_row,
        detector_version=verdict["detector_version"],
        parameters={"threshold_model": model_row.version, "reviewer_fit": reviewer_fit},
        verdict=verdict,
        category=verdict["verdict"]["category"],
        reviews_analyzed=verdict.get("reviews_analyzed", 0),
        pci=(verdict.get("consistency") or {}).get("pci"),
        ero_satisfaction=(verdict.get("ero") or {}).get("satisfaction"),
    )
    if not preliminary:
        hooks.verdict_stored(analysis=analysis)
    return analysis


def _reviewer_scores(product: Product, n: int) -> tuple[str | None, dict[str, Any] | None]:
    """The newest reviewer scores of the product's reviews: the product's new reviews are
    folded into the active graph fit first (``reviewer_fits``; a cheap, local update)."""
    from reviewsec.analyses.reviewer_fits import product_reviewer_scores, reviewer_scores_refresh

    try:
        reviewer_scores_refresh(product=product)
        found = product_reviewer_scores(product=product, expected=n)
    except Exception:  # a verdict without graph scores beats no verdict: log and go on
        logger.exception("reviewer scores of %s unavailable; analysed without them", product)
        return None, None
    return (None, None) if found is None else (found[0].version, found[1])


def _reviewer_groups(
    product: Product, scores: dict[str, Any] | None
) -> tuple[dict[str, object] | None, dict[str, Any] | None]:
    """The group layer's facts for the verdict, and the scores with ``group_member`` per review
    (arrival order, as ``product_reviews_for_analysis``) when a group covers some reviews."""
    try:
        facts, inside = hooks.product_groups(product=product)
    except Exception:  # a verdict without group facts beats no verdict: log and go on
        logger.exception("reviewer groups of %s unavailable; analysed without them", product)
        return None, scores
    if scores is None or not inside:
        return facts, scores
    order = Review.objects.filter(product=product).order_by("posted_date", "posted_at", "id")
    ids = np.fromiter(order.values_list("id", flat=True), dtype=np.int64)
    return facts, {**scores, "group_member": np.isin(ids, np.fromiter(inside, dtype=np.int64))}


def _review_sources(product: Product) -> dict[str, int]:
    rows = product.reviews.values("source").annotate(n=Count("id")).order_by("source")
    return {row["source"]: row["n"] for row in rows}


def crawl_job_run(
    *, job_id: int, attempt: int = 0, worker: str = "", task_id: str | None = None
) -> None:
    """Crawl the product in a child process, analyse what was stored, finish the job.

    Raises ``RetryableCrawlError`` when waiting can help (the task retries with back-off) and
    ``CrawlFailed`` when it cannot; the task's failure handler then marks the job failed.
    """
    job = crawl_job_claim(job_id=job_id, worker=worker, task_id=task_id)
    if job is None:
        logger.info("crawl job %s finished or re-sent; duplicate delivery ignored", job_id)
        return
    product = job.product
    try:
        marketplace_served_check(product.marketplace)  # queued before the demo was turned off
    except MarketplaceNotServed as refused:
        raise CrawlFailed(str(refused), code="not_served") from refused
    outcome = crawl_product(job=job, on_reviews_stored=lambda: _preliminary_verdict(job))
    if outcome.status == Status.FAILED:
        if outcome.retryable:
            CrawlJob.objects.filter(id=job.id).update(
                error=outcome.message,
                error_code=outcome.reason_code,
                stage="waiting_to_retry",
                updated_at=timezone.now(),
            )
            raise RetryableCrawlError(outcome.message, code=outcome.reason_code)
        raise CrawlFailed(outcome.message, code=outcome.reason_code)
    Product.objects.filter(id=product.id).update(last_crawled_at=timezone.now())
    product.refresh_from_db()
    crawl_job_progress(job_id=job.id, stage="analysing")
    note = outcome.message if outcome.status == Status.PARTIAL else ""
    analysis_create(
        product=product,
        job=job,
        collection={
            "crawl_status": outcome.status,
            "crawl_reason": outcome.reason_code,
            "incremental": job.incremental,
            "note": note,
            "shop_url": _shop_url(product),
        },
    )
    crawl_job_finish(job_id=job.id)


def _preliminary_verdict(job: CrawlJob) -> None:
    """Every review is stored, the reviewers' profiles are still being read: publish a first
    verdict now (issue 18: they took 40% of paste → verdict); the job's end refines it. A
    failure here only loses the early verdict, never the job."""
    try:
        product = Product.objects.get(id=job.product_id)
        analysis_create(product=product, job=job, preliminary=True)
    except Exception:
        logger.exception(
            "preliminary verdict of crawl job %s failed; the final one follows", job.id
        )


def crawl_product(
    *, job: CrawlJob, on_reviews_stored: Callable[[], None] | None = None
) -> CrawlOutcome:
    """Run the spiders for the job's product in a fresh child process, storing what they find.

    An incremental job reads the reviews newest first and stops at the first page that reaches
    one already stored; for a product with no stored reviews it is a full crawl.
    ``on_reviews_stored`` is called once, in this thread, when the reviews are all stored and
    the reviewers' profiles are about to be read (the crawl goes on meanwhile).
    """
    product = job.product
    known_reviews = None
    if job.incremental:
        known_reviews = set(product.reviews.values_list("review_id", flat=True)) or None

    reviews_reported = False
    written = _ProgressWriter(job.id)

    def report(progress: CrawlProgress) -> None:
        nonlocal reviews_reported
        if progress.reviews_stored and not reviews_reported:
            reviews_reported = True
            if on_reviews_stored is not None and progress.reviews_stored != Status.FAILED:
                on_reviews_stored()
            return
        written.update(progress)

    from crawler.runner import run_crawl

    with tempfile.TemporaryDirectory(prefix=f"crawl-job-{job.id}-") as scratch:
        outcome = run_crawl(
            ProductRef(product.marketplace, product.asin),
            base_url=mirror_base_url(product.marketplace),
            store=True,
            outcome_path=Path(scratch) / "outcome.json",
            timeout_s=settings.CRAWL_TIMEOUT_SECONDS,
            max_pages=settings.CRAWL_MAX_REVIEW_PAGES,
            known_reviews=known_reviews,
            progress_callback=report,
            env=_crawl_environment(),
            warm=settings.CRAWL_WARM_CHILD,
        )
    written.flush()
    return outcome


class _ProgressWriter:
    """Writes a crawl's progress to its job row: at each new stage, else at most every
    ``PROGRESS_WRITE_EVERY_S``, and what is left at the end (``flush``).

    The child reports every page, dozens a second from a fast shop, and the progress page polls
    a few times a second: a row update per page only adds writes beside the crawl's own (on
    SQLite they queue for one lock) and work for the thread that relays them."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.pending: CrawlProgress | None = None
        self.stage = ""
        self.written_at = 0.0

    def update(self, progress: CrawlProgress) -> None:
        self.pending = progress
        if progress.stage != self.stage or time.monotonic() - self.written_at >= (
            PROGRESS_WRITE_EVERY_S
        ):
            self.flush()

    def flush(self) -> None:
        progress, self.pending = self.pending, None
        if progress is None:
            return
        crawl_job_progress(
            job_id=self.job_id,
            stage=progress.stage,
            pages_fetched=progress.pages_fetched,
            reviews_fetched=progress.reviews_fetched,
            reviews_expected=progress.reviews_expected,
        )
        self.stage, self.written_at = progress.stage, time.monotonic()


PROGRESS_WRITE_EVERY_S = 0.3


def crawler_warm_up() -> None:
    """Leave a warm crawler child waiting for this process's first crawl (``run_crawl``'s
    spares), where crawls run in this process and spares are on: the embedded server, from its
    first request, so that the first paste does not wait for Scrapy and Django to load."""
    crawls_run_here = settings.CELERY_TASK_ALWAYS_EAGER  # no broker, no worker
    if settings.CRAWL_WARM_CHILD and crawls_run_here:
        from crawler.runner import spares

        spares.prepare(_crawl_environment())


def _crawl_environment() -> dict[str, str]:
    """What the crawl child needs beyond our environment: the same database, the demo's host.
    The same for every marketplace, so that one spare child serves any crawl (the demo market's
    own crawl settings are the child's to apply: ``crawler.settings``)."""
    return {
        # The child writes to the database this process uses (the test database in tests).
        "DATABASE_URL": child_database_url(),
        "DEMO_MARKET": "1" if settings.DEMO_MARKET else "0",
        "DEMO_MARKET_HOSTS": ",".join(demo_extra_hosts()),
    }


def readable_failure(error: BaseException) -> str:
    """The message a shopper sees for a job that could not finish."""
    if isinstance(error, RetryableCrawlError):
        # Retries are spent: say what happened and what to do, without promising another try.
        reason = describe_final(error.code)
        return str(error) if reason == error.code else reason  # a code without a sentence
    if isinstance(error, CrawlFailed):
        return str(error)
    if isinstance(error, SoftTimeLimitExceeded):
        return "The analysis took longer than allowed and was stopped; please try again later."
    logger.error("crawl job failed unexpectedly", exc_info=error)
    return "Something went wrong on our side while analysing this product; please try again."


def child_database_url() -> str:
    """The database this process is really using (the test database under pytest), as a URL."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'])}"


def _shop_url(product: Product) -> str:
    return product_page_url(
        base_url_for(product.marketplace, mirror_base_url(product.marketplace)), product.asin
    )
