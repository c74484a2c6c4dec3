"""Which task messages the broker holds: every task id waiting in a queue or out with a worker.

Housekeeping asks this to tell a job whose message was lost (Redis restarted without
persistence, a flush) from one that is merely waiting: a queued job whose task id is in neither
place will never start. The key names are kombu's Redis transport's own, read from its channel
rather than written here: each queue is a list named after it (with one more list per priority
step, ``<queue>\\x06\\x16<step>``), and a message a worker has taken but not acknowledged
(``acks_late``, or a countdown it holds until its time) sits in the ``unacked`` hash, keyed by
delivery tag, as ``[payload, exchange, routing_key]``. ``global_keyprefix`` is applied by the
channel's client. Both are read in one MULTI so a message cannot be missed while it moves from a
list to the hash within the read; the one window kombu leaves (a worker's BRPOP has returned and
its HSET has not yet run, a few milliseconds) is why a resend is also made harmless by the
task-id check of the claim (``reviewsec.lib.dispatch``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from celery import Celery

logger = logging.getLogger(__name__)

# Messages read per LRANGE: bounded memory whatever the queue's length. Chunks cannot skip a
# message: producers LPUSH on the left (shifting what follows to the right: re-read, not missed)
# and workers BRPOP on the right (shortening the tail, shifting nothing).
_CHUNK = 1000


def broker_task_ids(app: Celery, *, queues: Iterable[str] | None = None) -> frozenset[str] | None:
    """The ids of every task message in ``queues`` (default: the app's queues) or unacked.

    None when that cannot be known: no Redis broker (the in-process mode, another transport) or
    Redis not answering. Callers must then do nothing, never treat every job as lost."""
    if not str(app.conf.broker_url or "").startswith(("redis://", "rediss://", "unix://")):
        return None
    names = list(queues) if queues is not None else list(app.amqp.queues)
    try:
        with app.connection_for_read() as connection:
            channel: Any = connection.default_channel
            return frozenset(_read(channel, names))
    except Exception:  # any broker error: unknown, so nobody is resent on its account
        logger.warning("broker queues unreadable; no job is judged lost", exc_info=True)
        return None


def _read(channel: Any, queues: list[str]) -> set[str]:
    keys = [channel._q_for_pri(queue, step) for queue in queues for step in channel.priority_steps]
    client = channel.client
    found: set[str] = set()
    start = 0
    while True:
        pipe = client.pipeline(transaction=True)
        for key in dict.fromkeys(keys):  # priority 0 and the queue itself are the same key
            pipe.lrange(key, start, start + _CHUNK - 1)
        if start == 0:
            pipe.hvals(channel.unacked_key)
        replies = pipe.execute()
        lists = replies[:-1] if start == 0 else replies
        if start == 0:
            found.update(_task_id(json.loads(value)[0]) for value in replies[-1])
        for messages in lists:
            found.update(_task_id(json.loads(message)) for message in messages)
        if not any(len(messages) == _CHUNK for messages in lists):
            break
        start += _CHUNK
    found.discard("")
    return found


def _task_id(payload: dict[str, Any]) -> str:
    """Task protocol 2 carries the id in the headers; protocol 1 in the body's properties."""
    headers = payload.get("headers") or {}
    properties = payload.get("properties") or {}
    return str(headers.get("id") or properties.get("correlation_id") or "")
