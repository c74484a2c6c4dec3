"""Log lines that say which job they belong to, as plain text (development) or JSON (production).

``LOG_FORMAT=json`` switches ``settings.LOGGING`` to :class:`JsonFormatter`: one JSON object per
line, ready for a log shipper. Either way :class:`ContextFilter` stamps every record with the
fields bound by :func:`log_context` in the emitting thread (or asyncio task): a Celery task binds
its ``task_id`` and, for a crawl job, the ``job_id`` (``reviewsec.celery``), so the task's own
lines, the services it calls and Celery's "succeeded"/"raised" lines all carry them.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

# The fields a record may carry from its context, in the order they are printed.
CONTEXT_FIELDS = ("job_id", "task_id")

# Never mutated in place: binding sets a new mapping, so contexts copied into threads stay apart.
_context: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "reviewsec_log_context", default=MappingProxyType({})
)


def log_context_bind(**fields: Any) -> contextvars.Token[Mapping[str, Any]]:
    """Add ``fields`` to every later record of this context; undo with :func:`log_context_reset`."""
    return _context.set({**_context.get(), **fields})


def log_context_reset(token: contextvars.Token[Mapping[str, Any]]) -> None:
    _context.reset(token)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    token = log_context_bind(**fields)
    try:
        yield
    finally:
        log_context_reset(token)


class ContextFilter(logging.Filter):
    """Copy the bound context onto the record, unless the call passed its own (``extra=``).

    It is a handler filter, so it runs in the thread that logged, where the context lives, and
    sees records propagated from every logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context.get().items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        present = [(name, getattr(record, name, None)) for name in CONTEXT_FIELDS]
        record.context = "".join(f" {name}={value}" for name, value in present if value is not None)
        return True


class ExpectedFailureFilter(logging.Filter):
    """Drop a record whose exception marks itself ``expected_failure`` (a robot check, a 404).

    In-process mode runs tasks eagerly, and Celery logs every exception a task raises as ERROR with
    a traceback; an expected shop answer is already recorded on its job with a readable reason and
    logged in one line by the dispatcher.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not getattr(error, "expected_failure", False)


class PlainFormatter(logging.Formatter):
    """``time LEVEL logger message job_id=… task_id=…``: for people reading a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        return super().formatMessage(record) + getattr(record, "context", "")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, context fields,
    and the formatted traceback under ``exception`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                payload[name] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return json.dumps(payload, default=str, ensure_ascii=False)
