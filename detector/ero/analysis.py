"""Equal Rating Opportunity (ERO) analysis (paper §III-C, DESIGN §3.3).

An honest product's reviews of every star level should look alike in everything but their stars:
posted on the same days, by the same kinds of reviewers, about as long. For each ERO feature y
the reviews are grouped by star rating and compared:

* numeric features (text length, helpful votes, the reviewer's review count): one-way ANOVA with
  the feature value as the observation and the star rating as the group, then Tukey's HSD
  (Tukey–Kramer) over every pair of star groups, giving adjusted p-values α_{i,j};
* categorical features (day of week, hour of day, country, verified purchase) are not numbers -
  Wednesday is not the mean of Monday and Friday - so each category c gets an indicator
  [y = c] tested the same way (one-vs-rest), and the category results are Bonferroni-adjusted. A
  chi-square test of independence (feature × rating) is reported beside it as a second opinion.

Star groups with fewer than 2 reviews are dropped (and named). Reviews missing a feature's value
(NaN, None, "") are left out of that feature only.

**Satisfaction.** S_i = min_j α_{i,j}, the smallest adjusted p-value over the pairs: the most
different pair of star groups decides. S_i = 1 is perfectly satisfied, S_i near 0 strongly violated.
(Under the other reading of the paper, the share of pairs not rejected, an attack on one star level
touches only 4 of the 10 pairs and S could never fall below 0.6, so the paper's 0.1 cut-off between
suspicious and highly suspicious would never fire.)

**Calibration.** Honest data is not perfectly ERO-neutral (honest negative reviews are longer), so
raw S_i flags honest products whose ratings truly changed. A feature counts toward the product's
ERO satisfaction only when an ``EROCalibration`` (``detector.ero.calibration``) fitted on a
reference population of products gives it a calibrated p-value; the product's satisfaction is
min(1, m · min_i calibrated p_i) over those m verdict features (Bonferroni) - or, with a model-tail
calibration (schema /2, ``detector.ero.calibration``), their Fisher combination, on log-scaled
counts and hours in 4-hour blocks (``transform_features``). Uncalibrated features are still
reported, as signals outside the verdict (``in_verdict: false``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
from numpy.typing import ArrayLike

from detector.ero.calibration import (
    DEFAULT_MIN_REFERENCE,
    EROCalibration,
    FeatureCalibration,
    combine_evidence,
)
from detector.ero.features import (
    Factorized,
    Steps,
    categorical_steps,
    numeric_steps,
    numeric_values,
    rating_index,
    run_all_steps,
    transform_features,
)
from detector.ero.results import EROResult, FeatureResult, OmnibusStatistic
from detector.features import CATEGORICAL_FEATURES, feature
from detector.stats.records import replaced

__all__ = ["analyze_ero", "fit_calibration"]


def analyze_ero(
    ratings: ArrayLike,
    features: Mapping[str, ArrayLike],
    *,
    alpha: float = 0.05,
    calibration: EROCalibration | None = None,
    categorical: frozenset[str] = CATEGORICAL_FEATURES,
    check_ratings: bool = True,
    log_scaled: bool | None = None,
    pairs: bool = True,
    codes: Mapping[str, Factorized] | None = None,
) -> EROResult:
    """ERO analysis of one product (see the module docstring).

    ``ratings``: stars 1–5, one per review. ``features``: name → one value per review (NaN, None
    or "" where unknown). Names in ``categorical`` are tested one category at a time, the rest as
    numbers. ``calibration``: fitted on reference products; without it no feature is in the
    verdict and ``satisfaction`` is None (``raw_satisfaction`` still says what the raw tests say).

    Raises ValueError for ratings outside 1–5, arrays whose length differs from the ratings',
    non-numeric values in a numeric feature, or alpha outside (0, 1). ``check_ratings=False``
    skips the ratings' check, for ratings already checked (``detector.prepare``).
    ``pairs=False`` skips Tukey's pairs and their studentized-range p-values (``satisfaction``
    None): what a reference fit, which keeps only the omnibus statistics, does. ``codes``:
    ``detector.ero.features.factorized`` of categorical features' values as tested (after
    ``transform_features`` when log-scaled: hours in blocks), where the caller has them
    already (``detector.analysis`` shares them with the charts); the others are factorized here.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    star_index = rating_index(ratings) if check_ratings else np.asarray(ratings, np.intp) - 1
    if log_scaled is None:
        log_scaled = calibration is not None and calibration.log_scaled
    if log_scaled:
        features = transform_features(features)
    steps: list[Steps] = []
    for name, values in features.items():
        if name in categorical:
            found = None if codes is None else codes.get(name)
            steps.append(
                categorical_steps(name, star_index, values, alpha, pairs=pairs, found=found)
            )
        else:
            numbers = numeric_values(name, values, star_index.size)
            steps.append(numeric_steps(name, star_index, numbers, alpha, pairs=pairs))
    results = run_all_steps(steps)  # one studentized-range call for features of equal k and ν
    return _combine(_with_calibration(results, calibration), alpha, calibration)


