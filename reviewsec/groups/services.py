"""The group fit and the moderators' decisions: writes (HackSoft's services).

``group_fit_run`` reads every stored rating (``reviewsec.groups.events``), takes the moderators'
decisions as labels, runs ``detector.groups.find_groups`` and stores what it found as one
``GroupFit`` with its groups. A group that mostly repeats a decided group of an earlier fit (at
least ``CARRY_OVERLAP`` of its members) carries those decisions over, so the queue does not ask
twice. ``group_decide`` records a decision; a confirmed one re-analyses the group's products.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

import detector
from detector.groups import Group, GroupParams, find_groups, product_group_evidence
from reviewsec.analyses.services import analysis_create
from reviewsec.catalog.models import Product
from reviewsec.groups import tasks
from reviewsec.groups.events import StoredEvents, moderator_labels, stored_events
from reviewsec.groups.models import (
    FitStatus,
    GroupDecision,
    GroupFit,
    GroupProduct,
    ReviewerGroup,
    TargetKind,
)

logger = logging.getLogger(__name__)

CARRY_OVERLAP = 0.5


class GroupParamsInvalid(ValueError):
    """Fit parameters (from the beat row's kwargs) that ``GroupParams`` does not take."""


def group_params(overrides: Mapping[str, Any] | None = None) -> GroupParams:
    """``GroupParams`` from the beat row's ``params``, checked so that a typo in the admin is a
    readable failure, not a fit that tries to allocate terabytes (``window_days=0``).

    Without overrides the fit is the detector's default — the one ``benchmarks/eval_groups.py``
    reports, SENTINEL's semi-supervised Logistic CP, the method that learns from the
    moderators' labels — with no setting of the product's own (the demo shop is found by it).
    """
    known = {field.name: field for field in fields(GroupParams)}
    given = dict(overrides or {})
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise GroupParamsInvalid(f"unknown group fit parameters: {', '.join(unknown)}")
    defaults = GroupParams()
    for name, value in given.items():
        numeric = isinstance(getattr(defaults, name), int | float)
        if numeric and (isinstance(value, bool) or not isinstance(value, int | float) or value < 0):
            raise GroupParamsInvalid(f"group fit parameter {name} must be a number ≥ 0")
    if given.get("method") not in (None, "logistic_cp", "dense_block"):
        raise GroupParamsInvalid("group fit method must be logistic_cp or dense_block")
    if not 1 <= given.get("window_days", 1) <= 366:
        raise GroupParamsInvalid("group fit window_days must be from 1 to 366")
    try:
        return GroupParams(**given)
    except ValueError as error:  # the detector's own range checks (rank 0, …)
        raise GroupParamsInvalid(f"group fit parameters: {error}") from None


def group_fit_run(*, params: Mapping[str, Any] | None = None) -> GroupFit:
    """Fit groups over everything stored; the fit row says what happened, also on failure."""
    chosen = group_params(params)
    now = timezone.now()
    fit = GroupFit.objects.create(
        version=f"groups-{now:%Y%m%dT%H%M%S.%fZ}",
        detector_version=getattr(detector, "__version__", ""),
        params=asdict(chosen),
    )
    started = time.monotonic()
    try:
        loaded = stored_events()
        labels = moderator_labels()
        groups = find_groups(loaded.events, labels, params=chosen)
        with transaction.atomic():
            _store_groups(fit, loaded, groups)
            _fit_finished(fit, loaded, len(labels), len(groups), started)
    except Exception as error:
        GroupFit.objects.filter(pk=fit.pk).update(
            status=FitStatus.FAILED,
            finished_at=timezone.now(),
            seconds=time.monotonic() - started,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise
    fit.refresh_from_db()
    logger.info("group fit %s: %d groups in %.1f s", fit.version, fit.groups_found, fit.seconds)
    return fit


def _fit_finished(
    fit: GroupFit, loaded: StoredEvents, labels: int, found: int, started: float
) -> None:
    events = loaded.events
    fit.status = FitStatus.SUCCEEDED
    fit.finished_at = timezone.now()
    fit.seconds = time.monotonic() - started
    fit.reviews = events.n_reviews
    fit.reviewers = int(np.unique(events.reviewer[events.reviewer >= 0]).size)
    fit.products = len(events.product_labels)
    fit.sellers = len(events.seller_labels)
    fit.labels = labels
    fit.groups_found = found
    fit.save()


def _moment(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


def _store_groups(fit: GroupFit, loaded: StoredEvents, groups: list[Group]) -> None:
    per_product = product_group_evidence(loaded.events, groups)
    row_review_pk = loaded.review_pk
    for rank, found in enumerate(groups, start=1):
        rows = np.asarray(found.review_rows, dtype=np.int64)
        review_pks = row_review_pk[rows] if rows.size else rows
        group = ReviewerGroup.objects.create(
            fit=fit,
            rank=rank,
            window_start=_moment(found.start_ms),
            window_end=_moment(found.end_ms),
            rating=found.rating,
            score=found.score,
            evidence=found.evidence,
            member_count=len(found.reviewers),
            product_count=len(found.products),
            seller_count=len(found.sellers),
            review_count=int(rows.size),
        )
        group.members.set([int(pk) for pk in found.reviewers])
        group.sellers.set([int(pk) for pk in found.sellers])
        group.reviews.set(review_pks[review_pks >= 0].tolist())
        _store_products(group, found.products, per_product)
        _carry_decisions(group)


def _store_products(
    group: ReviewerGroup, products: Iterable[str], per_product: Mapping[str, Any]
) -> None:
    keys = [tuple(label.split("/", 1)) for label in products]
    known = {
        (product.marketplace, product.asin): product
        for product in Product.objects.filter(asin__in=[asin for _, asin in keys])
    }
    GroupProduct.objects.bulk_create(
        GroupProduct(
            group=group,
            marketplace=market,
            asin=asin,
            product=known.get((market, asin)),
            evidence=_public(per_product.get(f"{market}/{asin}")),
        )
        for market, asin in keys
    )


def _public(evidence: Any) -> dict[str, Any]:
    """What a product page may show: counts and the sentence, never who."""
    return {} if evidence is None else dict(evidence.to_dict())


def _carry_decisions(group: ReviewerGroup) -> None:
    """Copy the decisions of the latest earlier decided group this one mostly repeats."""
    members = set(group.members.values_list("pk", flat=True))
    if not members:
        return
    earlier = (
        ReviewerGroup.objects.filter(decisions__isnull=False, members__in=members)
        .exclude(fit=group.fit)
        .distinct()
        .order_by("-fit__started_at", "rank")
    )
    for candidate in earlier[:20]:
        shared = len(members & set(candidate.members.values_list("pk", flat=True)))
        if shared >= CARRY_OVERLAP * len(members):
            group.carried_from = candidate
            group.save(update_fields=["carried_from"])
            GroupDecision.objects.bulk_create(
                GroupDecision(
                    group=group,
                    target=decision.target,
                    abusive=decision.abusive,
                    decided_by=decision.decided_by,
                    carried=True,
                    notes=f"Carried from group {candidate.rank} of {candidate.fit.version}.",
                )
                for decision in candidate.decisions.all()
            )
            return


def group_decide(
    *, group: ReviewerGroup, target: str, abusive: bool, moderator: Any = None, notes: str = ""
) -> GroupDecision:
    """Record (or change) the decision on ``group`` for ``target``; the next fit learns it.

    A confirmed decision re-analyses the group's products once the decision is committed.
    """
    if target not in TargetKind.values:
        raise ValueError(f"unknown target kind {target!r}")
    decision, _ = GroupDecision.objects.update_or_create(
        group=group,
        target=target,
        defaults={"abusive": abusive, "decided_by": moderator, "carried": False, "notes": notes},
    )
    if abusive:
        tasks.group_products_reanalyse_task.delay_on_commit(group.pk)
    return decision


def group_products_reanalyse(*, group_id: int) -> int:
    """Re-analyse the group's stored products (their verdicts now count the group)."""
    products = Product.objects.filter(
        collusion_groups__group_id=group_id, reviews__isnull=False
    ).distinct()
    count = 0
    for product in products:
        analysis_create(
            product=product,
            collection={"note": "Re-analysed after a moderator confirmed a reviewer group."},
        )
        count += 1
    return count
