"""Log lines name the job and the task they belong to; ``LOG_FORMAT=json`` writes JSON lines."""

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from reviewsec.analyses.models import CrawlJob, JobState
from reviewsec.analyses.tasks import crawl_job_task
from reviewsec.logs import ContextFilter, JsonFormatter, PlainFormatter, log_context
from tests.factories import make_product
from tests.project.workers import ROOT


class Records(logging.Handler):
    """What the console handler would get: records that went through ``ContextFilter``."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(ContextFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records(caplog) -> Iterator[list[logging.LogRecord]]:
    caplog.set_level(logging.INFO)
    handler = Records()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


@pytest.mark.django_db
def test_a_crawl_tasks_lines_carry_its_job_and_task_ids(records, settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    job = CrawlJob.objects.create(product=make_product(), state=JobState.DONE)

    result = crawl_job_task.apply(args=[job.id])  # a duplicate delivery: logged, then ignored

    ours = [r for r in records if r.name.startswith(("reviewsec.", "celery."))]
    names = {record.name for record in ours}
    assert {"reviewsec.analyses.services", "celery.app.trace"} <= names, names
    assert all(record.job_id == job.id and record.task_id == result.id for record in ours)


def test_lines_outside_a_task_carry_no_ids(records) -> None:
    logging.getLogger("reviewsec.test").warning("between jobs")

    assert getattr(records[-1], "job_id", None) is None
    assert records[-1].context == ""


def test_the_plain_format_ends_with_the_ids(records) -> None:
    with log_context(job_id=42, task_id="abc"):
        logging.getLogger("reviewsec.test").warning("fetched %d pages", 3)

    line = PlainFormatter().format(records[-1])

    assert line.endswith("WARNING reviewsec.test fetched 3 pages job_id=42 task_id=abc")


def test_the_json_format_is_one_object_per_line(records) -> None:
    with log_context(job_id=42, task_id="abc"):
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("reviewsec.test").exception("crawl\nfailed")

    line = JsonFormatter().format(records[-1])

    assert "\n" not in line
    payload = json.loads(line)
    assert payload["level"] == "ERROR" and payload["logger"] == "reviewsec.test"
    assert payload["message"] == "crawl\nfailed"
    assert payload["job_id"] == 42 and payload["task_id"] == "abc"
    assert "ValueError: boom" in payload["exception"]
    assert payload["time"].endswith("+00:00")


def test_log_format_json_switches_the_console_handler() -> None:
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "reviewsec.settings"}
    code = "import logging; logging.getLogger('reviewsec.test').warning('hello')"
    completed = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    lines = [line for line in completed.stderr.splitlines() if "reviewsec.test" in line]
    assert json.loads(lines[-1])["message"] == "hello", completed.stderr
