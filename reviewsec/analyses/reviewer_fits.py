"""Writes for the reviewer layer (DESIGN §4): the database-wide graph fit and its online updates.

**The fit** (``reviewer_graph_fit``, nightly beat row): every stored rating as one review graph
(``reviewer_graph.stored_review_graph``), ``detector.reviewers.reviewer_scores`` over it, the
scores stored per reviewer in batches, and the fit activated only when it is sane (enough ratings,
finite scores, a converged reliability fit, a base suspect share below ½). Otherwise the active fit
stays and the reason is stored on the row.

**Online updates** (``reviewer_scores_refresh``, before every analysis, so after every crawl,
submission or upload): the reviews of the product that arrived after the active fit read the
tables are folded in with ``detector.reviewers.reliability_update`` on the *block* they touch —
their reviewers R and every product those reviewers rated — with every other reliability held at
its stored value. Only that block is read from the database (all ratings of the block's products),
so the cost is linear in the ratings of the products R rated, not in the database; on the demo
data a crawl's update takes milliseconds. The block's reviewers are then re-scored with the
fit's own suspicion mixture (its stored tables: the E step of ``detector.reviewers.mixture`` with
the M step held), and their rows in the active fit are rewritten (``updated_online_at``). The
update is idempotent: run again, it re-solves the same block from the same rows. The small drift
it leaves (other reviewers' suspicion and the percentiles are not re-fitted) goes at the next fit.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from detector import DETECTOR_VERSION
from detector.reviewers import (
    ReliabilityFit,
    ReliabilityPrior,
    ReviewerScores,
    reliability_update,
    reviewer_features,
    reviewer_scores,
    suspicion_weight,
)
from detector.reviewers.mixture import MixtureFit, feature_bins, mixture_posterior
from reviewsec.analyses.reviewer_graph import StoredGraph, stored_review_graph
from reviewsec.analyses.reviewer_models import FitStatus, ReviewerGraphFit, ReviewerScore
from reviewsec.catalog.models import Product, Review, ReviewerHistory

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

BATCH_SIZE = 5_000
KEEP_FITS_WITH_SCORES = 2  # the active fit and the one before it keep their score rows
SCORE_FIELDS = ("reviews", "alpha", "reliability", "confidence", "suspicion", "updated_online_at")


@dataclass(frozen=True)
class FitOutcome:
    fit: ReviewerGraphFit
    activated: bool
    reason: str


def reviewer_graph_fit(*, min_reviews: int | None = None) -> FitOutcome:
    """Fit the whole database's review graph, store the scores, activate the fit if sane."""
    min_reviews = settings.REVIEWER_FIT_MIN_REVIEWS if min_reviews is None else min_reviews
    started = time.perf_counter()
    row = ReviewerGraphFit.objects.create(
        version=f"reviewers-{timezone.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}",
        detector_version=DETECTOR_VERSION,
    )
    stored = stored_review_graph()
    graph = stored.graph
    row.reviews, row.reviewers, row.products = graph.n_reviews, graph.n_reviewers, graph.n_products
    row.last_review_id, row.last_history_id = stored.last_review_id, stored.last_history_id
    if graph.n_reviews < min_reviews:
        return _finish(row, started, f"only {graph.n_reviews} ratings; a fit needs {min_reviews}")
    scores = reviewer_scores(graph)
    row.base_suspect_share = served_suspect_share(scores, graph.reviewer)
    row.parameters = _parameters(scores, has_dates=bool(np.ptp(graph.timestamp_ms) > 0))
    problem = fit_problem(scores, row.base_suspect_share)
    if problem:
        return _finish(row, started, problem)
    _scores_store(row, stored, scores)
    return _finish(row, started, "")


def served_suspect_share(scores: ReviewerScores, reviewer_of_review: IntArray) -> float:
    """The graph's share of suspect reviews (weight < ½) on the scale verdicts are given.

    ``product_reviewer_scores`` serves each review its reviewer's stored suspicion (the database
    keeps one score per reviewer), not the fit's per-review value (which adds the campaign prior
    of the review's own cell), so the baseline that ``adjusted_rating`` compares a product's
    share against is taken from the same per-reviewer values: comparing a product's
    reviewer-level share with a review-level base would discount products against the wrong
    yardstick."""
    served = scores.reviewer_suspicion[reviewer_of_review]
    return float((suspicion_weight(served) < 0.5).mean())


