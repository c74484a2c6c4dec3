"""The Celery application, configured from Django settings (``CELERY_*`` names).

Without ``REDIS_URL`` the settings make every task run in-process (``task_always_eager``), so the
embedded default needs no broker; with it, tasks travel through Redis to ``make worker``.

Workers and beat also log through Django's ``LOGGING`` (so ``LOG_FORMAT=json`` reaches them),
stamp each task's log lines with its ids, and write a heartbeat that /healthz reports.
"""

import contextlib
import logging
import os
import socket
from typing import Any

from celery import Celery, signals

from reviewsec.health.heartbeat import WorkerHeartbeat, beat_heartbeat_start
from reviewsec.logs import log_context_bind, log_context_reset

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsec.settings")

app = Celery("reviewsec")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(WorkerHeartbeat)
signals.beat_init.connect(beat_heartbeat_start, weak=False)


@app.task(name="reviewsec.ping")
def ping() -> dict[str, str]:
    """Answer with who ran the task and on which database: proves a real round trip."""
    from django.db import connection

    return {"hostname": socket.gethostname(), "pid": str(os.getpid()), "db": connection.vendor}


@signals.setup_logging.connect(weak=False)
def use_django_logging(loglevel: int | str | None = None, **_: Any) -> None:
    """Celery leaves logging alone when this signal has a receiver: apply ``settings.LOGGING``
    instead of Celery's own format, at the level given on the command line (``--loglevel``)."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


# Task id → the token that undoes its log context. Prerun and postrun of one task run in the
# same thread, one task at a time per thread (an eager task inside another nests its own).
_log_tokens: dict[str, Any] = {}


@signals.task_prerun.connect(weak=False)
def bind_task_log_context(
    task_id: str, task: Any, args: Any = None, kwargs: Any = None, **_: Any
) -> None:
    """Every line logged while the task runs carries ``task_id``, plus what the task adds
    through a ``log_fields(args, kwargs)`` method (a crawl job adds its ``job_id``)."""
    fields = {"task_id": task_id}
    log_fields = getattr(task, "log_fields", None)
    if log_fields is not None:
        fields.update(log_fields(args or (), kwargs or {}))
    _log_tokens[task_id] = log_context_bind(**fields)


@signals.task_postrun.connect(weak=False)
def unbind_task_log_context(task_id: str, **_: Any) -> None:
    token = _log_tokens.pop(task_id, None)
    if token is not None:
        with contextlib.suppress(ValueError):  # bound in another context: nothing to undo here
            log_context_reset(token)
