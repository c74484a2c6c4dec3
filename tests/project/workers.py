"""Real Celery worker processes for integration tests, each consuming a private queue."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_worker(
    *, queue: str, node: str, env: Mapping[str, str], stderr: int | None = None
) -> subprocess.Popen[bytes]:
    """A solo worker named ``node`` on ``queue``, in its own process group.

    Without mingle and gossip it starts in about a second: it has no peers to talk to.
    """
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "reviewsec",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            "-Q",
            queue,
            "--loglevel=info",
            f"--hostname={node}",
        ],
        cwd=ROOT,
        env=dict(env),
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    """A warm shutdown (SIGTERM), and SIGKILL for the whole tree if it hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill_tree(process)


def kill_tree(process: subprocess.Popen[bytes]) -> list[int]:
    """SIGKILL the worker, its process group and every descendant, as a crash or the OOM killer
    would: the crawl child runs in a session of its own, so the group alone would miss it.
    Returns the pids killed."""
    victims = [process.pid, *descendants(process.pid)]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    for pid in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)
    return victims


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, read from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def wait_until(condition: Callable[[], bool], *, timeout_s: float, every_s: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every_s)
    return condition()


@contextlib.contextmanager
def sending_through(app: object, broker_url: str) -> Iterator[None]:
    """Make this process send tasks through ``broker_url`` instead of running them eagerly."""
    conf = app.conf  # type: ignore[attr-defined]
    saved = conf.task_always_eager, conf.broker_url, conf.result_backend
    conf.task_always_eager, conf.broker_url, conf.result_backend = False, broker_url, broker_url
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url, conf.result_backend = saved
