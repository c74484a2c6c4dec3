"""Where the apps above ``analyses`` plug into it, so that imports point one way (DESIGN §1).

``analyses`` imports none of ``moderation``, ``submissions``, ``web`` or ``api``, yet a stored
verdict must open a moderation case when it is suspicious, the recrawl policy must know which
products a moderator is waiting for, and housekeeping must tidy the upload jobs too. The higher
app registers a function here from its ``AppConfig.ready()``; ``analyses`` calls every registered
function, in the order they were registered. With nothing registered each call is a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol, TypeVar

from reviewsec.analyses.models import Analysis
from reviewsec.catalog.models import Product


class VerdictStored(Protocol):
    """Told of every analysis stored (moderation opens or updates the product's case)."""

    def __call__(self, *, analysis: Analysis) -> object: ...


class ReviewQueueCheck(Protocol):
    """Whether a moderator is waiting for fresh evidence on the product (a short interval)."""

    def __call__(self, *, product: Product) -> bool: ...


class HousekeepingTask(Protocol):
    """Tidies another kind of job; its counts join the housekeeping report under their names."""

    def __call__(self, *, now: dt.datetime) -> Mapping[str, object]: ...


class ProductGroups(Protocol):
    """What the group layer says of the product's reviewers: public facts (aggregates only, for
    the verdict's ``reviewers.groups``) or None, and the ids of its reviews inside a group."""

    def __call__(self, *, product: Product) -> tuple[Mapping[str, object] | None, set[int]]: ...


_verdict_stored: list[VerdictStored] = []
_product_groups: list[ProductGroups] = []
_review_queue_checks: list[ReviewQueueCheck] = []
_housekeeping_tasks: list[HousekeepingTask] = []
# Re-send the lost messages of another kind of job (every minute; ``JobDispatcher.resend_lost``).
_resend_tasks: list[HousekeepingTask] = []


def on_verdict_stored(hook: VerdictStored) -> None:
    _register(_verdict_stored, hook)


def on_review_queue_check(hook: ReviewQueueCheck) -> None:
    _register(_review_queue_checks, hook)


def on_housekeeping(hook: HousekeepingTask) -> None:
    _register(_housekeeping_tasks, hook)


def on_lost_jobs_resend(hook: HousekeepingTask) -> None:
    _register(_resend_tasks, hook)


def on_product_groups(hook: ProductGroups) -> None:
    _register(_product_groups, hook)


def product_groups(*, product: Product) -> tuple[dict[str, object] | None, set[int]]:
    """The first registered answer that has facts; ``(None, set())`` without any."""
    for hook in list(_product_groups):
        facts, reviews = hook(product=product)
        if facts:
            return dict(facts), set(reviews)
    return None, set()


def verdict_stored(*, analysis: Analysis) -> None:
    for hook in list(_verdict_stored):
        hook(analysis=analysis)


def product_in_review_queue(*, product: Product) -> bool:
    return any(check(product=product) for check in list(_review_queue_checks))


def housekeeping_tasks_run(*, now: dt.datetime) -> dict[str, object]:
    report: dict[str, object] = {}
    for task in list(_housekeeping_tasks):
        report.update(task(now=now))
    return report


def lost_jobs_resend_run(*, now: dt.datetime) -> dict[str, object]:
    report: dict[str, object] = {}
    for task in list(_resend_tasks):
        report.update(task(now=now))
    return report


Hook = TypeVar("Hook")


def _register(hooks: list[Hook], hook: Hook) -> None:
    if hook not in hooks:  # ready() may run twice (tests, management commands)
        hooks.append(hook)
