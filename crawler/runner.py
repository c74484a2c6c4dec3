"""Run one crawl in a fresh child process and bring back its outcome.

Twisted's reactor cannot be restarted, so a long-lived Celery worker must not run Scrapy
itself (scrapy#1647, scrapy#5026). :func:`run_crawl` starts ``python -m crawler.run_job`` with
the worker's environment (Django settings included), relays its progress lines to a callback
in the calling thread, enforces a time limit, and returns the
:class:`~crawler.outcome.CrawlOutcome` the child wrote — or a "crashed"/"timeout" outcome when it
wrote none.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from crawler.hosts import demo_mirror_refusal
from crawler.outcome import CrawlOutcome, Reason, Status, describe
from crawler.run_job import DEFAULT_MAX_REVIEWERS, WAIT_FOR_JOB
from marketplaces import DEMO, ProductRef

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The child stops itself at timeout_s and saves what it has; this is how long it gets to do so
# before it is killed.
KILL_GRACE_S = 30.0


@dataclass
class CrawlProgress:
    """What a job row shows while the crawl runs (fields named like ``CrawlJob``'s)."""

    stage: str = ""
    pages_fetched: int = 0
    reviews_fetched: int = 0
    reviews_expected: int | None = None
    # Set once every review page is stored ("ok", "partial"…: the reviews stage's status),
    # before reviewer profiles are read: a first verdict can be made from them then.
    reviews_stored: str = ""
    _pages_by_stage: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def update(self, event: Mapping[str, Any]) -> None:
        """Fold one progress line of the child into the totals.

        The stage shown is the one started last; pages are counted by the stage that read
        them, since two stages may run at once (``REVIEWSEC_STAGES_AT_ONCE``)."""
        kind = event.get("event")
        if kind == "reviews_stored":
            self.reviews_stored = str(event.get("status") or "")
            return
        stage = str(event.get("stage", self.stage))
        if kind == "stage":
            self.stage = stage
        if kind != "progress":
            return
        self._pages_by_stage[stage] = int(event.get("pages") or 0)
        self.pages_fetched = sum(self._pages_by_stage.values())
        if stage == "reviews":
            self.reviews_fetched = int(event.get("items") or 0)
            self.reviews_expected = event.get("reviews_expected", self.reviews_expected)


ProgressCallback = Callable[[CrawlProgress], None]
_RELAYED = {"progress", "stage", "reviews_stored"}


def crawl_command(
    ref: ProductRef,
    *,
    base_url: str | None,
    store: bool,
    outcome_path: Path,
    timeout_s: float,
    max_pages: int = 0,
    max_reviewers: int = DEFAULT_MAX_REVIEWERS,
    known_reviews_path: Path | None = None,
) -> list[str]:
    command = [sys.executable, "-m", "crawler.run_job", "--marketplace", ref.marketplace]
    command += ["--asin", ref.asin, "--outcome", str(outcome_path)]
    command += ["--timeout-s", str(timeout_s), "--max-pages", str(max_pages)]
    command += ["--max-reviewers", str(max_reviewers)]
    if base_url:
        command += ["--base-url", base_url]
    if known_reviews_path is not None:
        command += ["--known-reviews", str(known_reviews_path)]
    if store:
        command.append("--store")
    return command


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The worker's environment, with the settings modules the child needs."""
    environment = dict(os.environ)
    environment.setdefault("DJANGO_SETTINGS_MODULE", "reviewsec.settings")
    environment["SCRAPY_SETTINGS_MODULE"] = "crawler.settings"
    environment["PYTHONUNBUFFERED"] = "1"
    path = environment.get("PYTHONPATH", "")
    environment["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), path) if p)
    environment.update(extra or {})
    return environment


def run_crawl(
    ref: ProductRef,
    *,
    base_url: str | None,
    store: bool,
    outcome_path: str | os.PathLike[str],
    timeout_s: float,
    progress_callback: ProgressCallback | None = None,
    max_pages: int = 0,
    max_reviewers: int = DEFAULT_MAX_REVIEWERS,
    known_reviews: Collection[str] | None = None,
    log_path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    kill_grace_s: float = KILL_GRACE_S,
    warm: bool = False,
) -> CrawlOutcome:
    """Crawl product → reviews → reviewers in a child process; block until it is done.

    ``base_url`` points the crawl at a mirror; the demo market needs one (default: the
    ``DEMO_MARKET_BASE_URL`` environment variable). ``known_reviews``, the ids of the reviews
    already stored, makes the crawl incremental (``None``: a full crawl). The child's Scrapy
    log goes to ``log_path`` (default: this process's stderr). ``warm`` runs the crawl in a
    spare child this process started after its previous crawl (``Spares``), if one is waiting
    for the same environment, and leaves a new one waiting.
    """
    outcome_file = Path(outcome_path)
    outcome_file.unlink(missing_ok=True)
    base_url = _base_url(ref, base_url)
    if ref.marketplace == DEMO and base_url:
        refusal = demo_mirror_refusal(base_url, child_environment(env))
        if refusal:  # the child would refuse it too; say so without starting one
            return replace(_failed(Reason.NOT_SERVED, error=refusal), retryable=False)
    warm = warm and log_path is None  # a spare's stderr is this process's own
    with _review_ids_file(known_reviews) as known_reviews_path:
        command = crawl_command(
            ref,
            base_url=base_url,
            store=store,
            outcome_path=outcome_file,
            timeout_s=timeout_s,
            max_pages=max_pages,
            max_reviewers=max_reviewers,
            known_reviews_path=known_reviews_path,
        )
        deadline = time.monotonic() + timeout_s + kill_grace_s
        finished, exit_code = _run_child(
            command, env, log_path, progress_callback, deadline, warm=warm
        )
    if warm:
        spares.prepare(env)  # for the next crawl, warming while this process analyses
    if not finished:
        return _failed(Reason.TIMEOUT)
    if outcome_file.exists():
        return CrawlOutcome.load(outcome_file)
    return _failed(Reason.CRASHED, exit_code=exit_code)


def _base_url(ref: ProductRef, base_url: str | None) -> str | None:
    if ref.marketplace != DEMO:
        return base_url
    base_url = base_url or os.environ.get("DEMO_MARKET_BASE_URL")
    if not base_url:
        raise ValueError("the demo market needs a base_url (or DEMO_MARKET_BASE_URL)")
    return base_url


@contextmanager
def _review_ids_file(review_ids: Collection[str] | None) -> Iterator[Path | None]:
    """The ids in a temporary file, one a line, for the child's ``--known-reviews``."""
    if review_ids is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="reviewsec-known-") as folder:
        path = Path(folder) / "known_reviews.txt"
        path.write_text("".join(f"{review_id}\n" for review_id in review_ids), encoding="utf-8")
        yield path


def _run_child(
    command: list[str],
    env: Mapping[str, str] | None,
    log_path: str | os.PathLike[str] | None,
    progress_callback: ProgressCallback | None,
    deadline: float,
    *,
    warm: bool = False,
) -> tuple[bool, int | None]:
    """Start the child (or hand the job to a spare) and follow it; (finished in time, exit
    code)."""
    log = open(log_path, "ab") if log_path else None  # noqa: SIM115 - closed below
    try:
        child = spares.take(env, command) if warm else None
        if child is None:
            child = _start(command, env, log)
        finished = _follow(child, progress_callback, deadline)
    finally:
        if log:
            log.close()
    return finished, child.returncode


def _start(
    command: list[str],
    env: Mapping[str, str] | None,
    log: IO[bytes] | None = None,
    *,
    spare: bool = False,
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=child_environment(env),
        stdin=subprocess.PIPE if spare else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,  # its own process group, so a kill takes its children too
    )


class Spares:
    """At most one warm child per environment, waiting for its job (``run_job --wait-for-job``).

    Measured first (issue 18, 2 busy cores): importing Scrapy and Django and ``django.setup()``
    took 0.4-4.5 s of every crawl's critical path. A spare does that between crawls instead.
    It is started after a crawl ends, not during one (it would take a core from it), and only
    with the environment it will run with (the database, the demo's settings). It ends with its
    parent: an empty stdin (the pipe closes when the parent dies) makes it exit, and
    ``atexit`` stops the ones left at a clean exit.
    """

    def __init__(self) -> None:
        self._waiting: dict[tuple[tuple[str, str], ...], subprocess.Popen[str]] = {}
        self._lock = threading.Lock()
        atexit.register(self.stop_all)

    @staticmethod
    def _key(env: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(child_environment(env).items()))

    def prepare(self, env: Mapping[str, str] | None) -> None:
        key = self._key(env)
        with self._lock:
            spare = self._waiting.get(key)
            if spare is not None and spare.poll() is None:
                return
            command = [sys.executable, "-m", "crawler.run_job", WAIT_FOR_JOB]
            self._waiting[key] = _start(command, env, spare=True)

    def take(
        self, env: Mapping[str, str] | None, command: list[str]
    ) -> subprocess.Popen[str] | None:
        """The waiting spare for ``env``, given ``command``'s job; None when there is none."""
        with self._lock:
            spare = self._waiting.pop(self._key(env), None)
        if spare is None or spare.poll() is not None or spare.stdin is None:
            return None
        try:
            spare.stdin.write(json.dumps(command[3:]) + "\n")  # after "python -m crawler.run_job"
            spare.stdin.close()
        except OSError:  # it died meanwhile
            return None
        return spare

    def stop_all(self) -> None:
        with self._lock:
            waiting, self._waiting = list(self._waiting.values()), {}
        for spare in waiting:
            with contextlib.suppress(OSError):
                if spare.stdin is not None:
                    spare.stdin.close()  # it exits on its own
            with contextlib.suppress(subprocess.TimeoutExpired):
                spare.wait(timeout=5)
            if spare.poll() is None:
                _kill(spare)


spares = Spares()


def _follow(
    child: subprocess.Popen[str], progress_callback: ProgressCallback | None, deadline: float
) -> bool:
    """Relay progress until the child reports its outcome or exits (True) or the deadline
    passes (False, killed).

    The outcome line comes after the outcome file is written, and the child takes a second or
    more to exit after it (the reactor's threads, the interpreter's teardown): the verdict
    need not wait for that, so a thread reaps the child meanwhile."""
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(child.stdout, lines), daemon=True)
    reader.start()
    progress = CrawlProgress()
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            _kill(child)
            return False
        if line is None:
            child.wait()
            return True
        event = _parse_event(line)
        if event and event.get("event") == "outcome":
            threading.Thread(target=_reap, args=(child,), daemon=True).start()
            return True
        if event and progress_callback and event.get("event") in _RELAYED:
            progress.update(event)
            progress_callback(progress)


def _reap(child: subprocess.Popen[str]) -> None:
    """Wait for a child that has reported its outcome to exit; stop it if it hangs."""
    try:
        child.wait(timeout=KILL_GRACE_S)
    except subprocess.TimeoutExpired:
        _kill(child)


def _read_lines(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
    if stream is not None:
        for line in stream:
            lines.put(line)
    lines.put(None)


def _parse_event(line: str) -> dict[str, Any] | None:
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


def _kill(child: subprocess.Popen[str]) -> None:
    """Stop the child's whole process group: politely, then for good."""
    for sig, wait_s in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            return
        try:
            child.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def _failed(reason: str, **details: Any) -> CrawlOutcome:
    return CrawlOutcome(
        status=Status.FAILED,
        reason_code=reason,
        message=describe(reason),
        retryable=True,
        details=details,
    )