def fit_problem(scores: ReviewerScores, base_suspect_share: float) -> str:
    """Why a fit must not be used, or "" when it is sane."""
    fit = scores.reliability
    if not fit.converged:
        return f"the reliability fit did not converge in {fit.sweeps} sweeps"
    arrays = {"alpha": fit.alpha, "suspicion": scores.reviewer_suspicion, "quality": fit.quality}
    for name, values in arrays.items():
        if not np.isfinite(values).all():
            return f"non-finite {name} values"
    if scores.reviewer_suspicion.min() < 0 or scores.reviewer_suspicion.max() > 1:
        return "suspicion outside [0, 1]"
    if not 0.0 <= base_suspect_share < 0.5:
        return f"{base_suspect_share:.0%} of all reviews suspect: the fit has gone wrong"
    return ""


def _parameters(scores: ReviewerScores, *, has_dates: bool) -> dict[str, Any]:
    fit, mixture = scores.reliability, scores.mixture
    stored: dict[str, Any] = {
        "prior": asdict(fit.prior),
        "global_mean": fit.global_mean,
        "sweeps": fit.sweeps,
        "scale": scores.scale,
        "has_dates": has_dates,
        "mean_suspicion": float(scores.reviewer_suspicion.mean()) if fit.alpha.size else 0.0,
    }
    if mixture is not None:
        stored["mixture"] = mixture.to_dict()
    return stored


def _scores_store(row: ReviewerGraphFit, stored: StoredGraph, scores: ReviewerScores) -> None:
    """Every reviewer's row of the fit, in bulk: COPY on PostgreSQL (psycopg's ``copy``), else
    one parametrised INSERT by ``executemany`` in batches inside ONE transaction. Values go out
    as plain Python lists (``tolist``), not per-element numpy scalars; the model has no save()
    logic or signals to bypass. ``benchmarks/bench_reviewer_store.py`` times it."""
    fit = scores.reliability
    columns = {
        "reviewer_id": [pk if pk >= 0 else None for pk in stored.reviewer_pk.tolist()],
        "review_id": [pk if pk >= 0 else None for pk in stored.review_pk.tolist()],
        "reviews": stored.graph.reviews_per_reviewer().tolist(),
        "alpha": fit.alpha.tolist(),
        "reliability": fit.reliability.tolist(),
        "confidence": fit.confidence.tolist(),
        "suspicion": scores.reviewer_suspicion.tolist(),
    }
    records = zip(*columns.values(), strict=True)
    if connection.vendor == "postgresql":
        table = ReviewerScore._meta.db_table
        names = ", ".join(["fit_id", *columns])
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row((row.pk, *record))
        return
    # elsewhere (SQLite): one parametrised INSERT run by executemany in one transaction; the ORM's
    # bulk_create spends ~1 ms a row here building model instances and SQL per field
    table = connection.ops.quote_name(ReviewerScore._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in ["fit_id", *columns])
    marks = ", ".join(["%s"] * (len(columns) + 1))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    with transaction.atomic(), connection.cursor() as cursor:
        while batch := [(row.pk, *r) for r in itertools.islice(records, BATCH_SIZE)]:
            cursor.executemany(sql, batch)


def _finish(row: ReviewerGraphFit, started: float, problem: str) -> FitOutcome:
    row.finished_at = timezone.now()
    row.seconds = time.perf_counter() - started
    if problem:
        row.status, row.reason = FitStatus.REFUSED, problem
        row.save()
        logger.warning("reviewer-graph fit %s refused; the active fit stays: %s", row, problem)
        return FitOutcome(fit=row, activated=False, reason=problem)
    with transaction.atomic():
        ReviewerGraphFit.objects.filter(is_active=True).update(is_active=False)
        row.status, row.is_active = FitStatus.DONE, True
        row.save()
    _prune_old_scores()
    logger.info(
        "reviewer-graph fit %s activated: %d ratings, %d reviewers, %.1f s",
        row.version,
        row.reviews,
        row.reviewers,
        row.seconds,
    )
    return FitOutcome(fit=row, activated=True, reason="activated")


