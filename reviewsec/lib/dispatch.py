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
will finish: ``JobDispatcher.orphaned`` tells them apart. With a broker, housekeeping finds stuck
jobs by their workers' heartbeats and by age instead.

Tasks are found by name in the Celery app's registry (each app's ``AppConfig.ready`` imports its
``tasks`` module), so the modules that enqueue jobs need not import the tasks that call them.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from celery import Task, current_app
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)

JobId = int | str
# An active job untouched this long, that no thread of this process runs, was left by a restart.
ORPHAN_AFTER = dt.timedelta(seconds=60)


class JobNotSent(BrokerUnavailable):
    """The broker could not take the job's task; the job was rolled back or failed."""

    message = "The service is busy or down and could not start the job; please try again shortly."

    def __init__(self, job_id: JobId) -> None:
        super().__init__(self.message)
        self.job_id = job_id


class JobDispatcher:
    """Enqueue one kind of job on commit; know which of its jobs run in this process.

    ``task_name`` is the Celery task that runs a job, called with the job id as its one argument.
    ``on_sent(job_id, task_id)`` is told the broker's task id (a crawl job records it, so
    housekeeping can revoke the message of a job it re-queues). ``on_not_sent(job_id)`` is told
    when the broker refused the task, before ``JobNotSent`` is raised.
    """

    def __init__(
        self,
        *,
        task_name: str,
        thread_name: str,
        on_sent: Callable[[JobId, str], None] | None = None,
        on_not_sent: Callable[[JobId], None] | None = None,
    ) -> None:
        self.task_name = task_name
        self.thread_name = thread_name
        self._on_sent = on_sent
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

    def running_here(self, job_id: JobId) -> bool:
        with self._lock:
            return str(job_id) in self._running_here

    def orphaned(
        self, job_id: JobId, *, updated_at: dt.datetime, now: dt.datetime | None = None
    ) -> bool:
        """In-process mode only: an active job no thread of this server runs and nobody touched
        for ``ORPHAN_AFTER`` was left behind by a restart, so nobody will finish it."""
        if not settings.CELERY_TASK_ALWAYS_EAGER or self.running_here(job_id):
            return False
        return (now or timezone.now()) - updated_at > ORPHAN_AFTER

    def _task(self) -> Task:
        return current_app.tasks[self.task_name]

    def _send(self, job_id: JobId, countdown: float = 0) -> None:
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            try:
                result = self._task().apply_async(
                    args=[job_id], countdown=countdown or None, ignore_result=True
                )
            except BrokerUnavailable as error:
                logger.warning("%s %s not sent: %s", self.thread_name, job_id, error)
                if self._on_not_sent is not None:
                    self._on_not_sent(job_id)
                raise JobNotSent(job_id) from error
            if self._on_sent is not None:
                self._on_sent(job_id, result.id)
            return
        if getattr(settings, "ANALYSIS_RUN_INLINE", False):
            self._apply_once(job_id)
            return
        thread = threading.Thread(
            target=self._run_in_thread,
            args=(job_id,),
            name=f"{self.thread_name}-{job_id}",
            daemon=True,
        )
        thread.start()

    def _run_in_thread(self, job_id: JobId) -> None:
        with self._lock:
            self._running_here.add(str(job_id))
        try:
            self._apply_once(job_id)
        except Exception:  # the task has already marked the job failed; keep the server alive
            logger.exception("in-process %s %s failed", self.thread_name, job_id)
        finally:
            with self._lock:
                self._running_here.discard(str(job_id))
            connections.close_all()  # this thread's own connections; nobody else will close them

    def _apply_once(self, job_id: JobId) -> None:
        """Run the task here, without retries: an eager retry ignores its back-off and would
        hammer the shop at once, so in-process mode fails the job with its reason and the
        shopper retries."""
        task = self._task()
        result = task.apply(args=[job_id], retries=task.max_retries or 0, throw=False)
        if result.failed():
            logger.warning("in-process %s %s failed: %s", self.thread_name, job_id, result.result)
