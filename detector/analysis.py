"""``detector.analyze``: one product's reviews in, one ``Verdict`` out (DESIGN §3).

    reviews (arrays) → arrival order → consistency (CUSUM at the CvT threshold h_d, PCI)
                                     → ERO (ANOVA + Tukey per feature, calibrated p-values)
                                     → category (``detector.verdict``) and reasons

Pure and deterministic: the same arrays and model give the same verdict, byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from detector import cvt
from detector.consistency import ConsistencyResult, analyze_consistency
from detector.distributions import feature_distribution, feature_label
from detector.ero import EROResult, analyze_ero
from detector.ero_calibration import EROCalibration
from detector.ero_words import feature_noun
from detector.prepare import PreparedReviews, prepare_reviews
from detector.reference import ReferenceModel, default_reference_model
from detector.verdict import AnalysisParams, Category, Verdict, categorize
from detector.verdict_words import consistency_sentences, feature_sentence, flagged_features

__all__ = ["ModelLike", "analyze", "default_threshold_model", "resolve_model"]

ModelLike = ReferenceModel | cvt.ThresholdModel | Mapping[str, Any] | None


def default_threshold_model() -> ReferenceModel:
    """The packaged reference model (CvT line + ERO calibration): ``analyze``'s default."""
    return default_reference_model()


def resolve_model(
    model: ModelLike,
) -> tuple[cvt.ThresholdModel, EROCalibration | None, int]:
    """(CvT model, ERO calibration or None, reference products) from whatever the caller has.

    None: the packaged default. A bare CvT ``ThresholdModel`` has no calibration, so every ERO
    feature is shown as a signal and none decides the verdict. A mapping is a model's JSON.
    """
    if model is None:
        model = default_reference_model()
    elif isinstance(model, Mapping):
        is_cvt = model.get("schema") == cvt.SCHEMA
        model = cvt.ThresholdModel.from_dict(model) if is_cvt else ReferenceModel.from_dict(model)
    if isinstance(model, ReferenceModel):
        return model.threshold_model, model.calibration, model.reference_products
    if isinstance(model, cvt.ThresholdModel):
        return model, None, len(model.reference_pci)
    raise TypeError(f"threshold_model must be a ReferenceModel or ThresholdModel, not {model!r}")


def analyze(
    reviews: Mapping[str, Any],
    threshold_model: ModelLike = None,
    params: AnalysisParams | Mapping[str, Any] | None = None,
) -> Verdict:
    """The verdict on one product's reviews.

    ``reviews``: equal-length arrays ``rating`` (1–5) and ``posted_at`` (datetime64; day precision
    means no time of day is known), optionally ``text_length``, ``country``, ``verified``,
    ``helpful_votes`` and ``reviewer_review_count``. ``threshold_model``: a ``ReferenceModel``
    (or its JSON), a bare CvT ``ThresholdModel``, or None for the packaged default. ``params``:
    ``AnalysisParams`` or a mapping of its fields. Raises ``ValueError`` for malformed arrays.
    """
    settings = AnalysisParams.coerce(params)
    threshold, calibration, reference_products = resolve_model(threshold_model)
    prepared = prepare_reviews(reviews)
    n = int(prepared.ratings.size)
    if n == 0:
        reason = "There are no dated reviews to analyse."
        return Verdict("insufficient_data", (reason,), 0)
    consistency = analyze_consistency(prepared.ratings, threshold_model=threshold)
    ero = analyze_ero(
        prepared.ratings, prepared.features, alpha=settings.alpha, calibration=calibration
    )
    distributions = {
        name: feature_distribution(name, prepared.ratings, values)
        for name, values in prepared.features.items()
    }
    category, reasons = _decide(
        prepared, consistency, ero, distributions, settings, reference_products
    )
    if prepared.undated:
        reasons.append(f"{prepared.undated} reviews without a date were left out.")
    return Verdict(
        category=category,
        reasons=tuple(reasons),
        reviews_analyzed=n,
        consistency=consistency,
        ero=ero,
        labels={name: feature_label(name) for name in prepared.features},
        distributions=distributions,
        dates=prepared.posted_at,
    )


def _decide(
    prepared: PreparedReviews,
    consistency: ConsistencyResult,
    ero: EROResult,
    distributions: Mapping[str, Mapping[str, Any]],
    params: AnalysisParams,
    reference_products: int,
) -> tuple[Category, list[str]]:
    """The category and its reasons (see ``detector.verdict`` for the rule)."""
    n = int(prepared.ratings.size)
    if n < params.min_reviews:
        return "insufficient_data", [
            f"Only {n} review{'s' if n != 1 else ''}: at least {params.min_reviews} are needed "
            "to tell a real change from chance."
        ]
    if not any(len(feature.groups) >= 2 for feature in ero.features):
        return "insufficient_data", [_one_star_level(prepared.ratings)]
    category = categorize(consistency.pci, ero.satisfaction, params)
    intervals = consistency_sentences(consistency, prepared.posted_at)
    features = [
        feature_sentence(f, distributions.get(f.name), reference_products)
        for f in flagged_features(ero)
    ]
    return category, _lead(category, consistency, ero, features) + intervals + features


def _one_star_level(ratings: np.ndarray) -> str:
    """Why no feature can compare star levels: all reviews (but single ones) share one rating."""
    counts = np.bincount(ratings, minlength=6)
    if np.count_nonzero(counts) == 1:
        level = int(np.flatnonzero(counts)[0])
        return f"Every review gives {level} stars, so there are no two star levels to compare."
    repeated = np.flatnonzero(counts >= 2)
    level = f"{int(repeated[0])}-star" if repeated.size else "no"
    return (
        f"Only {level} ratings come up more than once, so there are no two star levels to compare."
    )


def _lead(
    category: Category, consistency: ConsistencyResult, ero: EROResult, features: list[str]
) -> list[str]:
    """The opening sentence that says why this category, before the details."""
    satisfaction = ero.satisfaction
    equal = f"(ERO satisfaction {satisfaction:.2g})" if satisfaction is not None else ""
    if category == "highly_suspicious":
        return [
            "Two signs of manipulation together: the ratings shifted in a way that stands out, "
            "and reviews of different star levels differ far more than on comparable products "
            f"{equal}."
        ]
    if category == "normal" and consistency.pci == 0.0:
        lead = (
            "The ratings stayed steady over time: no stretch of reviews moved the average "
            "enough to stand out."
        )
        if features:
            lead += (
                " Some star levels differ a little from the others (below), but without a shift "
                "in the ratings that is no sign of manipulation."
            )
        return [lead]
    if category == "normal":
        return [
            "The ratings shifted, but reviews of every star level look alike in when, where and "
            f"by whom they were written {equal}: what a real change in the product looks like."
        ]
    if consistency.pci == 0.0:
        return [
            "The average rating did not shift, but reviews of different star levels differ far "
            f"more than on comparable products {equal}: this is how fake reviews on an "
            "already well-rated product look."
        ]
    if satisfaction is None:
        untested = ", ".join(feature_noun(f.name) for f in ero.features) or "no feature"
        return [
            "The ratings shifted in a way that stands out, and the reviews could not be compared "
            f"with reference products ({untested}), so manipulation cannot be ruled out."
        ]
    detail = (
        ""
        if features
        else " No single feature stands out, but together they are not convincingly equal."
    )
    return [
        "The ratings shifted in a way that stands out, and reviews of different star levels "
        f"differ somewhat {equal}.{detail}"
    ]
