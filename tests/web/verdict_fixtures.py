"""Analyses of the demo market's products with real detector verdicts, for page tests."""

from __future__ import annotations

import functools
from typing import Any

import detector
from reviewsec.analyses.models import Analysis
from reviewsec.analyses.services import reference_model_active
from reviewsec.catalog.models import Product


@functools.lru_cache(maxsize=16)
def _demo_verdict(scenario: str) -> tuple[Any, dict[str, Any]]:
    from reviewsec.demo_market.products import demo_catalogue

    simulated = next(p for p in demo_catalogue() if p.scenario == scenario)
    return simulated, {}


def demo_analysis(scenario: str) -> Analysis:
    """The demo product of ``scenario`` (``boost``, ``tiny``, …) with its verdict stored."""
    simulated, cache = _demo_verdict(scenario)
    row, model = reference_model_active()
    if row.id not in cache:
        verdict = detector.analyze(dict(simulated.to_arrays()), reference=model).to_dict()
        n = verdict["reviews_analyzed"]
        verdict["collection"] = {"reviews_analyzed": n, "sources": {"crawler": n}}
        cache[row.id] = verdict
    verdict = cache[row.id]
    product, _ = Product.objects.get_or_create(
        marketplace="demo",
        asin=simulated.asin,
        defaults={"title": simulated.title, "brand": simulated.brand},
    )
    return Analysis.objects.create(
        product=product,
        reference_model=row,
        detector_version=verdict["detector_version"],
        verdict=verdict,
        category=verdict["verdict"]["category"],
        reviews_analyzed=verdict["reviews_analyzed"],
        pci=(verdict.get("consistency") or {}).get("pci"),
        ero_satisfaction=(verdict.get("ero") or {}).get("satisfaction"),
    )
