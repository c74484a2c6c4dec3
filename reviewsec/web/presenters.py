"""Turn stored rows into what the templates and the status endpoint show."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from reviewsec.analyses.models import Analysis, ReferenceModelVersion
from reviewsec.analyses.services import reference_model_load
from reviewsec.web import charts
from reviewsec.web.reviewer_panel import reviewer_panel

BADGES = {
    "normal": ("Normal", "badge-normal"),
    "suspicious": ("Suspicious", "badge-suspicious"),
    "highly_suspicious": ("Highly suspicious", "badge-high"),
    "insufficient_data": ("Not enough reviews", "badge-insufficient"),
}


def verdict_context(analysis: Analysis, history: list[Analysis]) -> dict[str, Any]:
    verdict = analysis.verdict
    consistency = verdict.get("consistency") or {}
    ero = verdict.get("ero") or {}
    label, css = BADGES.get(analysis.category, (analysis.category, "badge-suspicious"))
    features = ero.get("features") or []
    points = history_points(history)
    model_summary = _model_summary(analysis.reference_model_id)
    return {
        "analysis": analysis,
        "product": analysis.product,
        "verdict": verdict,
        "badge_label": label,
        "badge_class": css,
        "reasons": (verdict.get("verdict") or {}).get("reasons") or [],
        "headline": verdict_headline(verdict, analysis.product),
        "reviewers": reviewer_panel(verdict),
        "baseline": verdict_baseline(verdict, model_summary),
        "is_insufficient": analysis.category == "insufficient_data",
        "collection": verdict.get("collection") or {},
        "review_sources": review_sources((verdict.get("collection") or {}).get("sources") or {}),
        "consistency": consistency,
        "ero": ero,
        "features": features,
        "history": history,
        "reference_model": model_summary,
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


DIRECTION_LABELS = {
    "inflated": "The rating looks inflated",
    "deflated": "The rating looks deflated",
    "none": "The rating looks trustworthy",
}


def verdict_headline(verdict: dict[str, Any], product: Any) -> dict[str, Any]:
    """What the top of the page shows: the verdict's ``summary`` block (grade, direction, shop and
    adjusted rating, one sentence) where the detector wrote one; until then only what is known,
    the category's first reason as the sentence and the shop's own rating, nothing derived."""
    summary = verdict.get("summary") or {}
    reasons = (verdict.get("verdict") or {}).get("reasons") or []
    text = summary.get("headline") or (reasons[0] if reasons else "")
    interval = summary.get("adjusted_interval") or None
    return {
        "grade": summary.get("grade"),
        "direction": summary.get("direction"),
        **_direction_and_text(summary.get("direction") or "", text),
        "shop_rating": summary.get("shop_rating", getattr(product, "shop_average_rating", None)),
        "adjusted_rating": summary.get("adjusted_rating"),
        "adjusted_interval": interval if interval and len(interval) == 2 else None,
        "more_reasons": [reason for reason in reasons if reason != text],
    }


def _direction_and_text(direction: str, text: str) -> dict[str, str | None]:
    """The direction label and the headline sentence, saying each thing once: "The rating
    looks inflated" is the label, and the sentence goes on from there; a sentence that already
    says whether the rating can be trusted (no direction) needs no label above it."""
    label = DIRECTION_LABELS.get(direction)
    if label is None or direction == "none":
        return {"direction_label": None, "text": text}
    rest = text.removeprefix(label).lstrip(":;,. ")
    if rest != text.lstrip(":;,. "):
        text = rest[:1].upper() + rest[1:]
    return {"direction_label": label, "text": text}


def verdict_baseline(verdict: dict[str, Any], model: dict[str, Any] | None) -> dict[str, Any]:
    """What "compared with reference products" means for this verdict: how many, and whether
    they are simulated (the packaged model) or sampled from this database (a refit)."""
    reference = verdict.get("reference") or {}
    products = reference.get("products") or (model or {}).get("reference_products")
    kind = reference.get("kind")
    if kind is None and model is not None:
        kind = "simulated" if str(model.get("version", "")).startswith("packaged-") else "database"
    return {"products": products, "kind": kind, "version": (model or {}).get("version")}


# Bump when the charts change shape, so cached figures of the old shape are not served.
FIGURES_VERSION = 4
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
            "ratings": charts.rating_histogram_figure(
                ((verdict.get("consistency") or {}).get("series") or {}).get("ratings") or []
            ),
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
    """The analysis's reference model as a contour chart, built once per model and process."""
    summary = _model_summary(analysis.reference_model_id)
    if summary is None:
        return None
    return _contour_base_for_model(summary["id"], summary["created_at"])


def _model_summary(model_id: int | None) -> dict[str, Any] | None:
    """Version, size and creation time of a reference model, without loading its (large) JSON.

    Not cached per process: one primary-key read is cheap, and an id alone can name another row
    after a rollback or a restore (see ``analyses/selectors.VerdictVersion``).
    """
    if model_id is None:
        return None
    return (
        ReferenceModelVersion.objects.filter(id=model_id)
        .values("id", "version", "reference_products", "created_at")
        .first()
    )


@functools.lru_cache(maxsize=8)
def _contour_base_for_model(model_id: int, created_at: dt.datetime) -> dict[str, Any] | None:
    """Reference model rows are never edited, only replaced, and (id, creation time) cannot come
    back for another row. The model is the one the analyses use, parsed once by the service."""
    try:
        model = reference_model_load(row_id=model_id, created_at=created_at)
    except (KeyError, TypeError, ValueError):
        return None
    return charts.contour_base_figure(model.contours())
