"""The reviewer layer on products of the two product generators, with their ground truth.

    nice -n 10 .venv/bin/python benchmarks/eval_reviewers_generated.py [--count 12]

Generators: the project's simulator (``detector.simulate.iter_population``: honest, boosts and
bad-mouthing of 15–30%) and the independent one (``benchmarks/independent_sim.py``, written
without reading detector/simulate; used read-only: its honest scenarios and the attacks of
15–30% — boost5, badmouth1, badmouth2, camouflage, incentivised). Neither gives user ids, so in a
graph every review is its own reviewer; both give the account's review count
(``reviewer_review_count``), which the graph takes as ``reported_reviews``.

Two ways the shipped pipeline computes a product's adjusted rating (the verdict's
``reviewers.adjusted_rating``), both measured through ``detector.analyze``:

- *one product* — no graph fit: ``analyze(arrays)`` (the lean-weighted path of
  ``detector.reviewers.evidence``);
- *file graph* — the generator's products in one review graph, as ``python -m detector FILE``
  fits them: ``reviewer_scores`` over the graph, each product's scores passed to ``analyze``.

Per generator: the share of the fakes' shift removed, 1 − Σ|adj − g| / Σ|plain − g| over attacked
products (g = the mean of the product's genuine reviews), and honest products' mean |adj − plain|
(goals, issue 15: ≥ 60% and < 0.05 stars). Then the review-level AUC of the graph's review
suspicion against the fake labels, beside the single signal "the account has one review"
(reviewer_review_count ≤ 1; ties count one half). Reviewer-level AUC equals the review-level one
here (one review per reviewer); ``eval_reviewers_adjusted.py``'s market has multi-review accounts.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_reviewers_rgmining import auc

import detector
from detector.reviewers import review_graph, reviewer_scores, suspicion_weight

BoolArray = npt.NDArray[np.bool_]
INDEPENDENT_ATTACKS = ("boost5", "badmouth1", "badmouth2", "camouflage", "incentivised")


@dataclass(frozen=True)
class Product:
    scenario: str
    arrays: dict[str, Any]
    fake: BoolArray

    @property
    def attacked(self) -> bool:
        return bool(self.fake.any())


def project_products(count: int, seed: int = 5) -> list[Product]:
    from detector.simulate import iter_population

    mix = {"honest": 0.5, "boost": 0.25, "badmouth": 0.25}
    return [
        Product(p.scenario, dict(p.to_arrays()), np.asarray(p.columns.is_fake, dtype=np.bool_))
        for p in iter_population(count, seed, mix=mix)
    ]


def independent_products(count: int, seed: int = 13) -> list[Product]:
    import independent_sim as ind

    return [
        Product(scenario, dict(ind.arrays(p)), np.asarray(p["truth"]["fake"], dtype=np.bool_))
        for scenario in (*ind.HONEST, *INDEPENDENT_ATTACKS)
        for p in ind.scenario_products(scenario, count, seed)
    ]


@dataclass(frozen=True)
class GraphScores:
    review_suspicion: npt.NDArray[np.float64]
    base_suspect_share: float
    offsets: npt.NDArray[np.int64]


def file_graph_scores(products: list[Product]) -> GraphScores:
    """One graph over all products (every review its own reviewer), as the CLI fits a file."""
    sizes = [p.arrays["rating"].size for p in products]
    arrays = {
        name: np.concatenate([np.asarray(p.arrays[name]) for p in products])
        for name in ("rating", "posted_at", "verified", "reviewer_review_count")
    }
    n = int(sum(sizes))
    graph = review_graph(
        user_id=[None] * n,
        product_id=np.repeat(np.arange(len(products)), sizes).astype(str),
        rating=arrays["rating"].astype(np.float64),
        timestamp_ms=arrays["posted_at"].astype("datetime64[ms]").astype(np.int64),
        verified=arrays["verified"].astype(np.bool_),
        reported_reviews=arrays["reviewer_review_count"].astype(np.float64),
    )
    scores = reviewer_scores(graph)
    suspicion = scores.review_suspicion
    base = float(np.mean(suspicion_weight(suspicion) < 0.5))
    return GraphScores(suspicion, base, np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64))


def adjusted(product: Product, scores: dict[str, Any] | None) -> float:
    verdict = detector.analyze(product.arrays, reviewer_scores=scores)
    value = None if verdict.reviewers is None else verdict.reviewers.adjusted_rating
    return float(np.mean(product.arrays["rating"])) if value is None else float(value)


def removed_share(products: list[Product], values: list[float]) -> float:
    """1 − Σ|adj − g| / Σ|plain − g| over the attacked products among ``products``."""
    left = caused = 0.0
    for product, value in zip(products, values, strict=True):
        if product.attacked:
            rating = np.asarray(product.arrays["rating"], dtype=np.float64)
            genuine = float(rating[~product.fake].mean())
            left += abs(value - genuine)
            caused += abs(float(rating.mean()) - genuine)
    return 1 - left / caused


def shift_figures(products: list[Product], values: list[float]) -> tuple[float, float, float]:
    """(share of the fakes' shift removed, honest mean |move|, honest p95 |move|)."""
    moves = [
        abs(value - float(np.mean(product.arrays["rating"])))
        for product, value in zip(products, values, strict=True)
        if not product.attacked
    ]
    return removed_share(products, values), float(np.mean(moves)), float(np.percentile(moves, 95))


def rows(products: list[Product]) -> Iterator[tuple[Product, slice]]:
    start = 0
    for product in products:
        end = start + int(product.arrays["rating"].size)
        yield product, slice(start, end)
        start = end


def evaluate(name: str, products: list[Product]) -> None:
    started = time.perf_counter()
    graph = file_graph_scores(products)
    single = [adjusted(p, None) for p in products]
    fitted = [
        adjusted(
            p,
            {
                "review_suspicion": graph.review_suspicion[r],
                "reviewer_reviews": np.ones(r.stop - r.start, dtype=np.int64),
                "base_suspect_share": graph.base_suspect_share,
            },
        )
        for p, r in rows(products)
    ]
    attacked = sum(p.attacked for p in products)
    print(
        f"\n{name}: {len(products)} products ({attacked} attacked), "
        f"{graph.offsets[-1]} reviews; {time.perf_counter() - started:.0f} s"
    )
    print(f"  {'adjusted rating':24} {'shift removed':>13} {'honest |move| mean':>18} {'p95':>6}")
    for label, values in (("one product (no graph)", single), ("file graph", fitted)):
        removed, mean_move, p95 = shift_figures(products, values)
        print(f"  {label:24} {removed:13.1%} {mean_move:18.3f} {p95:6.3f}")
    for scenario in dict.fromkeys(p.scenario for p in products):
        chosen = [i for i, p in enumerate(products) if p.scenario == scenario]
        subset = [products[i] for i in chosen]
        if not any(p.attacked for p in subset):
            continue
        one = removed_share(subset, [single[i] for i in chosen])
        two = removed_share(subset, [fitted[i] for i in chosen])
        print(f"    {scenario:22} removed: one product {one:6.1%}  file graph {two:6.1%}")
    fake = np.concatenate([p.fake for p in products])
    one_review = np.concatenate(
        [np.asarray(p.arrays["reviewer_review_count"], dtype=np.float64) <= 1 for p in products]
    ).astype(np.float64)
    print(
        f"  review-level AUC: suspicion {auc(graph.review_suspicion, fake):.3f}  "
        f"one-review account {auc(one_review, fake):.3f}  (reviewer-level: the same here)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=12, help="products per independent scenario")
    parser.add_argument("--project", type=int, default=96, help="products of the project's sim")
    args = parser.parse_args()
    evaluate("project simulator (detector.simulate)", project_products(args.project))
    evaluate(
        "independent generator (benchmarks/independent_sim.py)", independent_products(args.count)
    )


if __name__ == "__main__":
    main()