def reviewer_graph_fit_fail(*, message: str) -> None:
    """A fit task that crashed leaves its row running: mark every running row failed."""
    ReviewerGraphFit.objects.filter(status=FitStatus.RUNNING).update(
        status=FitStatus.FAILED, reason=message[:2000], finished_at=timezone.now()
    )


def _prune_old_scores() -> None:
    """Score rows of all but the newest ``KEEP_FITS_WITH_SCORES`` done fits go (the rows stay)."""
    keep = list(
        ReviewerGraphFit.objects.filter(status=FitStatus.DONE)
        .order_by("-is_active", "-started_at", "-id")
        .values_list("id", flat=True)[:KEEP_FITS_WITH_SCORES]
    )
    ReviewerScore.objects.exclude(fit_id__in=keep).delete()


def _batches(rows: Iterable[ReviewerScore]) -> Iterator[list[ReviewerScore]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH_SIZE)):
        yield batch


# --- online updates -------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshOutcome:
    reviewers: int  # reviewers (and unattributed reviews) re-scored
    ratings: int  # ratings in the block read from the database
    seconds: float


def reviewer_scores_refresh(*, product: Product) -> RefreshOutcome:
    """Fold the product's reviews that arrived after the active fit into it (module docstring)."""
    started = time.perf_counter()
    fit_row = ReviewerGraphFit.objects.filter(is_active=True).first()
    if fit_row is None:
        return RefreshOutcome(0, 0, 0.0)
    arrived = Review.objects.filter(product=product, id__gt=fit_row.last_review_id)
    reviewer_ids = set(arrived.exclude(reviewer=None).values_list("reviewer_id", flat=True))
    lone_reviews = set(arrived.filter(reviewer=None).values_list("id", flat=True))
    if not reviewer_ids and not lone_reviews:
        return RefreshOutcome(0, 0, time.perf_counter() - started)
    stored = stored_review_graph(**_block_rows(product, reviewer_ids))
    graph, is_new = _new_rows_last(stored, fit_row, reviewer_ids, lone_reviews)
    previous = _stored_scores(fit_row, stored)
    prior = ReliabilityPrior(**fit_row.parameters.get("prior", {}))
    start = _fit_from(previous["alpha"], graph.n_products, fit_row.parameters, prior)
    updated = reliability_update(start, graph, first_new_row=graph.n_reviews - int(is_new.sum()))
    block = np.unique(graph.reviewer[is_new])
    suspicion = _online_suspicion(graph, updated, previous["suspicion"], block, fit_row)
    _block_store(fit_row, stored, graph, updated, suspicion, block, previous["known"])
    return RefreshOutcome(int(block.size), graph.n_reviews, time.perf_counter() - started)


def _block_rows(product: Product, reviewer_ids: set[int]) -> dict[str, Any]:
    """The ratings of every product the new reviews' reviewers rated (and of this product)."""
    product_ids = set(
        Review.objects.filter(reviewer_id__in=reviewer_ids).values_list("product_id", flat=True)
    ) | {product.id}
    keys = set(
        ReviewerHistory.objects.filter(reviewer_id__in=reviewer_ids).values_list(
            "reviewer__marketplace", "product_asin"
        )
    ) | set(Product.objects.filter(id__in=product_ids).values_list("marketplace", "asin"))
    asins = {asin for _, asin in keys}
    product_ids |= {
        pk
        for pk, market, asin in Product.objects.filter(asin__in=asins).values_list(
            "id", "marketplace", "asin"
        )
        if (market, asin) in keys
    }
    # History rows of other marketplaces with the same ASIN come along; their reviewers are
    # outside the block and keep their stored reliability, so they only cost a little reading.
    return {
        "reviews": Review.objects.filter(product_id__in=product_ids),
        "history": ReviewerHistory.objects.filter(product_asin__in=asins),
    }


