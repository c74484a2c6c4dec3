"""Turn stored rows into what the templates and the status endpoint show."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from reviewsec.analyses.models import Analysis, CrawlJob, JobState
from reviewsec.web import charts

BADGES = {
    "normal": ("Normal", "badge-normal"),
    "suspicious": ("Suspicious", "badge-suspicious"),
    "highly_suspicious": ("Highly suspicious", "badge-high"),
    "insufficient_data": ("Not enough reviews", "badge-insufficient"),
}

STAGE_LABELS = {
    "": "Waiting for a worker",
    "starting": "Starting",
    "restarting": "Restarting after an interruption",
    "product": "Reading the product page",
    "reviews": "Reading reviews",
    "reviewers": "Reading reviewer profiles",
    "storing": "Saving reviews",
    "analysing": "Analysing",
    "done": "Done",
}


def job_status_payload(job: CrawlJob) -> dict[str, Any]:
    """The JSON the progress page polls: state, stage, counts, percent and where to go next."""
    expected = job.reviews_expected or 0
    if job.state == JobState.DONE:
        percent = 100
    elif expected:
        percent = min(95, int(100 * job.reviews_fetched / expected))
    else:
        percent = 5 if job.state == JobState.RUNNING else 0
    product = job.product
    return {
        "id": job.id,
        "state": job.state,
        "stage": job.stage,
        "stage_label": STAGE_LABELS.get(job.stage, job.stage.replace("_", " ").capitalize()),
        "pages_fetched": job.pages_fetched,
        "reviews_fetched": job.reviews_fetched,
        "reviews_expected": job.reviews_expected,
        "percent": percent,
        "error": job.error,
        "error_code": job.error_code,
        "verdict_url": reverse("web:product-verdict", args=[product.marketplace, product.asin]),
        "retry_url": reverse("web:product-analyse", args=[product.marketplace, product.asin]),
    }


def verdict_context(analysis: Analysis, history: list[Analysis]) -> dict[str, Any]:
    verdict = analysis.verdict
    consistency = verdict.get("consistency") or {}
    ero = verdict.get("ero") or {}
    label, css = BADGES.get(analysis.category, (analysis.category, "badge-suspicious"))
    features = ero.get("features") or []
    contours = _contours(analysis)
    points = history_points(history)
    return {
        "analysis": analysis,
        "product": analysis.product,
        "verdict": verdict,
        "badge_label": label,
        "badge_class": css,
        "reasons": (verdict.get("verdict") or {}).get("reasons") or [],
        "collection": verdict.get("collection") or {},
        "review_sources": review_sources((verdict.get("collection") or {}).get("sources") or {}),
        "consistency": consistency,
        "ero": ero,
        "features": features,
        "history": history,
        "history_changes": {change["at"] for change in charts.history_changes(points)},
        "figures": {
            "history": charts.history_figure(points),
            "consistency": charts.consistency_figure(consistency),
            "satisfaction": charts.satisfaction_figure(ero),
            "tukey": charts.tukey_heatmap_figure(ero),
            "contours": charts.contour_figure(contours, consistency.get("c_index")),
            "distributions": [
                {"id": f"dist-{f['name']}", "figure": charts.distribution_figure(f)}
                for f in features
                if f.get("distribution")
            ],
        },
    }


SOURCE_LABELS = {
    "crawler": "read from the shop by our crawler",
    "extension": "sent by shoppers' browser extension (unverified)",
    "upload": "from uploaded review files (unverified)",
}


def review_sources(counts: dict[str, int]) -> list[dict[str, Any]]:
    """How many analysed reviews came from each source, crawled first, for the product panel."""
    return [
        {"source": source, "label": label, "count": counts[source]}
        for source, label in SOURCE_LABELS.items()
        if counts.get(source)
    ]


def history_points(history: list[Analysis]) -> list[dict[str, Any]]:
    """The product's analyses, oldest first, as what the history chart and table need."""
    return [
        {
            "at": past.created_at.isoformat(),
            "category": past.category,
            "pci": past.pci,
            "satisfaction": past.ero_satisfaction,
        }
        for past in sorted(history, key=lambda past: (past.created_at, past.id))
    ]


def _contours(analysis: Analysis) -> dict[str, Any]:
    """The reference model's PCI contours for the details tab ({} if the model is unreadable)."""
    row = analysis.threshold_model
    if row is None:
        return {}
    from detector.reference import ReferenceModel

    try:
        return ReferenceModel.from_dict(row.fit).contours()
    except (KeyError, TypeError, ValueError):
        return {}
