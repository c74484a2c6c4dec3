"""Hand a background job (a crawl, an upload…) to its Celery task, with or without a broker.

With ``REDIS_URL`` the task goes through Redis to a Celery worker. Without it (the embedded
default) Celery runs tasks eagerly, which would run the whole job inside the web request; instead
the eager task runs in a daemon thread of the server process, so the request returns at once and
the progress page is live there too. Tests set ``ANALYSIS_RUN_INLINE``: the same task, run to the
end before the request returns. Either way the task is queued only after the transaction that
created the job commits, so the worker can never look for a job row that does not exist yet.

A job whose task cannot be sent (the broker is down) is not left queued for nobody: the
dispatcher hands it to ``on_not_sent`` (each kind rolls its fresh row back, or fails a re-queued
one readably) and raises ``JobNotSent``, a broker error that the API and the forms answer with a
503. The job's result is never stored in Celery's result backend: its row is the result, and
subscribing to a result on a Redis that is down would hang the request for half a minute.

A thread dies with its process, so in the embedded mode a restart leaves active jobs that nobody
will finish: ``JobDispatcher.orphaned`` tells the running ones apart. With a broker, housekeeping
finds stuck jobs by their workers' heartbeats and by age instead.

A message can also be lost after it was sent: Redis restarted without persistence, or flushed.
``JobDispatcher.resend_lost`` (housekeeping, every minute) re-sends a queued job older than
``RESEND_AFTER`` whose task id the broker holds neither in a queue nor unacknowledged
(``reviewsec.lib.broker``), at most ``MAX_RESENDS`` times, then gives up on it readably. In the
embedded mode "lost" means no thread of this process runs it, and ``in_process_beat`` runs the
same pass, on the period of the same beat row, in a daemon thread of the server.

Each message's task id is written on the job row *before* the message is published, and a
worker claims the job only with the id the row names (or with none recorded): a resent job's
superseded message, should it turn up after all, finds the job is not its own and does nothing.
A redelivery (``acks_late``) and Celery's retries keep their task id, so they still claim.

Tasks are found by name in the Celery app's registry (each app's ``AppConfig.ready`` imports its
``tasks`` module), so the modules that enqueue jobs need not import the tasks that call them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from celery import Task, current_app
from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from reviewsec.lib.broker import broker_task_ids

logger = logging.getLogger(__name__)

JobId = int | str
# An active job untouched this long, that no thread of this process runs, was left by a restart.
ORPHAN_AFTER = dt.timedelta(seconds=60)
# A queued job this old whose message is nowhere is re-sent, at most this many times.
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_RESENDS = 3
# Lost jobs looked at per pass (oldest first): a bounded pass, the next one goes on.
RESEND_BATCH = 200


class JobNotSent(BrokerUnavailable):
    """The broker could not take the job's task; the job was rolled back or failed."""

    message = "The service is busy or down and could not start the job; please try again shortly."

    def __init__(self, job_id: JobId) -> None:
        super().__init__(self.message)
        self.job_id = job_id