def _new_rows_last(
    stored: StoredGraph, fit_row: ReviewerGraphFit, reviewer_ids: set[int], lone: set[int]
) -> tuple[Any, npt.NDArray[np.bool_]]:
    """The block graph with R's rows that arrived after the fit moved to the end."""
    graph = stored.graph
    in_r = np.isin(stored.reviewer_pk, np.fromiter(reviewer_ids, dtype=np.int64))
    in_r |= np.isin(stored.review_pk, np.fromiter(lone, dtype=np.int64))
    late = (stored.row_review_pk > fit_row.last_review_id) | (
        stored.row_history_pk > fit_row.last_history_id
    )
    new = in_r[graph.reviewer] & late
    order = np.concatenate([np.flatnonzero(~new), np.flatnonzero(new)])
    arranged = replace(
        graph,
        reviewer=graph.reviewer[order],
        product=graph.product[order],
        rating=graph.rating[order],
        timestamp_ms=graph.timestamp_ms[order],
        verified=None if graph.verified is None else graph.verified[order],
        helpful_votes=None if graph.helpful_votes is None else graph.helpful_votes[order],
    )
    return arranged, new[order]


def _stored_scores(fit_row: ReviewerGraphFit, stored: StoredGraph) -> dict[str, Any]:
    """Per reviewer code of the block graph: stored α and suspicion (prior where unknown)."""
    params = fit_row.parameters
    prior = ReliabilityPrior(**params.get("prior", {}))
    n = stored.graph.n_reviewers
    alpha = np.full(n, (prior.alpha_shape - 1.0) / prior.alpha_rate)
    suspicion = np.full(n, _unknown_suspicion(params))
    known = np.zeros(n, dtype=np.bool_)
    by_reviewer = {int(pk): code for code, pk in enumerate(stored.reviewer_pk) if pk >= 0}
    by_review = {int(pk): code for code, pk in enumerate(stored.review_pk) if pk >= 0}
    for ids, field, codes in (
        (list(by_reviewer), "reviewer_id", by_reviewer),
        (list(by_review), "review_id", by_review),
    ):
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            rows = ReviewerScore.objects.filter(fit=fit_row, **{f"{field}__in": chunk})
            for pk, a, s in rows.values_list(field, "alpha", "suspicion"):
                code = codes[pk]
                alpha[code], suspicion[code], known[code] = a, s, True
    return {"alpha": alpha, "suspicion": suspicion, "known": known}


def _unknown_suspicion(params: dict[str, Any]) -> float:
    """What a reviewer the fit never saw is given before any evidence: the class prior π."""
    mixture = params.get("mixture")
    if mixture:
        return float(mixture["prior_suspect"])
    return float(params.get("mean_suspicion", 0.5))


def _fit_from(
    alpha: FloatArray, n_products: int, params: dict[str, Any], prior: ReliabilityPrior
) -> ReliabilityFit:
    """A ``ReliabilityFit`` to warm-start from: stored α; quality at μ (every product of the
    block is re-solved, and a product's x̂ is closed-form given α)."""
    mu = float(params.get("global_mean", 3.0))
    zeros = np.zeros(alpha.shape[0])
    return ReliabilityFit(
        alpha=alpha,
        reliability=zeros,
        confidence=zeros,
        posterior_shape=zeros,
        posterior_rate=zeros,
        quality=np.full(n_products, mu),
        quality_se=np.zeros(n_products),
        global_mean=mu,
        prior=prior,
        loss=math.nan,
        sweeps=0,
        converged=True,
    )


def _online_suspicion(
    graph: Any,
    fit: ReliabilityFit,
    stored_suspicion: FloatArray,
    block: IntArray,
    fit_row: ReviewerGraphFit,
) -> FloatArray:
    """The block's suspicion from the fit's mixture tables (E step, M step held); without
    tables (a rank-scale fit) the stored values stay and unseen reviewers get the prior."""
    params = fit_row.parameters
    mixture = params.get("mixture")
    suspicion = stored_suspicion.copy()
    if not mixture:
        return suspicion
    mass = (1.0 - stored_suspicion) ** 2  # as the full fit's last round weighs the spread
    features = reviewer_features(
        graph,
        weight=fit.alpha * mass,
        prior_mean=fit.global_mean,
        prior_precision=fit.prior.quality_precision,
        mass=mass,
    )
    bins = feature_bins(
        features.reviews, features.burstiness, features.verified_share, params["has_dates"]
    )
    posterior = mixture_posterior(
        MixtureFit.from_dict(mixture),
        graph.reviewer,
        features.review_deviation,
        bins,
        graph.n_reviewers,
    )
    suspicion[block] = posterior[block]
    return suspicion


