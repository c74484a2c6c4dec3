"""``detector.analyze``: one product's reviews in, one ``Verdict`` out (DESIGN §3).

    reviews (arrays) → checked, in arrival order (``detector.prepare``)
                     → consistency: CUSUM at the CvT threshold h_d of the reference model, PCI
                     → ERO: ANOVA + Tukey per feature, p-values calibrated by the reference model
                     → category (``detector.verdict``) and reasons (``detector.words``)

Pure and deterministic: the same arrays and model give the same verdict, byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from detector import words
from detector.consistency import (
    ConsistencyResult,
    ThresholdModel,
    analyze_consistency,
    as_ratings,
)
from detector.ero import EROResult, analyze_ero
from detector.ero.distributions import Distribution, feature_distribution
from detector.prepare import PreparedReviews, prepare_reviews
from detector.reference import ReferenceModel, default_reference_model
from detector.verdict import AnalysisParams, Category, Verdict, categorize

__all__ = ["analyze", "consistency_at_threshold"]


def analyze(
    reviews: Mapping[str, ArrayLike | None],
    *,
    reference: ReferenceModel | None = None,
    params: AnalysisParams | Mapping[str, Any] | None = None,
) -> Verdict:
    """The verdict on one product's reviews.

    ``reviews``: equal-length arrays ``rating`` (1–5) and ``posted_at`` (datetime64; day precision
    means no time of day is known), optionally ``text_length``, ``country``, ``verified``,
    ``helpful_votes`` and ``reviewer_review_count``. ``reference``: the reference model (CvT line
    + ERO calibration), None for the packaged default. ``params``: ``AnalysisParams`` or a mapping
    of its fields. Raises ``ValueError`` for malformed arrays.
    """
    settings = AnalysisParams.coerce(params)
    model = default_reference_model() if reference is None else reference
    prepared = prepare_reviews(reviews)
    n = int(prepared.ratings.size)
    if n == 0:
        reason = "There are no dated reviews to analyse."
        return Verdict("insufficient_data", (reason,), 0)
    stars = prepared.ratings.astype(np.float64)
    consistency = consistency_at_threshold(stars, model.threshold_model, check_ratings=False)
    ero = analyze_ero(
        prepared.ratings,
        prepared.features,
        alpha=settings.alpha,
        calibration=model.calibration,
        check_ratings=False,
    )
    distributions = {
        name: feature_distribution(name, prepared.ratings, values)
        for name, values in prepared.features.items()
    }
    category, reasons = _decide(
        prepared, consistency, ero, distributions, settings, model.reference_products
    )
    if prepared.undated:
        reasons.append(f"{prepared.undated} reviews without a date were left out.")
    return Verdict(
        category=category,
        reasons=tuple(reasons),
        reviews_analyzed=n,
        consistency=consistency,
        ero=ero,
        distributions=distributions,
        dates=prepared.posted_at,
    )


def consistency_at_threshold(
    ratings: ArrayLike, threshold_model: ThresholdModel, *, check_ratings: bool = True
) -> ConsistencyResult:
    """The consistency analysis at the product's CvT threshold h_d, with the ν and h0 the line
    was fitted for (a CUSUM at another ν would not match the line)."""
    stars = as_ratings(ratings) if check_ratings else np.asarray(ratings, dtype=np.float64)
    h, c_index = threshold_model.threshold_for(stars, check_ratings=False)
    return analyze_consistency(
        stars,
        nu=threshold_model.nu,
        h=h,
        h0=threshold_model.h0,
        c_index=c_index,
        check_ratings=False,
    )


def _decide(
    prepared: PreparedReviews,
    consistency: ConsistencyResult,
    ero: EROResult,
    distributions: Mapping[str, Distribution],
    params: AnalysisParams,
    reference_products: int,
) -> tuple[Category, list[str]]:
    """The category and its reasons (see ``detector.verdict`` for the rule)."""
    n = int(prepared.ratings.size)
    if n < params.min_reviews:
        return "insufficient_data", [words.too_few_reviews(n, params.min_reviews)]
    if not any(len(result.groups) >= 2 for result in ero.features):
        return "insufficient_data", [words.one_star_level(prepared.ratings)]
    category = categorize(consistency.pci, ero.satisfaction, params)
    intervals = words.consistency_sentences(consistency, prepared.posted_at)
    features = [
        words.feature_sentence(result, distributions.get(result.name), reference_products)
        for result in words.flagged_features(ero)
    ]
    return category, words.lead(category, consistency, ero, features) + intervals + features