@dataclass(frozen=True)
class ResendPass:
    """What one ``resend_lost`` pass did: jobs re-sent, and jobs given up on (failed)."""

    resent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class JobDispatcher:
    """Enqueue one kind of job on commit; know which of its jobs run here or were lost.

    ``task_name`` is the Celery task that runs a job, called with the job id as its one argument.
    ``record_task_id(job_id, task_id)`` writes the id of the message about to be published on
    the job's row (housekeeping revokes it on a re-queue, finds it in the broker, and the claim
    compares it). ``on_not_sent(job_id)`` is told when the broker refused the task, before
    ``JobNotSent`` is raised. The job model has ``state``, ``celery_task_id``, ``resends`` and
    ``updated_at``.
    """

    def __init__(
        self,
        *,
        task_name: str,
        thread_name: str,
        record_task_id: Callable[[JobId, str], None] | None = None,
        on_not_sent: Callable[[JobId], None] | None = None,
    ) -> None:
        self.task_name = task_name
        self.thread_name = thread_name
        self._record_task_id = record_task_id
        self._on_not_sent = on_not_sent
        # Jobs whose thread runs in this process (in-process mode): a restart loses them all.
        self._running_here: set[str] = set()
        self._lock = threading.Lock()

    def enqueue(self, job_id: JobId, *, countdown: float = 0) -> None:
        """Send the job's task once the current transaction commits; ``countdown`` delays its
        start on a worker (scheduled recrawls are staggered). In-process mode starts at once.

        Raises ``JobNotSent`` (at the commit, or at once outside a transaction) when the broker
        cannot be reached."""
        transaction.on_commit(lambda: self._send(job_id, countdown))

    def resend_lost(
        self,
        queued: QuerySet[Any],
        *,
        give_up: Callable[[JobId], None],
        now: dt.datetime | None = None,
    ) -> ResendPass | None:
        """Re-send the jobs of ``queued`` (this kind's queued rows) untouched for ``RESEND_AFTER``
        whose message is nowhere; fail (``give_up``) those already re-sent ``MAX_RESENDS`` times.

        None when the broker cannot be read: then nothing is judged lost (an outage is not a
        loss; the jobs are looked at again next time)."""
        now = now or timezone.now()
        rows = list(
            queued.filter(updated_at__lt=now - RESEND_AFTER)
            .order_by("updated_at")
            .values_list("id", "celery_task_id", "resends", "updated_at")[:RESEND_BATCH]
        )
        if not rows:
            return ResendPass()
        lost = self._lost(rows)
        if lost is None:
            return None
        done = ResendPass()
        for row_id, task_id, resends, updated_at in lost:
            job_id: JobId = row_id if isinstance(row_id, int) else str(row_id)  # UUIDs as sent
            if resends >= MAX_RESENDS:
                give_up(job_id)
                done.failed.append(str(job_id))
                logger.error("%s %s lost %d times; given up", self.thread_name, job_id, resends)
                continue
            new_task_id = str(uuid.uuid4())
            # Conditional on the row being as read: a worker that claimed it meanwhile (its
            # message was only moving) or another pass wins, and nothing is sent.
            claimed = queued.filter(
                id=row_id, celery_task_id=task_id, updated_at=updated_at
            ).update(celery_task_id=new_task_id, resends=F("resends") + 1, updated_at=now)
            if not claimed:
                continue
            try:
                self._send(job_id, 0, new_task_id)
            except JobNotSent:  # on_not_sent has failed it readably
                done.failed.append(str(job_id))
                continue
            done.resent.append(str(job_id))
            logger.warning("%s %s: its message was lost; re-sent", self.thread_name, job_id)
        return done

    def _lost(self, rows: list[tuple[Any, str, int, dt.datetime]]) -> list[Any] | None:
        """The rows whose message is nowhere: not in the broker (by task id), or, in-process,
        run by no thread of this process."""
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return [row for row in rows if not self.running_here(row[0])]
        held = broker_task_ids(current_app)
        if held is None:
            return None
        return [row for row in rows if row[1] not in held]

    def running_here(self, job_id: JobId) -> bool:
        with self._lock:
            return str(job_id) in self._running_here

    def orphaned(
        self, job_id: JobId, *, updated_at: dt.datetime, now: dt.datetime | None = None
    ) -> bool:
        """In-process mode only: an active job no thread of this server runs and nobody touched
        for ``ORPHAN_AFTER`` was left behind by a restart, so nobody will finish it."""
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            return False
        in_process_beat.ensure_running()
        if self.running_here(job_id):
            return False
        return (now or timezone.now()) - updated_at > ORPHAN_AFTER

    def _task(self) -> Task:
        return current_app.tasks[self.task_name]

    def _send(self, job_id: JobId, countdown: float = 0, task_id: str | None = None) -> None:
        """Publish the job's message (its id recorded on the row first, unless ``task_id`` was
        already written there by a resend), or start it in-process."""
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            if task_id is None:
                task_id = str(uuid.uuid4())
                if self._record_task_id is not None:
                    self._record_task_id(job_id, task_id)
            try:
                self._task().apply_async(
                    args=[job_id], countdown=countdown or None, ignore_result=True, task_id=task_id
                )
            except BrokerUnavailable as error:
                logger.warning("%s %s not sent: %s", self.thread_name, job_id, error)
                if self._on_not_sent is not None:
                    self._on_not_sent(job_id)
                raise JobNotSent(job_id) from error
            return
        if getattr(settings, "ANALYSIS_RUN_INLINE", False):
            self._apply_once(job_id, task_id)
            return
        in_process_beat.ensure_running()
        with self._lock:  # before the thread starts: a pass in between must not judge it lost
            self._running_here.add(str(job_id))
        thread = threading.Thread(
            target=self._run_in_thread,
            args=(job_id, task_id),
            name=f"{self.thread_name}-{job_id}",
            daemon=True,
        )
        thread.start()

    def _run_in_thread(self, job_id: JobId, task_id: str | None = None) -> None:
        try:
            self._apply_once(job_id, task_id)
        except Exception:  # the task has already marked the job failed; keep the server alive
            logger.exception("in-process %s %s failed", self.thread_name, job_id)
        finally:
            with self._lock:
                self._running_here.discard(str(job_id))
            connections.close_all()  # this thread's own connections; nobody else will close them

    def _apply_once(self, job_id: JobId, task_id: str | None = None) -> None:
        """Run the task here, without retries: an eager retry ignores its back-off and would
        hammer the shop at once, so in-process mode fails the job with its reason and the
        shopper retries. A resent job runs under the task id its row names."""
        task = self._task()
        result = task.apply(
            args=[job_id], retries=task.max_retries or 0, throw=False, task_id=task_id
        )
        if result.failed():
            logger.warning("in-process %s %s failed: %s", self.thread_name, job_id, result.result)


