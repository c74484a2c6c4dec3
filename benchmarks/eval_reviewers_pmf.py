"""Held-out RMSE of quality-weighted vs vanilla PMF on the real Amazon 2018 5-core files.

    nice -n 10 .venv/bin/python benchmarks/eval_reviewers_pmf.py

Reviews are read once per listing (eval_reviewers_data: the 2018 files repeat a review under every
variant ASIN). Temporal split: every reviewer with at least 3 reviews in a file has their latest
review held out as **test** (ties in time: the last row); everything else is *train*. Inside train
the same rule again gives a **validation** review per reviewer with at least 3 train reviews; the
hyperparameters are chosen on validation (one choice for all five files: the smallest pooled
validation RMSE), then everything is refitted on the whole train set and scored once on test.

- vanilla PMF: penalty λ ∈ {2, 5, 10} on the factors (biases 2, rank 5, 20 sweeps, seed 0);
- weighted PMF, paper weights: w = stage-1 quality q rescaled to mean 1 (the earlier default);
- weighted PMF, measured precision (detector.reviewers.quality.precision_weights): w ∝ 1/E[e²|q]
  from the log-variance regression on the vanilla fit's training residuals, w^γ, γ ∈ {½, 1},
  with λ ∈ {2, 5, 10}.

Stage-1 quality always comes from the rows the model trains on (votes are a snapshot, so this is
generous to neither side). Baselines: the training mean; each product's mean shrunk by 5
pseudo-ratings to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_reviewers_data import files, load_2018

from detector.reviewers.graph import ReviewGraph, review_graph
from detector.reviewers.pmf import pmf_fit
from detector.reviewers.quality import precision_weights, review_quality

PENALTIES = (2.0, 5.0, 10.0)
STRENGTHS = (0.5, 1.0)


def held_out(graph: ReviewGraph, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(kept, held): among ``rows``, the latest review of each reviewer with ≥ 3 of them."""
    order = rows[np.lexsort((rows, graph.timestamp_ms[rows], graph.reviewer[rows]))]
    reviewer = graph.reviewer[order]
    last = np.ones(order.size, dtype=bool)
    last[:-1] = reviewer[:-1] != reviewer[1:]
    counts = np.bincount(reviewer, minlength=graph.n_reviewers)
    held = last & (counts[reviewer] >= 3)
    return np.sort(order[~held]), np.sort(order[held])


def split(graph: ReviewGraph) -> tuple[np.ndarray, np.ndarray]:
    return held_out(graph, np.arange(graph.n_reviews))


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


def squared_errors(graph: ReviewGraph, train: np.ndarray, score: np.ndarray) -> dict[str, float]:
    """Σ (r − r̂)² on ``score`` rows for every configuration, fitted on ``train`` rows."""
    truth = graph.rating[score]
    quality = review_quality(subgraph(graph, train))
    out: dict[str, float] = {}

    def sse(weight: np.ndarray | None, penalty: float) -> float:
        fit = pmf_fit(graph, weight, rows=train, regularization=penalty)
        return float(
            np.sum((fit.predict(graph.reviewer[score], graph.product[score]) - truth) ** 2)
        )

    paper = np.ones(graph.n_reviews)
    paper[train] = quality.weight()
    out["wPMF q (paper)"] = sse(paper, 5.0)
    for penalty in PENALTIES:
        vanilla = pmf_fit(graph, rows=train, regularization=penalty)
        out[f"PMF λ={penalty:g}"] = float(
            np.sum((vanilla.predict(graph.reviewer[score], graph.product[score]) - truth) ** 2)
        )
        residual = graph.rating[train] - vanilla.predict(
            graph.reviewer[train], graph.product[train]
        )
        for strength in STRENGTHS:
            weight = np.ones(graph.n_reviews)
            weight[train] = precision_weights(quality, residual, strength=strength)
            out[f"wPMF λ={penalty:g} γ={strength:g}"] = sse(weight, penalty)
    return out


def main() -> None:
    graphs = []
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
        inner, validation = held_out(graph, train)
        graphs.append((path.name, graph, train, test, inner, validation))

    validation_sse: dict[str, float] = {}
    validation_n = 0
    for _, graph, _, _, inner, validation in graphs:
        for name, value in squared_errors(graph, inner, validation).items():
            validation_sse[name] = validation_sse.get(name, 0.0) + value
        validation_n += validation.size
    val = {name: float(np.sqrt(v / validation_n)) for name, v in validation_sse.items()}
    best_vanilla = min((k for k in val if k.startswith("PMF")), key=val.__getitem__)
    best_weighted = min((k for k in val if k.startswith("wPMF λ")), key=val.__getitem__)
    print(f"validation ({validation_n} reviews, pooled RMSE):")
    for name, value in sorted(val.items(), key=lambda kv: kv[1]):
        mark = " <- chosen" if name in (best_vanilla, best_weighted) else ""
        print(f"  {name:24} {value:.4f}{mark}")

    columns = ("global", "item", "PMF", "wPMF q", "wPMF meas.")
    print(f"\ntest: vanilla = {best_vanilla}, measured-precision wPMF = {best_weighted}")
    print(f"{'file':34} {'train':>6} {'test':>5} " + " ".join(f"{k:>10}" for k in columns))
    totals = dict.fromkeys(columns, 0.0)
    n_test = 0
    for name, graph, train, test, _, _ in graphs:
        truth = graph.rating[test]
        mu = float(graph.rating[train].mean())
        sums = np.bincount(graph.product[train], graph.rating[train], graph.n_products)
        counts = np.bincount(graph.product[train], minlength=graph.n_products)
        item = ((sums + 5 * mu) / (counts + 5))[graph.product[test]]
        errors = squared_errors(graph, train, test)
        row = {
            "global": float(np.sum((mu - truth) ** 2)),
            "item": float(np.sum((item - truth) ** 2)),
            "PMF": errors[best_vanilla],
            "wPMF q": errors["wPMF q (paper)"],
            "wPMF meas.": errors[best_weighted],
        }
        for k, v in row.items():
            totals[k] += v
        n_test += test.size
        print(
            f"{name:34} {train.size:6} {test.size:5} "
            + " ".join(f"{np.sqrt(row[k] / test.size):10.4f}" for k in columns)
        )
    print(
        f"{'pooled':34} {'':6} {n_test:5} "
        + " ".join(f"{np.sqrt(totals[k] / n_test):10.4f}" for k in columns)
    )
    gain = np.sqrt(totals["PMF"] / n_test) - np.sqrt(totals["wPMF meas."] / n_test)
    print(f"measured-precision wPMF minus vanilla PMF: {-gain:+.4f} RMSE (negative = better)")


if __name__ == "__main__":
    main()
