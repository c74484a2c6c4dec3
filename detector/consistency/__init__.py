"""Consistency (paper §III-B; DESIGN §3.1, §3.2): is the rating stable over time?

``cusum``: the cost - the two-sided CUSUM, its change intervals and PCI(h) at a threshold h given
by the caller (``kernel``: the compiled loops). ``cvt``: the search - a per-product threshold h_d
from a line fitted to reference products. ``cvt`` uses ``cusum``; ``cusum`` knows nothing of it.
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

__all__ = [
    "DEFAULT_H0",
    "DEFAULT_NU",
    "ChangeInterval",
    "ConsistencyResult",
    "Direction",
    "ThresholdModel",
    "analyze_consistency",
    "as_ratings",
    "change_intervals",
    "cusum",
    "pci",
    "pci_grid",
]
