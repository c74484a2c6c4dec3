"""Consistency (paper §III-B; DESIGN §3.1, §3.2): is the rating stable over time?

``cusum``: the cost - the two-sided CUSUM, its change intervals and PCI(h) at a threshold h given
by the caller (``kernel``: the compiled loops). ``cvt``: the search - a per-product threshold h_d
from a line fitted to reference products (the paper's; kept as an option). ``threshold``: the
default search - per side, h± from the exchangeable-null law of the largest chance excursion
(grows with n, depends on the product's own star mix, 1% chance false alarms at every size).
``feature_scan``: the same law on features in time. ``cvt`` and ``threshold`` use ``cusum``;
``cusum`` knows nothing of them.
"""

from detector.consistency.cusum import (
    DEFAULT_H0,
    DEFAULT_NU,
    ChangeInterval,
    ConsistencyResult,
    Direction,
    analyze_consistency,
    as_ratings,
    change_intervals,
    cusum,
    pci,
    pci_grid,
)
from detector.consistency.cvt import ThresholdModel
from detector.consistency.threshold import analyze_consistency_law

__all__ = [
    "DEFAULT_H0",
    "DEFAULT_NU",
    "ChangeInterval",
    "ConsistencyResult",
    "Direction",
    "ThresholdModel",
    "analyze_consistency",
    "analyze_consistency_law",
    "as_ratings",
    "change_intervals",
    "cusum",
    "pci",
    "pci_grid",
]
