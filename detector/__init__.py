"""ReviewSec's detector of manipulated reviews: pure Python, no Django (DESIGN §3).

    import detector

    verdict = detector.analyze(reviews)  # dict of equal-length arrays, see detector.analysis
    verdict.to_dict()  # the JSON the API, the CLI and the page share
    model = detector.default_threshold_model()  # a detector.reference.ReferenceModel

``python -m detector FILE`` analyses a JSON Lines or CSV file of reviews.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

DETECTOR_VERSION = "1.0.0"

if TYPE_CHECKING:
    from detector.analysis import analyze, default_threshold_model
    from detector.reference import ReferenceModel
    from detector.verdict import AnalysisParams, Verdict

__all__ = [
    "DETECTOR_VERSION",
    "AnalysisParams",
    "ReferenceModel",
    "Verdict",
    "analyze",
    "default_threshold_model",
]
__version__ = DETECTOR_VERSION

# Imported on first use, so that ``detector.simulate`` and ``detector.ero`` alone stay light
# (the analysis pulls in numba, scipy.stats and the packaged model).
_LAZY = {
    "analyze": "detector.analysis",
    "default_threshold_model": "detector.analysis",
    "ReferenceModel": "detector.reference",
    "AnalysisParams": "detector.verdict",
    "Verdict": "detector.verdict",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'detector' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