class InProcessBeat:
    """The embedded mode's stand-in for celery beat, for the tasks that opt in (``add``).

    Without a broker there is no beat process, yet jobs lost to a restart must still be re-sent
    within a minute. The server process runs each added task here, in one daemon thread, on the
    period of its django-celery-beat row (edited in the admin like any: switched off, it does
    not run; without a row, ``default_every_s``). The thread starts with the process's first
    background job or its first look at one (a job requested or polled), and once per process
    (a forked server starts its own). ``IN_PROCESS_BEAT=0`` turns it off (the test suite does).
    """

    def __init__(self) -> None:
        self._tasks: dict[str, float] = {}
        self._started_in: int | None = None
        self._lock = threading.Lock()

    def add(self, task_name: str, *, default_every_s: float) -> None:
        self._tasks[task_name] = default_every_s

    def ensure_running(self) -> None:
        if (
            not settings.CELERY_TASK_ALWAYS_EAGER
            or getattr(settings, "ANALYSIS_RUN_INLINE", False)
            or not getattr(settings, "IN_PROCESS_BEAT", True)
        ):
            return
        with self._lock:
            if self._started_in == os.getpid() or not self._tasks:
                return
            self._started_in = os.getpid()
        threading.Thread(target=self._loop, name="in-process-beat", daemon=True).start()

    def _loop(self) -> None:
        due: dict[str, float] = {name: time.monotonic() for name in self._tasks}
        while True:
            for name in list(due):
                if time.monotonic() >= due[name]:
                    due[name] = time.monotonic() + self._run(name)
            connections.close_all()  # this thread's own connections, between ticks
            time.sleep(max(1.0, min(due.values()) - time.monotonic()))

    def _run(self, name: str) -> float:
        """Run the task if its row allows; return the seconds until its next run."""
        try:
            every = _beat_row_period(name, default=self._tasks[name])
            if every is not None:
                current_app.tasks[name].apply(throw=False)
            return every or self._tasks[name]
        except Exception:  # a failed tick must not end the thread
            logger.exception("in-process beat: %s failed", name)
            return self._tasks[name]


def _beat_row_period(task_name: str, *, default: float) -> float | None:
    """The period of the task's beat row in seconds; None when the row is switched off."""
    from django_celery_beat.models import PeriodicTask  # needs the app registry

    row = PeriodicTask.objects.filter(task=task_name).select_related("interval").first()
    if row is None:
        return default
    if not row.enabled:
        return None
    if row.interval is None:
        return default
    return dt.timedelta(**{row.interval.period: row.interval.every}).total_seconds()


in_process_beat = InProcessBeat()
