"""``detector.analyze``: one product's reviews in, one ``Verdict`` out (DESIGN §3).

    reviews (arrays) → checked, in arrival order (``detector.prepare``)
                     → consistency: CUSUM at the size-scaled thresholds h± (or the CvT line), PCI,
                       and the suspect interval's contrast (its reviews against the same stars'
                       others: an interval counts only when they differ)
                     → ERO: ANOVA + Tukey per feature, p-values calibrated by the reference model
                     → evidence E: calibrated features + the feature-in-time scan (Fisher)
                     → the star window: a stretch of extra top- (or bottom-) star reviews
                       whose reviews are unlike the same stars' elsewhere (camouflage)
                     → who wrote the reviews: one-review accounts, suspect reviews, the adjusted
                       rating (``detector.reviewers.evidence``; a graph-wide fit's scores if given)
                     → category (``detector.verdict``), raised by strong reviewer evidence
                       (``reviewer_adjustment``), and reasons (``detector.words``)

Pure and deterministic: the same arrays and model give the same verdict, byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
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
from detector.consistency.feature_scan import scan_p
from detector.consistency.star_window import MIN_INSIDE, WindowContrast, star_window
from detector.consistency.threshold import analyze_consistency_law
from detector.direction import Direction, Evidence, IntervalContrast, direction, suspect_interval
from detector.ero import EROResult, analyze_ero
from detector.ero.distributions import Distribution, feature_distribution
from detector.ero.features import HOUR_BLOCK, Factorized, factorized
from detector.features import CATEGORICAL_FEATURES
from detector.leans import LeanCalibration, lean_p_values
from detector.prepare import PreparedReviews, prepare_reviews
from detector.reference import ReferenceModel, default_reference_model
from detector.reviewers.evidence import (
    ProductReviewerScores,
    ReviewerEvidence,
    reviewer_adjustment,
    reviewer_evidence,
)
from detector.stats.moments import std
from detector.summary import summarize
from detector.verdict import AnalysisParams, Category, Verdict, categorize

__all__ = ["analyze", "consistency_at_threshold"]


def analyze(
    reviews: Mapping[str, ArrayLike | None],
    *,
    reference: ReferenceModel | None = None,
    params: AnalysisParams | Mapping[str, Any] | None = None,
    reviewer_scores: ProductReviewerScores | Mapping[str, Any] | None = None,
) -> Verdict:
    """The verdict on one product's reviews.

    ``reviews``: equal-length arrays ``rating`` (1–5) and ``posted_at`` (datetime64; day precision
    means no time of day is known), optionally ``text_length``, ``country``, ``verified``,
    ``helpful_votes``, ``reviewer_review_count`` and ``user_id``. ``reference``: the reference
    model (CvT line + ERO calibration), None for the packaged default. ``params``:
    ``AnalysisParams`` or a mapping of its fields. ``reviewer_scores``: a graph-wide fit's scores
    of these reviews (``ProductReviewerScores`` or a mapping of its fields, arrays aligned with
    ``rating``); without them the reviewer analysis uses what the product's own reviews say.
    Raises ``ValueError`` for malformed arrays.
    """
    settings = AnalysisParams.coerce(params)
    model = default_reference_model() if reference is None else reference
    prepared = prepare_reviews(reviews)
    scores = _arranged_scores(prepared, reviewer_scores)
    n = int(prepared.ratings.size)
    if n == 0:
        reason = "There are no dated reviews to analyse."
        empty = _who_wrote(prepared, reviews, scores, judge=False)
        headline = summarize(
            "insufficient_data",
            reviews=0,
            min_reviews=settings.min_reviews,
            rating_sd=0.0,
            reviewers=empty,
            direction=None,
            reasons=(reason,),
        )
        return Verdict("insufficient_data", (reason,), 0, reviewers=empty, summary=headline)
    stars = prepared.ratings.astype(np.float64)
    consistency = _consistency(stars, model, settings)
    blocked = model.calibration is not None and model.calibration.log_scaled
    tested = _categorical_values(prepared, blocked)
    found = {name: factorized(values) for name, values in tested.items()}
    codes = {name: pair for name, pair in found.items() if pair is not None}
    ero = analyze_ero(
        prepared.ratings,
        prepared.features,
        alpha=settings.alpha,
        calibration=model.calibration,
        check_ratings=False,
        codes=codes,
    )
    distributions = _distributions(prepared, model, tested, codes)
    history = _history(prepared, reviews, scores)
    combined = _combined_evidence(prepared, ero, settings, history, model.leans, consistency)
    category, reasons = _decide(
        prepared, consistency, ero, distributions, settings, model.reference_products, combined
    )
    evidence = _who_wrote(
        prepared, reviews, scores, judge=category != "insufficient_data", history=history
    )
    sentences = words.reviewer_sentences(evidence)
    category, reasons = _with_reviewers(category, reasons, evidence, sentences, consistency, ero)
    if prepared.undated:
        reasons.append(f"{prepared.undated} reviews without a date were left out.")
    suspect_direction = _direction(
        prepared, stars, consistency, combined, category, history, settings
    )
    headline = summarize(
        category,
        reviews=n,
        min_reviews=settings.min_reviews,
        rating_sd=std(stars),
        reviewers=evidence,
        direction=suspect_direction,
        reasons=reasons,
    )
    return Verdict(
        category=category,
        reasons=tuple(reasons),
        reviews_analyzed=n,
        consistency=consistency,
        ero=ero,
        distributions=distributions,
        dates=prepared.posted_at,
        reviewers=evidence,
        reviewer_sentences=sentences,
        evidence=combined,
        direction=suspect_direction,
        summary=headline,
    )


def _categorical_values(prepared: PreparedReviews, blocked: bool) -> dict[str, Any]:
    """The categorical features' values as ERO tests them: the hours in 4-hour blocks under a
    model-tail calibration (``blocked``; ``detector.ero.features.transform_features``'s
    arithmetic), the others as they are. Each is factorized once (``factorized``) for both its
    test and its chart: the codes were computed twice a product (issue 18)."""
    tested: dict[str, Any] = {}
    for name, values in prepared.features.items():
        if name in CATEGORICAL_FEATURES:
            if name == "hour_of_day" and blocked:  # NaN stays NaN, quietly
                with np.errstate(invalid="ignore"):
                    values = np.floor(np.asarray(values, np.float64) / HOUR_BLOCK) * HOUR_BLOCK
            tested[name] = values
    return tested


def _distributions(
    prepared: PreparedReviews,
    model: ReferenceModel,
    tested: Mapping[str, Any] | None = None,
    codes: Mapping[str, Factorized] | None = None,
) -> dict[str, Distribution]:
    """Each feature's distribution by star level, with the hours grouped as ERO tested them
    (4-hour blocks under a model-tail calibration), so a sentence's shares match its test.
    ``tested``: ``_categorical_values`` (computed here when not given), ``codes`` their
    factorization where ``analyze`` has it."""
    blocked = model.calibration is not None and model.calibration.log_scaled
    if tested is None:
        tested = _categorical_values(prepared, blocked)
    codes = codes or {}
    distributions = {}
    for name, values in prepared.features.items():
        values = tested.get(name, values)
        distributions[name] = feature_distribution(name, prepared.ratings, values, codes.get(name))
    if blocked and "hour_of_day" in distributions:
        distributions["hour_of_day"]["hour_block"] = HOUR_BLOCK
    return distributions


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


def _consistency(
    stars: np.ndarray, model: ReferenceModel, params: AnalysisParams
) -> ConsistencyResult:
    """The size-scaled law's thresholds h± (default), or the model's CvT line."""
    if params.threshold == "cvt":
        return consistency_at_threshold(stars, model.threshold_model, check_ratings=False)
    return analyze_consistency_law(
        stars, nu=model.threshold_model.nu, alpha=params.change_alpha, check_ratings=False
    )


def _combined_evidence(
    prepared: PreparedReviews,
    ero: EROResult,
    params: AnalysisParams,
    history: np.ndarray,
    lean_calibration: LeanCalibration | None,
    consistency: ConsistencyResult,
) -> Evidence:
    """E's inputs: the calibrated verdict features, if asked the feature-in-time scan, and the
    star-group leans of one-review accounts and unverified purchases; beside them the star
    window and the suspect change interval's contrast (both against the product itself)."""
    feature_p = {f.name: f.calibrated_p for f in ero.verdict_features if f.calibrated_p is not None}
    scanned, per_feature = (
        (None, {}) if not params.feature_scan else scan_p(prepared.features, prepared.posted_at)
    )
    if not feature_p:  # nothing calibrated: E unknown, the consistency side decides alone
        return Evidence(feature_p={}, scan_p=None)
    contrast = WindowContrast.of(
        prepared.ratings,
        days=prepared.posted_at,
        verified=_verified(prepared),
        history=history,
        hours=prepared.features.get("hour_of_day"),
    )
    window = None
    if params.star_window:  # self-calibrated like the scan, so used only beside a reference
        window = star_window(prepared.ratings, days=prepared.posted_at, contrast=contrast)
    leans = {}
    if params.leans:
        leans = lean_p_values(
            prepared.ratings,
            history=history,
            verified=_verified(prepared),
            calibration=lean_calibration,
        )
    return Evidence(
        feature_p=feature_p,
        scan_p=scanned,
        scan_features=per_feature,
        lean_p=leans,
        window=window,
        interval=_interval_contrast(prepared, consistency, contrast),
    )