def _with_calibration(
    results: list[FeatureResult], calibration: EROCalibration | None
) -> tuple[FeatureResult, ...]:
    """The results with their calibrated p-values (one vectorised call for all features)."""
    if calibration is None:
        return tuple(results)
    tested = [(r.name, r.omnibus) for r in results if r.omnibus is not None]
    found = iter(calibration.calibrated_ps(tested))
    return tuple(
        result if result.omnibus is None else _calibrated(result, next(found)) for result in results
    )


def _calibrated(result: FeatureResult, calibrated_p: float | None) -> FeatureResult:
    if calibrated_p is None:
        note = (
            f"{feature(result.name).noun.capitalize()} is not calibrated against the reference "
            "products, so it is shown as a signal and not used for the verdict"
        )
        return replaced(result, notes=(*result.notes, note))
    return replaced(result, calibrated_p=calibrated_p, in_verdict=True)


def _bonferroni_min(p_values: list[float]) -> float | None:
    """min(1, m · min p) over m p-values; None for none."""
    return min(1.0, len(p_values) * min(p_values)) if p_values else None


def _combine(
    features: tuple[FeatureResult, ...], alpha: float, calibration: EROCalibration | None
) -> EROResult:
    calibrated = [f.calibrated_p for f in features if f.in_verdict and f.calibrated_p is not None]
    raw = [f.satisfaction for f in features if f.satisfaction is not None]
    notes: list[str] = []
    if not raw:
        notes.append("No feature could be tested, so the ERO satisfaction is unknown")
    elif calibration is None:
        notes.append(
            "No calibration against reference products was given, so no feature is used for "
            "the verdict; the raw tests are shown as signals"
        )
    elif calibrated and calibration.method != "tail":
        floor = min(1.0, len(calibrated) / (calibration.reference_products + 1))
        if floor >= 0.1:
            notes.append(
                f"With {calibration.reference_products} reference products and "
                f"{len(calibrated)} calibrated features the ERO satisfaction cannot fall below "
                f"{floor:.2f}"
            )
    return EROResult(
        alpha=alpha,
        satisfaction=combine_evidence(calibrated)
        if calibration is not None and calibration.method == "tail"
        else _bonferroni_min(calibrated),
        raw_satisfaction=_bonferroni_min(raw),
        features=features,
        notes=tuple(notes),
    )


def fit_calibration(
    reference_products: Iterable[tuple[ArrayLike, Mapping[str, ArrayLike]]],
    *,
    categorical: frozenset[str] = CATEGORICAL_FEATURES,
    min_reference: int = DEFAULT_MIN_REFERENCE,
) -> EROCalibration:
    """Fit the calibration on reference products, each ``(ratings, features)`` as for
    ``analyze_ero`` - the same population the CvT threshold is fitted on.

    Products where a feature cannot be tested (or its statistic is infinite: perfect separation)
    add nothing to that feature.
    """
    statistics: dict[str, list[OmnibusStatistic]] = {}
    count = 0
    for ratings, features in reference_products:
        count += 1
        result = analyze_ero(ratings, features, categorical=categorical, pairs=False)
        for tested in result.features:
            omnibus = tested.omnibus
            if omnibus is not None and math.isfinite(omnibus.value):
                statistics.setdefault(tested.name, []).append(omnibus)
    return EROCalibration(
        features={name: FeatureCalibration.fit(found) for name, found in statistics.items()},
        reference_products=count,
        min_reference=min_reference,
        categorical=categorical,
    )
