"""``python -m detector.warm``: compile every numba kernel the CLI runs into numba's disk cache.

Every kernel of ``detector`` is ``@njit(cache=True)``: compiled on its first call and written
next to its source (``__pycache__/*.nbi``, ``*.nbc``), then loaded from there by every later
process — forked ``--jobs`` workers too, since the cache is keyed by the source file, not the
process. A fresh checkout has no cache, so its first ``python -m detector`` compiled everything
while it ran: on the bench file (958,742 reviews, ``--jobs 2``) 65.4 s against 28 s warm, the
graph fit 13.9 s against 2.2 s, and every worker compiling the analysis kernels again for
itself. ``make install`` runs this module once instead.

It runs the CLI (``--json``, ``--reviews-out``, ``--reviewers-out``, ``--groups-out``: every
stage) on two small generated files in a temporary directory: a ``detector.simulate`` file of 60
products in the Amazon 2023 schema (times of day, a fitted reference model), and the same
reviews written in the 2018 schema (``overall``, ``unixReviewTime`` in whole seconds, a vote
string, each review repeated under a second variant ASIN, 997 reviewers of several products
each, so the graph fit groups its rows by reviewer), whose day-precision moments and
variant merging take kernels and signatures of their own. A kernel is compiled per argument
type signature, so what counts is running the code paths real files take, not the sizes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from detector import cli
from detector.simulate import iter_population, write_jsonl

__all__ = ["main"]

PRODUCTS = 60  # more than cli.MIN_OWN_PRODUCTS with 20+ reviews: the reference fit runs too
_REVIEWERS = 997  # the 2018 file's reviewers, each of a few products (the graph fit regroups)


def main() -> int:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="detector-warm-") as folder:
        modern = Path(folder) / "reviews.jsonl"
        population = iter_population(PRODUCTS, seed=1, review_counts=(20, 40))
        write_jsonl(population, modern)
        old = Path(folder) / "reviews-2018.jsonl"
        old.write_text("".join(_as_2018(modern)), encoding="utf-8")
        for path in (modern, old):
            outputs = ["--reviews-out", "--reviewers-out", "--groups-out"]
            argv = [str(path), "--json"]
            for option in outputs:
                argv += [option, os.devnull]
            with contextlib.redirect_stderr(io.StringIO()) as messages:
                status = cli.main(argv, out=io.StringIO())
            if status != 0:
                print(f"detector.warm: {messages.getvalue().strip()}", file=sys.stderr)
                return status
    seconds = time.perf_counter() - start
    print(f"detector.warm: numba kernels compiled and cached in {seconds:.1f} s", file=sys.stderr)
    return 0


def _as_2018(path: Path) -> list[str]:
    """The file's reviews as Amazon 2018 lines, each also listed under a second variant ASIN."""
    lines: list[str] = []
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream):
            review = json.loads(line)
            record = {
                "overall": review["rating"],
                "verified": review.get("verified_purchase", False),
                "reviewerID": f"A{number % _REVIEWERS}",  # reviewers of several products
                "asin": review["parent_asin"],
                "unixReviewTime": review["timestamp"] // 1000,
                "reviewText": review.get("text", ""),
                "summary": review.get("title", ""),
            }
            if review.get("helpful_vote"):
                record["vote"] = f"{review['helpful_vote']:,}"
            lines.append(json.dumps(record) + "\n")
            lines.append(json.dumps({**record, "asin": review["parent_asin"] + "-2"}) + "\n")
    return lines


if __name__ == "__main__":
    sys.exit(main())