def _interval_contrast(
    prepared: PreparedReviews, consistency: ConsistencyResult, contrast: WindowContrast
) -> IntervalContrast | None:
    """The suspect change interval's reviews (widened to whole days) against the same stars'
    reviews outside it, by the star window's contrast; None without an interval or when the
    stretch or the rest holds too few reviews, or nothing can be contrasted.

    Why (issue 13): a change interval by itself is cheap on a large honest product whose stars
    drift or follow seasons (the law's exchangeable null does not hold there), and on a genuine
    change it is real; what tells a campaign's interval from both is that *its* reviews, star for
    star, are written by other accounts, at other hours, on other days."""
    if not consistency.intervals:
        return None
    chosen = suspect_interval(prepared.ratings.astype(np.float64), consistency.intervals)
    if chosen is None:
        return None
    start, end = contrast.whole_days(chosen.start, chosen.end)
    length = end - start + 1
    if length < MIN_INSIDE or prepared.ratings.size - length < MIN_INSIDE:
        return None
    found = contrast.p(start, end)
    if found is None:
        return None
    return IntervalContrast(start, end, found[0], found[1])


def _verified(prepared: PreparedReviews) -> np.ndarray | None:
    """The verified-purchase flags when every review has one (booleans), else None."""
    verified = prepared.features.get("verified")
    return verified if verified is not None and verified.dtype == np.bool_ else None


