"""The verdict: one category from the consistency and ERO analyses (paper §IV-C, DESIGN §3.4).

With PCI = PCI(h_d), the share of ratings inside change intervals at the product's CvT threshold,
and S the product's ERO satisfaction (the Bonferroni-combined calibrated p-value of its verdict
features, ``detector.ero``):

* ``normal``: S > 0.8, or PCI = 0;
* ``highly_suspicious``: PCI > 0 and S < 0.1;
* ``suspicious``: anything else;
* ``insufficient_data``: fewer than ``min_reviews`` reviews (20), or no feature with two star
  levels to compare.

**Refinement (documented in DESIGN §3.4).** The CUSUM reacts to a shift of the *mean* rating of at
least ν/2. Five-star fakes on a product already rated 4.6 or more move the mean by less than that,
so PCI stays 0 however large the campaign, and the paper's rule would call it normal on the
consistency side alone. When S < ``ero_alone_satisfaction`` (default 0.01 — stronger evidence than
either of the paper's cut-offs, reached by under 1% of honest products because S is a
Bonferroni-adjusted p-value) a product with PCI = 0 is ``suspicious`` instead of ``normal``; it is
never ``highly_suspicious`` without a change interval. ``ero_alone_satisfaction = 0`` restores the
paper's rule exactly. When S is unknown (no calibrated feature could be tested) only the
consistency side decides: PCI = 0 is normal, anything else suspicious.

**Who wrote the reviews.** After ``categorize``, ``detector.reviewers.evidence.reviewer_adjustment``
applies the reviewer rule written in that module: strong reviewer evidence raises normal →
suspicious, and suspicious → highly_suspicious only when consistency or ERO agree in direction; it
never lowers a category. The verdict's ``reviewers`` block carries the adjusted rating and evidence.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from detector import DETECTOR_VERSION
from detector.consistency import ConsistencyResult
from detector.ero import EROResult
from detector.ero.distributions import Distribution
from detector.features import feature
from detector.prepare import MIN_REVIEWS

if TYPE_CHECKING:
    from detector.reviewers.evidence import ReviewerEvidence

__all__ = [
    "CATEGORIES",
    "DETECTOR_VERSION",
    "JSON",
    "SCHEMA",
    "AnalysisParams",
    "Category",
    "Verdict",
    "categorize",
    "json_safe",
]

SCHEMA = "reviewsec.verdict/1"
JSON = dict[str, "JSON"] | list["JSON"] | str | int | float | bool | None
Category = Literal["normal", "suspicious", "highly_suspicious", "insufficient_data"]
CATEGORIES: tuple[Category, ...] = (
    "normal",
    "suspicious",
    "highly_suspicious",
    "insufficient_data",
)


@dataclass(frozen=True)
class AnalysisParams:
    """The verdict's parameters; the defaults are the paper's cut-offs plus one refinement."""

    min_reviews: int = MIN_REVIEWS
    alpha: float = 0.05  # Tukey's family-wise level, and "unusual" for a calibrated p-value
    normal_satisfaction: float = 0.8  # S above this: normal
    highly_satisfaction: float = 0.1  # S below this (with PCI > 0): highly suspicious
    ero_alone_satisfaction: float = 0.01  # S below this with PCI = 0: suspicious (refinement)

    def __post_init__(self) -> None:
        if self.min_reviews < 1:
            raise ValueError(f"min_reviews must be at least 1, got {self.min_reviews}")
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha must lie strictly between 0 and 1, got {self.alpha}")
        cuts = (self.ero_alone_satisfaction, self.highly_satisfaction, self.normal_satisfaction)
        if not 0.0 <= cuts[0] <= cuts[1] <= cuts[2] <= 1.0:
            raise ValueError(
                "the satisfaction cut-offs must satisfy 0 ≤ ero_alone ≤ highly ≤ normal ≤ 1"
            )

    @classmethod
    def coerce(cls, params: AnalysisParams | Mapping[str, Any] | None) -> AnalysisParams:
        """``params`` as given, built from a mapping of field names, or the defaults."""
        if params is None:
            return cls()
        if isinstance(params, AnalysisParams):
            return params
        known = {f.name for f in fields(cls)}
        unknown = set(params) - known
        if unknown:
            raise ValueError(
                f"unknown analysis parameters {sorted(unknown)}; known: {sorted(known)}"
            )
        return cls(**params)


def categorize(
    pci: float | None, satisfaction: float | None, params: AnalysisParams | None = None
) -> Category:
    """The category for PCI(h_d) and ERO satisfaction S (None: unknown); see the module doc."""
    params = params or AnalysisParams()
    if pci is None:
        return "insufficient_data"
    if pci == 0.0:
        if satisfaction is not None and satisfaction < params.ero_alone_satisfaction:
            return "suspicious"
        return "normal"
    if satisfaction is None:
        return "suspicious"
    if satisfaction > params.normal_satisfaction:
        return "normal"
    if satisfaction < params.highly_satisfaction:
        return "highly_suspicious"
    return "suspicious"


@dataclass(frozen=True)
class Verdict:
    """The result of ``detector.analyze``; ``to_dict()`` is the JSON of DESIGN §3."""

    category: Category
    reasons: tuple[str, ...]
    reviews_analyzed: int
    consistency: ConsistencyResult | None = None
    ero: EROResult | None = None
    # Per ERO feature: its distribution by star level (for the page's charts).
    distributions: Mapping[str, Distribution] = field(default_factory=dict, repr=False)
    dates: NDArray[np.datetime64] | None = field(default=None, repr=False, compare=False)
    detector_version: str = DETECTOR_VERSION
    # Who wrote the reviews (``detector.reviewers.evidence``) and one sentence per finding.
    reviewers: ReviewerEvidence | None = None
    reviewer_sentences: tuple[str, ...] = ()

    @property
    def pci(self) -> float | None:
        return None if self.consistency is None else self.consistency.pci

    @property
    def satisfaction(self) -> float | None:
        return None if self.ero is None else self.ero.satisfaction

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: plain Python types only, NaN and infinities as None."""
        consistency = None
        if self.consistency is not None:
            consistency = self.consistency.to_dict(self.dates)
            series = consistency.pop("series")  # plain floats and strings already: skip the walk
            consistency = _checked(consistency)
            consistency["series"] = series
        ero = None
        if self.ero is not None:
            ero = _checked(self.ero.to_dict())
            for block in ero["features"]:
                name = block["name"]
                block["label"] = feature(name).label
                block["distribution"] = copy.deepcopy(self.distributions.get(name))
        return {
            "schema": SCHEMA,
            "reviews_analyzed": self.reviews_analyzed,
            "consistency": consistency,
            "ero": ero,
            "reviewers": None
            if self.reviewers is None
            else _checked(self.reviewers.to_dict(self.reviewer_sentences)),
            "verdict": {"category": self.category, "reasons": list(self.reasons)},
            "detector_version": self.detector_version,
        }


def _checked(value: dict[str, Any]) -> dict[str, Any]:
    """``value`` itself when it is already strict JSON (the usual case, checked in C), else
    ``json_safe(value)``."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        safe = json_safe(value)
        assert isinstance(safe, dict)
        return safe
    return value


def json_safe(value: object) -> JSON:
    """``value`` with numpy scalars as Python numbers, tuples as lists, NaN/±inf as None."""
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_safe(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"{type(value).__name__} {value!r} has no JSON form")
