"""Result objects of the ERO analysis; ``to_dict()`` gives the ``ero`` block of DESIGN §3."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

from detector.features import FeatureKind
from detector.stats.records import quick_init
from detector.stats.tukey import AnovaResult, PairResult, json_float

__all__ = [
    "CategoryResult",
    "ChiSquareResult",
    "EROResult",
    "FeatureResult",
    "OmnibusStatistic",
]


@quick_init
@dataclass(frozen=True)
class OmnibusStatistic:
    """The feature's one overall statistic, which the calibration compares across products.

    ``anova_f``: F with (df1, df2) = (K − 1, N − K); ``chi_square``: Pearson's X² with df1 =
    (K − 1)(C − 1) and df2 = 0. ``reviews`` is N, the reviews the test used.
    """

    kind: Literal["anova_f", "chi_square"]
    value: float
    df1: int
    df2: int
    reviews: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": json_float(self.value),
            "df1": self.df1,
            "df2": self.df2,
            "reviews": self.reviews,
        }


@quick_init
@dataclass(frozen=True)
class ChiSquareResult:
    """Pearson's chi-square test of independence of a categorical feature and the star rating."""

    statistic: float
    p: float
    dof: int
    low_expected_share: float  # share of cells expecting fewer than 5 reviews (rough p if > 0.2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "statistic": self.statistic,
            "p": self.p,
            "dof": self.dof,
            "low_expected_share": self.low_expected_share,
        }


@quick_init
@dataclass(frozen=True)
class CategoryResult:
    """One-vs-rest test of one category: does the share of reviews in it differ by star rating?

    ``satisfaction`` is the category's smallest Tukey-adjusted p-value, ``adjusted_satisfaction``
    the same times the number of categories tested (Bonferroni, at most 1).
    """

    category: Hashable
    reviews: int
    anova: AnovaResult
    satisfaction: float
    adjusted_satisfaction: float
    pair: tuple[int, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "reviews": self.reviews,
            "anova": self.anova.to_dict(),
            "satisfaction": self.satisfaction,
            "adjusted_satisfaction": self.adjusted_satisfaction,
            "pair": list(self.pair),
        }


@quick_init
@dataclass(frozen=True)
class FeatureResult:
    """The ERO test of one feature.

    ``satisfaction`` is S_i (None when the feature cannot be tested; ``notes`` say why). For a
    categorical feature ``anova`` and ``pairs`` belong to ``category``, the category that drives
    S_i, and ``categories`` holds every category tested.
    """

    name: str
    kind: FeatureKind
    satisfaction: float | None
    groups: tuple[int, ...] = ()
    dropped_groups: tuple[int, ...] = ()
    reviews: int = 0
    anova: AnovaResult | None = None
    pairs: tuple[PairResult, ...] = ()
    category: Hashable | None = None
    categories: tuple[CategoryResult, ...] = ()
    bonferroni_factor: int = 1
    chi_square: ChiSquareResult | None = None
    omnibus: OmnibusStatistic | None = None
    calibrated_p: float | None = None
    in_verdict: bool = False
    notes: tuple[str, ...] = ()

    @property
    def testable(self) -> bool:
        return self.satisfaction is not None

    @property
    def driving_pair(self) -> PairResult | None:
        """The pair of star groups with the smallest adjusted p-value (first on ties)."""
        if not self.pairs:
            return None
        return min(self.pairs, key=lambda pair: pair.p_adj)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "satisfaction": self.satisfaction,
            "groups": list(self.groups),
            "dropped_groups": list(self.dropped_groups),
            "reviews": self.reviews,
            "anova": self.anova.to_dict() if self.anova else None,
            "pairs": [pair.to_dict() for pair in self.pairs],
            "category": self.category,
            "categories": [category.to_dict() for category in self.categories],
            "bonferroni_factor": self.bonferroni_factor,
            "chi_square": self.chi_square.to_dict() if self.chi_square else None,
            "omnibus": self.omnibus.to_dict() if self.omnibus else None,
            "calibrated_p": self.calibrated_p,
            # What each p-value is judged against: "reference" (the reference products' model),
            # "raw" (the test alone - not for the verdict's cut-offs).
            "calibration": {
                "satisfaction": "raw",
                "pairs": "raw",
                "chi_square": "raw",
                "calibrated_p": "reference" if self.calibrated_p is not None else None,
            },
            "in_verdict": self.in_verdict,
            "notes": list(self.notes),
        }


@quick_init
@dataclass(frozen=True)
class EROResult:
    """The ERO analysis of one product.

    ``satisfaction``: min(1, m · min calibrated p) over the m verdict features (Fisher's combination
    with a model-tail calibration), None when no feature is calibrated and testable.
    ``raw_satisfaction``: min(1, m · min S_i) over every testable feature's raw S_i, without
    calibration - a signal, not the verdict's input.
    """

    alpha: float
    satisfaction: float | None
    raw_satisfaction: float | None
    features: tuple[FeatureResult, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def verdict_features(self) -> tuple[FeatureResult, ...]:
        return tuple(feature for feature in self.features if feature.in_verdict)

    def feature(self, name: str) -> FeatureResult:
        for feature in self.features:
            if feature.name == name:
                return feature
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "satisfaction": self.satisfaction,
            "raw_satisfaction": self.raw_satisfaction,
            "calibration": {
                "satisfaction": "reference" if self.satisfaction is not None else None,
                "raw_satisfaction": "raw",
            },
            "verdict_features": [feature.name for feature in self.verdict_features],
            "features": [feature.to_dict() for feature in self.features],
            "notes": list(self.notes),
        }
