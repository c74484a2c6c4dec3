"""Equal Rating Opportunity (paper §III-C; DESIGN §3.3): do reviews of every star level look alike?

``analysis``: ``analyze_ero`` (ANOVA + Tukey per feature, the product's satisfaction) and
``fit_calibration``; ``features``: the test of one feature; ``results``: what they return;
``calibration``: the reference effects that make a p-value comparable across products;
``distributions``: each feature by star level, for the page's charts and the verdict's sentences.
"""

from detector.ero.analysis import analyze_ero, fit_calibration
from detector.ero.calibration import EROCalibration, FeatureCalibration
from detector.ero.results import (
    CategoryResult,
    ChiSquareResult,
    EROResult,
    FeatureResult,
    OmnibusStatistic,
)

__all__ = [
    "CategoryResult",
    "ChiSquareResult",
    "EROCalibration",
    "EROResult",
    "FeatureCalibration",
    "FeatureResult",
    "OmnibusStatistic",
    "analyze_ero",
    "fit_calibration",
]
