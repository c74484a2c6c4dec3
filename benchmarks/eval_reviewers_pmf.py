"""Held-out RMSE of quality-weighted vs vanilla PMF on the real Amazon 2018 5-core files.

    nice -n 10 .venv/bin/python benchmarks/eval_reviewers_pmf.py

Temporal split: every reviewer with at least 3 reviews in a file has their latest review held out
(ties in time: the last row); everything else trains. Stage-1 quality (detector.reviewers.quality)
is computed from the training rows' votes only (votes are a snapshot, so this is generous to
neither side); weighted PMF uses its ``weight(strength=γ)`` (quality^γ, mean 1) as precision for
γ = 1, ½, ¼ (all printed: γ is not tuned away from the test rows), vanilla PMF weight 1. Same rank,
penalties, sweeps and seed for both. Baselines: the training mean, and each product's training
mean shrunk by 5 pseudo-ratings to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_reviewers_data import files, load_2018

from detector.reviewers.graph import ReviewGraph, review_graph
from detector.reviewers.pmf import pmf_fit
from detector.reviewers.quality import review_quality


def split(graph: ReviewGraph) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((np.arange(graph.n_reviews), graph.timestamp_ms, graph.reviewer))
    last = np.ones(graph.n_reviews, dtype=bool)
    last[order[:-1]] = graph.reviewer[order[:-1]] != graph.reviewer[order[1:]]
    enough = graph.reviews_per_reviewer()[graph.reviewer] >= 3
    test = last & enough
    return np.flatnonzero(~test), np.flatnonzero(test)


def subgraph(graph: ReviewGraph, rows: np.ndarray) -> ReviewGraph:
    def take(a: np.ndarray | None) -> np.ndarray | None:
        return None if a is None else a[rows]

    return ReviewGraph(
        reviewer=graph.reviewer[rows],
        product=graph.product[rows],
        rating=graph.rating[rows],
        timestamp_ms=graph.timestamp_ms[rows],
        reviewer_labels=graph.reviewer_labels,
        product_labels=graph.product_labels,
        verified=take(graph.verified),
        helpful_votes=take(graph.helpful_votes),
        text_length=take(graph.text_length),
    )


def rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


def main() -> None:
    names = ("global", "item", "PMF", "wPMF", "wPMF.5", "wPMF.25")
    print(f"{'file':34} {'train':>6} {'test':>5} " + " ".join(f"{k:>7}" for k in names))
    totals: dict[str, list[float]] = {k: [] for k in names}
    sizes: list[int] = []
    for path in files():
        d = load_2018(path)
        graph = review_graph(
            user_id=d["user"],
            product_id=d["asin"],
            rating=d["rating"],
            timestamp_ms=d["time"],
            verified=d["verified"],
            helpful_votes=d["votes"],
            text_length=d["length"],
        )
        train, test = split(graph)
        truth = graph.rating[test]
        mu = float(graph.rating[train].mean())
        sums = np.bincount(graph.product[train], graph.rating[train], graph.n_products)
        counts = np.bincount(graph.product[train], minlength=graph.n_products)
        item = ((sums + 5 * mu) / (counts + 5))[graph.product[test]]
        quality = review_quality(subgraph(graph, train))
        vanilla = pmf_fit(graph, rows=train)
        row = {
            "global": rmse(np.full(test.size, mu), truth),
            "item": rmse(item, truth),
            "PMF": rmse(vanilla.predict(graph.reviewer[test], graph.product[test]), truth),
        }
        for name, strength in (("wPMF", 1.0), ("wPMF.5", 0.5), ("wPMF.25", 0.25)):
            weight = np.ones(graph.n_reviews)
            weight[train] = quality.weight(strength=strength)
            weighted = pmf_fit(graph, weight, rows=train)
            predicted = weighted.predict(graph.reviewer[test], graph.product[test])
            row[name] = rmse(predicted, truth)
        for k, v in row.items():
            totals[k].append(v**2 * test.size)
        sizes.append(test.size)
        print(
            f"{path.name:34} {train.size:6} {test.size:5} "
            + " ".join(f"{row[k]:7.4f}" for k in names)
        )
    pooled = {k: float(np.sqrt(sum(v) / sum(sizes))) for k, v in totals.items()}
    print(f"{'pooled':34} {'':6} {sum(sizes):5} " + " ".join(f"{pooled[k]:7.4f}" for k in names))


if __name__ == "__main__":
    main()
