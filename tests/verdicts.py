"""Analysis rows with DESIGN §3-shaped verdicts, for tests that need a stored verdict."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from reviewsec.analyses.models import Analysis
from reviewsec.catalog.models import Product

REASONS = {
    "normal": ["Ratings arrive consistently and every star group looks alike."],
    "suspicious": ["Ratings jumped between 2021-03-01 and 2021-04-02 (reviews 10–55)."],
    "highly_suspicious": [
        "Ratings jumped between 2021-03-01 and 2021-04-02 (reviews 10–55).",
        "5-star reviews are much shorter than the others (p = 0.001).",
    ],
    "insufficient_data": ["Only 7 reviews; at least 20 are needed."],
}


def verdict_json(category: str = "normal", reviews: int = 812) -> dict[str, Any]:
    """A verdict as ``detector.analyze(...).to_dict()`` writes it (DESIGN §3)."""
    return {
        "schema": "reviewsec.verdict/1",
        "reviews_analyzed": reviews,
        "consistency": {
            "mu0": 4.1,
            "nu": 0.6,
            "h0": 3.0,
            "threshold": 4.2,
            "c_index": 57,
            "pci": 0.12,
            "score": 0.88,
            "intervals": [
                {
                    "start": 10,
                    "end": 55,
                    "direction": "up",
                    "start_date": "2021-03-01",
                    "end_date": "2021-04-02",
                }
            ],
        },
        "ero": {"alpha": 0.05, "satisfaction": 0.3, "features": []},
        "verdict": {"category": category, "reasons": REASONS[category]},
        "detector_version": "1.0.0",
        "collection": {"reviews_analyzed": reviews, "shop_rating_count": 900, "sources": {}},
    }


def make_analysis(
    product: Product, *, category: str = "normal", age: dt.timedelta | None = None
) -> Analysis:
    verdict = verdict_json(category)
    analysis = Analysis.objects.create(
        product=product,
        detector_version=verdict["detector_version"],
        verdict=verdict,
        category=category,
        reviews_analyzed=verdict["reviews_analyzed"],
        pci=0.12,
        ero_satisfaction=0.3,
    )
    if age is not None:
        Analysis.objects.filter(id=analysis.id).update(created_at=timezone.now() - age)
        analysis.refresh_from_db()
    return analysis
