"""Celery tasks of the group layer: a few lines each; the work lives in ``services``.

The scheduled fit is a django-celery-beat row (migration 0002, edited in the admin; its
``kwargs`` may set ``params``, fields of ``detector.groups.GroupParams``). In the embedded mode
(no broker) the in-process beat runs it on its row's interval, or daily for a crontab row.

``services`` (and with it ``detector.groups``: scipy, numba) is imported in the task bodies, not
here: ``GroupsConfig.ready`` imports this module in every process to register the tasks by
name, and most processes (the web server, a crawl child, ``manage.py``) never run them.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from reviewsec.lib.dispatch import in_process_beat

GROUP_FIT_TASK = "reviewsec.groups.group_fit"


@shared_task(name=GROUP_FIT_TASK, acks_late=True)
def group_fit_task(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Beat: fit collusion groups over every stored rating, learning from the decisions."""
    from reviewsec.groups import services

    fit = services.group_fit_run(params=params)
    return {
        "version": fit.version,
        "groups": fit.groups_found,
        "reviews": fit.reviews,
        "labels": fit.labels,
        "seconds": fit.seconds,
    }


@shared_task(name="reviewsec.groups.products_reanalyse", acks_late=True, max_retries=3)
def group_products_reanalyse_task(group_id: int) -> int:
    """After a confirmed decision: the group's products get fresh verdicts."""
    from reviewsec.groups import services

    return services.group_products_reanalyse(group_id=group_id)


in_process_beat.add(GROUP_FIT_TASK, default_every_s=24 * 3600)