def _window_decides(combined: Evidence, params: AnalysisParams) -> bool:
    """The star window is significant enough to move the category (``detector.verdict``); it
    is only looked for when ``params.star_window`` is on (``_combined_evidence``)."""
    window = combined.window
    return window is not None and window.p < params.window_suspicious


def _direction(
    prepared: PreparedReviews,
    stars: np.ndarray,
    consistency: ConsistencyResult,
    combined: Evidence,
    category: Category,
    history: np.ndarray,
    params: AnalysisParams,
) -> Direction:
    """Which way the suspect reviews push the rating; "none" for a normal product. The rating
    without the star window when it is significant (its reviews are located *and* unlike the
    same stars' others: stronger than a change interval, which honest stretches beside a burst
    also form, in the opposite direction), else without the suspect change interval, else from
    the most significant feature, or from the one-review accounts when the lean of one-review
    accounts or unverified purchases is stronger than every feature. ``stars``: the ratings as
    floats."""
    if category not in ("suspicious", "highly_suspicious"):
        return direction(stars)
    if _window_decides(combined, params):
        return direction(stars, window=combined.window)
    if consistency.intervals:
        return direction(stars, consistency.intervals)
    strongest = min(combined.feature_p.values(), default=1.0)
    lean = min(combined.lean_p, key=combined.lean_p.__getitem__, default=None)
    if lean is not None and combined.lean_p[lean] < strongest:
        if lean == "reviewer_history":
            marks = np.where(np.isfinite(history), np.where(history <= 1, "new", "old"), "unknown")
        elif lean == "marks_together":  # the reviews that carry both doubtful marks
            doubtful = (history <= 1) & ~prepared.features["verified"].astype(bool)
            marks = np.where(np.isfinite(history), np.where(doubtful, "both", "not"), "unknown")
        else:
            marks = np.where(prepared.features["verified"].astype(bool), "verified", "unverified")
        return direction(stars, feature=(lean, marks, True))
    if combined.feature_p:
        name = min(combined.feature_p, key=combined.feature_p.__getitem__)
        values = prepared.features.get(name)
        if values is not None:
            categorical = name in CATEGORICAL_FEATURES
            return direction(stars, feature=(name, values, categorical))
    return direction(stars)


