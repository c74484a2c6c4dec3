"""Fixed-seed outputs of the reviewer layer, saved before a speed change and compared after it.

    .venv/bin/python benchmarks/reviewers_snapshot.py ref /tmp/before.npz   # on the old code
    .venv/bin/python benchmarks/reviewers_snapshot.py check /tmp/before.npz # on the new code

Two simulated markets (benchmarks/eval_reviewers_adjusted.py, seeds 11 and 3, 120 products) under
four options each (default; directional classes; plain residuals without the campaign prior;
rank scale) and a planted graph of 2·10⁵ ratings (bench_reviewers.py's generator) with an online
update of 500 ratings: reliabilities, qualities, every feature, the mixture's tables and log
odds, reviewer and review suspicions and each product's adjusted rating (246 arrays). ``check``
prints the arrays that differ beyond ``np.allclose(rtol=1e-9, atol=1e-12)`` and the largest
absolute difference: a speed change must leave them to float rounding.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
from eval_reviewers_adjusted import simulate_market

from detector.reviewers.adjusted import adjusted_rating, suspicion_weight
from detector.reviewers.graph import ReviewGraph, graph_append, review_graph_from_codes
from detector.reviewers.reliability import reliability_fit, reliability_update
from detector.reviewers.suspicion import ReviewerScores, reviewer_scores

Arrays = dict[str, np.ndarray[Any, Any]]


def planted(n: int, seed: int) -> tuple[ReviewGraph, np.random.Generator]:
    n_reviewers, n_products = max(n // 10, 10), max(n // 100, 10)
    rng = np.random.default_rng(seed)
    sigma = rng.choice([0.3, 1.0, 2.0], size=n_reviewers, p=[0.1, 0.7, 0.2])
    quality = rng.uniform(1.5, 4.8, size=n_products)
    reviewer = rng.integers(0, n_reviewers, size=n)
    product = rng.integers(0, n_products, size=n)
    rating = np.clip(np.rint(quality[product] + sigma[reviewer] * rng.standard_normal(n)), 1, 5)
    times = rng.integers(1_500_000_000_000, 1_500_000_000_000 + 3 * 365 * 86_400_000, size=n)
    verified = rng.random(n) < 0.8
    return review_graph_from_codes(
        reviewer=reviewer, product=product, rating=rating, timestamp_ms=times, verified=verified
    ), rng


def dump(prefix: str, scores: ReviewerScores, graph: ReviewGraph, out: Arrays) -> None:
    fit = scores.reliability
    for name in ("alpha", "reliability", "confidence", "quality", "quality_se"):
        out[f"{prefix}.fit.{name}"] = getattr(fit, name)
    out[f"{prefix}.reviewer_suspicion"] = scores.reviewer_suspicion
    out[f"{prefix}.review_suspicion"] = scores.review_suspicion
    out[f"{prefix}.trust"] = scores.trust
    if scores.review_suspicion_others is not None:
        out[f"{prefix}.others"] = scores.review_suspicion_others
    f = scores.features
    for name in (
        "reviews",
        "history",
        "deviation",
        "deviation_from_mean",
        "extremity",
        "burstiness",
        "verified_share",
        "review_deviation",
        "review_residual",
    ):
        out[f"{prefix}.feat.{name}"] = np.asarray(getattr(f, name), dtype=np.float64)
    if scores.mixture is not None:
        m = scores.mixture
        out[f"{prefix}.mix.prior"] = m.class_prior
        out[f"{prefix}.mix.residual"] = m.residual_table
        out[f"{prefix}.mix.log_odds"] = m.log_odds
        out[f"{prefix}.mix.iterations"] = np.array([m.iterations], float)
        for k, t in m.feature_tables.items():
            out[f"{prefix}.mix.table.{k}"] = t
    weights = suspicion_weight(scores.review_suspicion)
    base = float((weights < 0.5).mean())
    order = np.argsort(graph.product, kind="stable")
    bounds = np.searchsorted(graph.product[order], np.arange(graph.n_products + 1))
    adj = []
    for p in range(graph.n_products):
        rows = order[bounds[p] : bounds[p + 1]]
        r = adjusted_rating(
            graph.rating[rows], scores.review_suspicion[rows], base_suspect_share=base
        )
        adj.append([r.adjusted_rating, r.interval[0], r.interval[1], r.plain_mean, r.suspect_share])
    out[f"{prefix}.adjusted"] = np.array(adj)


def compute() -> Arrays:
    out: Arrays = {}
    for seed in (11, 3):
        market = simulate_market(seed, n_products=120)
        g = market.graph
        dump(f"m{seed}", reviewer_scores(g), g, out)
        dump(f"m{seed}.dir", reviewer_scores(g, directional=True), g, out)
        dump(f"m{seed}.plain", reviewer_scores(g, standardise=False, campaign=False), g, out)
        dump(f"m{seed}.rank", reviewer_scores(g, scale="rank"), g, out)
    g, rng = planted(200_000, 15)
    fit = reliability_fit(g, tol=1e-6)
    dump("planted", reviewer_scores(g, fit=fit), g, out)
    k = 500
    bigger = graph_append(
        g,
        user_id=[str(u) for u in rng.integers(0, g.n_reviewers, size=k)],
        product_id=[str(p) for p in rng.integers(0, g.n_products, size=k)],
        rating=rng.integers(1, 6, size=k),
        timestamp_ms=np.zeros(k, dtype=np.int64),
    )
    upd = reliability_update(fit, bigger, first_new_row=g.n_reviews, tol=1e-6)
    out["planted.update.alpha"] = upd.alpha
    out["planted.update.quality"] = upd.quality
    dump("planted.upd", reviewer_scores(bigger, fit=upd), bigger, out)
    return out


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    out = compute()
    if mode == "ref":
        np.savez(path, **out)  # type: ignore[arg-type]
        print(f"saved {len(out)} arrays")
        return
    ref = np.load(path)
    if set(ref.files) != set(out):
        raise SystemExit(f"different arrays: {sorted(set(ref.files) ^ set(out))}")
    bad, worst = 0, 0.0
    for name in ref.files:
        a, b = ref[name], out[name]
        same = a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)
        if a.shape == b.shape and a.size:
            with np.errstate(invalid="ignore"):
                worst = max(worst, float(np.nanmax(np.abs(a - b))))
        if not same:
            bad += 1
            print("MISMATCH", name, a.shape, b.shape)
    print(f"{len(ref.files)} arrays, {bad} mismatches, max abs diff {worst:.3g}")


if __name__ == "__main__":
    main()
