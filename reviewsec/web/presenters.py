"""Turn stored rows into what the templates and the status endpoint show."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.urls import reverse

from reviewsec.analyses.models import Analysis, CrawlJob, JobState, ThresholdModel
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
        "threshold_model": _model_summary(analysis.threshold_model_id),
        "history_changes": {change["at"] for change in charts.history_changes(points)},
        "figures": {
            **_verdict_figures(analysis),
            "history": _cached(
                f"history:{_analysis_key(analysis)}:{len(points)}",
                lambda: charts.history_figure(points),
            ),
            "contours": charts.contour_figure(_contour_base(analysis), consistency.get("c_index")),
        },
    }


# Bump when the charts change shape, so cached figures of the old shape are not served.
FIGURES_VERSION = 1
FIGURES_CACHE_SECONDS = 7 * 24 * 3600


def _verdict_figures(analysis: Analysis) -> dict[str, Any]:
    """The analysis's own charts. An analysis never changes once stored, so they are built once
    and cached by its id: plotly's figure objects cost far more than the page's template."""

    def build() -> dict[str, Any]:
        verdict = analysis.verdict
        ero = verdict.get("ero") or {}
        return {
            "consistency": charts.consistency_figure(verdict.get("consistency") or {}),
            "satisfaction": charts.satisfaction_figure(ero),
            "tukey": charts.tukey_heatmap_figure(ero),
            "distributions": [
                {"id": f"dist-{f['name']}", "figure": charts.distribution_figure(f)}
                for f in ero.get("features") or []
                if f.get("distribution")
            ],
        }

    return _cached(f"analysis:{_analysis_key(analysis)}", build)


def _analysis_key(analysis: Analysis) -> str:
    """Id and creation time: unique even where a database reuses ids of rolled-back rows."""
    return f"{analysis.id}:{analysis.created_at.timestamp():.6f}"


def _cached(key: str, build: Callable[[], Any]) -> Any:
    return cache.get_or_set(
        f"verdict-figures:{FIGURES_VERSION}:{key}", build, timeout=FIGURES_CACHE_SECONDS
    )


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


def _contour_base(analysis: Analysis) -> dict[str, Any] | None:
    """The analysis's threshold model as a contour chart, built once per model and process."""
    if analysis.threshold_model_id is None:
        return None
    return _contour_base_for_model(analysis.threshold_model_id)


@functools.lru_cache(maxsize=32)
def _model_summary(model_id: int | None) -> dict[str, Any] | None:
    """Version and size of a threshold model, without loading its (large) fit."""
    if model_id is None:
        return None
    return ThresholdModel.objects.filter(id=model_id).values("version", "sample_size").first()


@functools.lru_cache(maxsize=8)
def _contour_base_for_model(model_id: int) -> dict[str, Any] | None:
    """Threshold model rows are never edited, only replaced, so the id is a safe key. The model
    is the one the analyses themselves use, parsed once per process by the service."""
    from reviewsec.analyses.services import reference_model_load

    summary = _model_summary(model_id)
    if summary is None:
        return None
    try:
        model = reference_model_load(row_id=model_id, version=summary["version"])
    except (KeyError, TypeError, ValueError):
        return None
    return charts.contour_base_figure(model.contours())