def _decide(
    prepared: PreparedReviews,
    consistency: ConsistencyResult,
    ero: EROResult,
    distributions: Mapping[str, Distribution],
    params: AnalysisParams,
    reference_products: int,
    combined: Evidence,
) -> tuple[Category, list[str]]:
    """The category and its reasons (see ``detector.verdict`` for the rule)."""
    n = int(prepared.ratings.size)
    if n < params.min_reviews:
        return "insufficient_data", [words.too_few_reviews(n, params.min_reviews)]
    if not any(len(result.groups) >= 2 for result in ero.features):
        return "insufficient_data", [words.one_star_level(prepared.ratings)]
    window = combined.window
    interval = None if combined.interval is None else combined.interval.p
    category = categorize(
        consistency.pci,
        combined.value,
        params,
        window=None if window is None else window.p,
        interval=interval,
    )
    raised = window is not None and category != categorize(
        consistency.pci, combined.value, params, interval=interval
    )
    intervals = words.consistency_sentences(consistency, prepared.posted_at)
    # beside a burst's change interval the star window says nothing new
    shown = raised or not consistency.intervals
    if window is not None and shown and _window_decides(combined, params):
        intervals.append(words.star_window_sentence(window, prepared.ratings, prepared.posted_at))
    features = [
        words.feature_sentence(result, distributions.get(result.name), reference_products)
        for result in words.flagged_features(ero)
    ]
    if raised and window is not None:  # the star window alone raised the category
        lead = [words.star_window_lead(window.side)]
    else:
        lead = words.lead(
            category,
            consistency,
            ero,
            features,
            counted=params.interval_counts(interval),
            evidence=combined.value,
        )
    return category, lead + intervals + features


def _arranged_scores(
    prepared: PreparedReviews, scores: ProductReviewerScores | Mapping[str, Any] | None
) -> ProductReviewerScores | None:
    """The graph fit's scores in arrival order (dated reviews only), or None."""
    if scores is None:
        return None
    given = ProductReviewerScores.coerce(scores)
    suspicion = prepared.arranged("review_suspicion", given.review_suspicion)
    history = prepared.arranged("reviewer_reviews", given.reviewer_reviews)
    assert suspicion is not None and history is not None
    return ProductReviewerScores(suspicion, history, given.base_suspect_share)


def _history(
    prepared: PreparedReviews,
    reviews: Mapping[str, ArrayLike | None],
    scores: ProductReviewerScores | None,
) -> np.ndarray:
    """Per review (arrival order), its account's history: the larger of its reviews in the graph
    (when fitted) and the source's ``reviewer_review_count`` (a profile counts reviews the graph
    never saw); unknown (NaN) when neither is given."""
    n = int(prepared.ratings.size)
    counts = prepared.arranged("reviewer_review_count", reviews.get("reviewer_review_count"))
    history = np.full(n, np.nan) if counts is None else counts.astype(np.float64)
    if scores is not None:
        in_graph = scores.reviewer_reviews.astype(np.float64)
        history = np.where(np.isnan(history), in_graph, np.maximum(history, in_graph))
    return history


def _who_wrote(
    prepared: PreparedReviews,
    reviews: Mapping[str, ArrayLike | None],
    scores: ProductReviewerScores | None,
    *,
    judge: bool,
    history: np.ndarray | None = None,
) -> ReviewerEvidence:
    """The reviewer analysis on the accounts' histories (``_history``)."""
    n = int(prepared.ratings.size)
    if history is None:
        history = _history(prepared, reviews, scores)
    evidence = reviewer_evidence(
        prepared.ratings, history=history, verified=_verified(prepared), scores=scores, judge=judge
    )
    if evidence.weights is not None and prepared.order is not None:  # back to input order
        weights = np.full(n + prepared.undated, np.nan)
        weights[prepared.order] = evidence.weights
        evidence = replace(evidence, weights=weights)
    return evidence


def _with_reviewers(
    category: Category,
    reasons: list[str],
    evidence: ReviewerEvidence,
    sentences: tuple[str, ...],
    consistency: ConsistencyResult,
    ero: EROResult,
) -> tuple[Category, list[str]]:
    """The category after the reviewer rule, and the reviewer sentences when they count."""
    agrees = _agrees(evidence, consistency, ero)
    raised, moved = reviewer_adjustment(category, evidence, agrees=agrees)
    if not evidence.strong:
        return raised, reasons
    lead = [words.reviewer_lead(raised, evidence.direction)] if moved else []
    return raised, lead + reasons + list(sentences)


def _agrees(evidence: ReviewerEvidence, consistency: ConsistencyResult, ero: EROResult) -> bool:
    """Consistency or ERO points the way the suspect reviews do: a change interval up (inflated)
    or down (deflated), or a flagged ERO feature whose driving pair has the leaning star level."""
    if evidence.direction == "none":
        return False
    way = "up" if evidence.direction == "inflated" else "down"
    if any(interval.direction == way for interval in consistency.intervals):
        return True
    star = 5 if evidence.direction == "inflated" else 1
    pairs = (result.driving_pair for result in words.flagged_features(ero))
    return any(pair is not None and star in (pair.a, pair.b) for pair in pairs)
