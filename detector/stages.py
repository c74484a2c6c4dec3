"""Wall time per stage of a CLI run: ``python -m detector --profile``, read by bench_cli.py.

``with stages("read"): ...`` adds the block's wall time to the stage "read"; ``stages.add(name,
seconds)`` adds time measured elsewhere (a worker's CPU time in ``detector.analyze``). ``summary``
lists them in the order they first ran, as ``name 1.23 s``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Stages"]


class Stages:
    """Seconds per named stage, in the order the stages first ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._start = time.perf_counter()

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def summary(self) -> str:
        parts = [f"{name} {seconds:.2f} s" for name, seconds in self.seconds.items()]
        parts.append(f"total {time.perf_counter() - self._start:.2f} s")
        return ", ".join(parts)
