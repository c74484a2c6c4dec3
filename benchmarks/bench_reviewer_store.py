"""Time storing a fit's ReviewerScore rows: the bulk path of reviewer_fits against the previous one.

    nice -n 10 .venv/bin/python benchmarks/bench_reviewer_store.py [--reviewers 94000]
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/bench_reviewer_store.py   # COPY

Uses a fresh SQLite file under /tmp (or DATABASE_URL's database: it creates and drops its own
rows only — a marketplace "bench-store"). ``N`` reviewers with one planted score each; "previous"
is the code before issue 15 item 4 (bulk_create of 5,000-row batches, each its own autocommit
transaction, values converted element by element); "now" is
``reviewsec.analyses.reviewer_fits._scores_store`` (COPY on PostgreSQL, one transaction on
SQLite).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviewers", type=int, default=94_000)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsec.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from detector.reviewers import review_graph_from_codes, reviewer_scores
    from reviewsec.analyses import reviewer_fits
    from reviewsec.analyses.reviewer_graph import StoredGraph
    from reviewsec.analyses.reviewer_models import ReviewerGraphFit, ReviewerScore
    from reviewsec.catalog.models import Reviewer

    n = args.reviewers
    Reviewer.objects.filter(marketplace="bench-store").delete()
    Reviewer.objects.bulk_create(
        [Reviewer(marketplace="bench-store", profile_id=f"p{k}") for k in range(n)],
        batch_size=5000,
    )
    pks = np.array(
        Reviewer.objects.filter(marketplace="bench-store")
        .order_by("id")
        .values_list("id", flat=True)
    )
    rng = np.random.default_rng(4)
    m = 3 * n
    graph = review_graph_from_codes(
        reviewer=np.concatenate([np.arange(n), rng.integers(0, n, m - n)]),
        product=rng.integers(0, max(n // 10, 1), m),
        rating=rng.integers(1, 6, m),
        timestamp_ms=rng.integers(0, 10**11, m),
    )
    scores = reviewer_scores(graph)
    stored = StoredGraph(
        graph=graph,
        reviewer_pk=pks.astype(np.int64),
        review_pk=np.full(n, -1, dtype=np.int64),
        row_review_pk=np.full(m, -1, dtype=np.int64),
        row_history_pk=np.full(m, -1, dtype=np.int64),
        product_keys=[],
        last_review_id=0,
        last_history_id=0,
    )

    def previous(row: ReviewerGraphFit) -> None:
        fit = scores.reliability
        counts = graph.reviews_per_reviewer()
        rows = (
            ReviewerScore(
                fit=row,
                reviewer_id=int(stored.reviewer_pk[code]),
                review_id=None,
                reviews=int(counts[code]),
                alpha=float(fit.alpha[code]),
                reliability=float(fit.reliability[code]),
                confidence=float(fit.confidence[code]),
                suspicion=float(scores.reviewer_suspicion[code]),
            )
            for code in range(n)
        )
        for batch in reviewer_fits._batches(rows):
            ReviewerScore.objects.bulk_create(batch)

    def now(row: ReviewerGraphFit) -> None:
        reviewer_fits._scores_store(row, stored, scores)

    print(f"{connection.vendor}: {n:,} ReviewerScore rows")
    timings = {}
    for name, store in (("previous", previous), ("now", now)):
        row = ReviewerGraphFit.objects.create(version=f"bench-store-{name}-{time.time_ns()}")
        start = time.perf_counter()
        store(row)
        timings[name] = time.perf_counter() - start
        assert ReviewerScore.objects.filter(fit=row).count() == n
        row.delete()
        print(f"  {name:9} {timings[name]:7.2f} s  ({n / timings[name]:,.0f} rows/s)")
    print(f"  speed-up  {timings['previous'] / timings['now']:7.1f}x")
    Reviewer.objects.filter(marketplace="bench-store").delete()


if __name__ == "__main__":
    main()
