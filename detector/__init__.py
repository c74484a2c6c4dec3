"""ReviewSec's detector of manipulated reviews: pure Python, no Django (DESIGN §3).

    import detector

    verdict = detector.analyze(reviews)  # dict of equal-length arrays, see detector.analysis
    verdict.to_dict()  # the JSON the API, the CLI and the page share
    model = detector.default_reference_model()  # the packaged detector.reference.ReferenceModel
    detector.analyze(reviews, reference=model)

``python -m detector FILE`` analyses a JSON Lines or CSV file of reviews. The layout:
``analysis`` (``analyze``) → ``prepare`` (checked arrays) → ``consistency`` (CUSUM, CvT) and ``ero``
(ANOVA + Tukey per feature, calibration) → ``verdict`` (the rule, the JSON) and ``words`` (every
sentence); ``features`` is the table of ERO features, ``reference`` the model both halves compare
a product with, ``stats`` statistics with nothing review-specific, ``simulate`` products with a
known truth, ``io`` and ``cli`` the command line.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

DETECTOR_VERSION = "1.0.0"

if TYPE_CHECKING:
    from detector.analysis import analyze
    from detector.reference import ReferenceModel, default_reference_model
    from detector.verdict import AnalysisParams, Verdict

__all__ = [
    "DETECTOR_VERSION",
    "AnalysisParams",
    "ReferenceModel",
    "Verdict",
    "analyze",
    "default_reference_model",
]
__version__ = DETECTOR_VERSION

# Imported on first use, so that ``detector.simulate`` or ``detector.io`` alone stay light (the
# analysis pulls in numba, scipy.stats and the packaged model).
_LAZY = {
    "analyze": "detector.analysis",
    "default_reference_model": "detector.reference",
    "ReferenceModel": "detector.reference",
    "AnalysisParams": "detector.verdict",
    "Verdict": "detector.verdict",
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'detector' has no attribute {name!r}")
    value: object = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
