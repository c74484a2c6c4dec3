"""Result objects of the ERO analysis; ``to_dict()`` gives the ``ero`` block of DESIGN §3."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

from detector.features import FeatureKind
from detector.stats.records import quick_init
from detector.stats.tukey import AnovaResult, PairResult, json_float, pair_dicts

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
        """The fields (the ``__dict__`` copied: see ``FeatureResult.to_dict``), value by
        ``json_float``."""
        block = self.__dict__.copy()
        value = block["value"]
        if value.__class__ is not float or value - value != 0.0:  # not a finite Python float
            block["value"] = json_float(value)
        return block


@quick_init
@dataclass(frozen=True)
class ChiSquareResult:
    """Pearson's chi-square test of independence of a categorical feature and the star rating."""

    statistic: float
    p: float
    dof: int
    low_expected_share: float  # share of cells expecting fewer than 5 reviews (rough p if > 0.2)

    def to_dict(self) -> dict[str, Any]:
        """The fields as they are (the ``__dict__`` copied: see ``FeatureResult.to_dict``)."""
        return self.__dict__.copy()


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
        """The fields (the ``__dict__`` copied: see ``FeatureResult.to_dict``), the ANOVA as its
        dict and the pair as a list."""
        block = self.__dict__.copy()
        block["anova"] = self.anova.to_dict()
        block["pair"] = list(self.pair)
        return block


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
        """The fields in field order, the records as their dicts and tuples as lists, with
        "calibration" before "in_verdict" and "notes".

        Built from a copy of the instance ``__dict__``, which holds exactly the fields in field
        order: ``quick_init`` writes them so, and ``dataclasses.replace``, ``replaced``, copy and
        pickle keep that order (tests/detector/ero/test_results_dicts.py). One C-level copy and
        the fields that change replaced in place cost less than reading 16 attributes into a
        literal (~90 such records a product: pairs, categories, features)."""
        block = self.__dict__.copy()
        block["groups"] = list(self.groups)
        block["dropped_groups"] = list(self.dropped_groups)
        block["anova"] = self.anova.to_dict() if self.anova else None
        block["pairs"] = pair_dicts(self.pairs)
        block["categories"] = [category.to_dict() for category in self.categories]
        block["chi_square"] = self.chi_square.to_dict() if self.chi_square else None
        block["omnibus"] = self.omnibus.to_dict() if self.omnibus else None
        del block["in_verdict"], block["notes"]  # to come after "calibration"
        # What each p-value is judged against: "reference" (the reference products' model),
        # "raw" (the test alone - not for the verdict's cut-offs).
        block["calibration"] = {
            "satisfaction": "raw",
            "pairs": "raw",
            "chi_square": "raw",
            "calibrated_p": "reference" if self.calibrated_p is not None else None,
        }
        block["in_verdict"] = self.in_verdict
        block["notes"] = list(self.notes)
        return block


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
