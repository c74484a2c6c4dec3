"""``python -m detector FILE --jobs 2``: a worker killed by a signal (the out-of-memory killer's
SIGKILL) stops the run promptly with a one-line message and exit status 1 — no hang (what
``multiprocessing.Pool`` did: it respawned the worker and waited forever for its lost task),
no traceback."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from detector.simulate import iter_population, write_jsonl

ROOT = Path(__file__).resolve().parents[2]
PRODUCTS = 3000  # ~10 s of analysis with two workers: the kill lands well before the end
DEADLINE = 60.0  # seconds the run may take to stop once a worker is killed


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux: every thread's ``children`` file)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def workers(pid: int) -> list[int]:
    """The forked workers of ``pid``: its children running the same command line (not, say,
    multiprocessing's resource tracker)."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    same = []
    for child in children(pid):
        try:
            if Path(f"/proc/{child}/cmdline").read_bytes() == command:
                same.append(child)
        except OSError:
            continue
    return same


def test_a_killed_worker_stops_the_run_with_a_readable_error(tmp_path):
    path = tmp_path / "reviews.jsonl"
    write_jsonl(
        iter_population(PRODUCTS, seed=41, mix={"honest": 1.0}, review_counts=(20, 40)), path
    )
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.txt"
    command = [sys.executable, "-m", "detector", str(path), "--json", "--jobs", "2"]
    with out.open("wb") as sink, errors.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=stderr)
        try:
            # the analysis has begun once verdict lines reach the file; then kill one worker
            victim = None
            give_up = time.monotonic() + 300
            while victim is None and process.poll() is None and time.monotonic() < give_up:
                found = workers(process.pid) if out.stat().st_size > 0 else []
                victim = found[0] if found else None
                time.sleep(0.05)
            assert victim is not None, (
                f"no worker to kill: the run ended (status {process.poll()}) before one was "
                f"seen analysing; make PRODUCTS larger. stderr: {errors.read_text()}"
            )
            os.kill(victim, signal.SIGKILL)
            killed = time.monotonic()
            status = process.wait(timeout=DEADLINE)
            stopped = time.monotonic() - killed
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    message = errors.read_text()
    assert status == 1, (status, message)
    assert "Traceback" not in message, message
    assert "detector: a worker process died (signal 9: SIGKILL)" in message, message
    assert stopped < DEADLINE
    lines = out.read_bytes().split(b"\n")
    assert len(lines) - 1 < PRODUCTS  # the run stopped before every verdict was written