def _block_store(
    fit_row: ReviewerGraphFit,
    stored: StoredGraph,
    graph: Any,
    fit: ReliabilityFit,
    suspicion: FloatArray,
    block: IntArray,
    known: npt.NDArray[np.bool_],
) -> None:
    now = timezone.now()
    counts = graph.reviews_per_reviewer()

    def values(code: int) -> dict[str, Any]:
        return {
            "reviews": int(counts[code]),
            "alpha": float(fit.alpha[code]),
            "reliability": float(fit.reliability[code]),
            "confidence": float(fit.confidence[code]),
            "suspicion": float(suspicion[code]),
            "updated_online_at": now,
        }

    def subject(code: int) -> dict[str, int]:
        if stored.reviewer_pk[code] >= 0:
            return {"reviewer_id": int(stored.reviewer_pk[code])}
        return {"review_id": int(stored.review_pk[code])}

    fresh = [ReviewerScore(fit=fit_row, **subject(c), **values(c)) for c in block if not known[c]]
    # Two analyses may score one new reviewer at once: the first row wins, the values agree.
    ReviewerScore.objects.bulk_create(fresh, batch_size=BATCH_SIZE, ignore_conflicts=True)
    for code in block[known[block]]:
        ReviewerScore.objects.filter(fit=fit_row, **subject(int(code))).update(**values(int(code)))


# --- scores for one product's analysis ------------------------------------------------------


def product_reviewer_scores(
    *, product: Product, expected: int
) -> tuple[ReviewerGraphFit, dict[str, Any]] | None:
    """The active fit and its scores of the product's reviews, in the order of
    ``selectors.product_reviews_for_analysis`` (``detector.analyze(reviewer_scores=…)``), or None
    without an active fit or when the reviews changed between the two reads (``expected``)."""
    fit_row = ReviewerGraphFit.objects.filter(is_active=True).first()
    if fit_row is None or fit_row.base_suspect_share is None:
        return None
    rows = list(
        Review.objects.filter(product=product)
        .order_by("posted_date", "posted_at", "id")
        .values_list("id", "reviewer_id")
    )
    if len(rows) != expected:
        logger.info("reviews of %s changed while read; analysed without graph scores", product)
        return None
    reviewers = {reviewer for _, reviewer in rows if reviewer is not None}
    lone = {review for review, reviewer in rows if reviewer is None}
    found = ReviewerScore.objects.filter(fit=fit_row).filter(
        Q(reviewer_id__in=reviewers) | Q(review_id__in=lone)
    )
    by_reviewer: dict[int, tuple[float, int]] = {}
    by_review: dict[int, tuple[float, int]] = {}
    for reviewer, review, suspicion, count in found.values_list(
        "reviewer_id", "review_id", "suspicion", "reviews"
    ):
        target = by_reviewer if reviewer is not None else by_review
        target[reviewer if reviewer is not None else review] = (suspicion, count)
    unknown = (_unknown_suspicion(fit_row.parameters), 1)
    pairs = [
        by_reviewer.get(reviewer, unknown) if reviewer is not None else by_review.get(pk, unknown)
        for pk, reviewer in rows
    ]
    return fit_row, {
        "review_suspicion": np.array([s for s, _ in pairs], dtype=np.float64),
        "reviewer_reviews": np.array([max(n, 1) for _, n in pairs], dtype=np.int64),
        "base_suspect_share": fit_row.base_suspect_share,
    }


__all__ = [
    "FitOutcome",
    "RefreshOutcome",
    "fit_problem",
    "product_reviewer_scores",
    "reviewer_graph_fit",
    "reviewer_graph_fit_fail",
    "reviewer_scores_refresh",
]
