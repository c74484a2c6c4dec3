"""CvT: per-product CUSUM thresholds fitted from a reference set (paper §III-B.2; DESIGN §3.2).

1. For every reference product p_i compute PCI(h0; p_i); sorted ascending, a product's rank
   (1-based) is its C-index c.
2. Compute PCI over a grid of thresholds for every reference product: a surface PCI(c, h).
3. Each contour level L of that surface crosses a product's row at h_L(c), the smallest
   threshold at which its PCI falls to L (linear interpolation between grid points).
4. Fit h = a0 + a1·c to the crossings by least squares with one slope pooled over the levels
   (each level has its own mean) and the intercept of the level ``intercept_level``.
A new product gets the C-index of the reference product whose PCI(h0) is closest to its own, and
the threshold h_d = max(h0, a0 + a1·c): products that are naturally more volatile (higher C-index)
get a more tolerant threshold, and no product is judged more strictly than at h0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detector.consistency.cusum import DEFAULT_H0, DEFAULT_NU, as_ratings, pci_grid

__all__ = [
    "DEFAULT_INTERCEPT_LEVEL",
    "DEFAULT_LEVELS",
    "DEFAULT_THRESHOLDS",
    "SCHEMA",
    "ThresholdModel",
    "contour_crossings",
    "fit",
    "fit_contour_line",
]

SCHEMA = "reviewsec.cvt/1"
DEFAULT_THRESHOLDS = tuple(round(1.0 + 0.25 * k, 2) for k in range(60))  # 1.0 … 15.75
DEFAULT_LEVELS = (0.05, 0.1, 0.2, 0.3)
DEFAULT_INTERCEPT_LEVEL = 0.1


@dataclass(frozen=True)
class ThresholdModel:
    """A fitted CvT model: the line h = a0 + a1·c and what it was fitted from (JSON-safe)."""

    h0: float
    nu: float
    a0: float
    a1: float
    thresholds: tuple[float, ...]
    levels: tuple[float, ...]
    intercept_level: float
    reference_pci: tuple[float, ...]  # PCI(h0) of the reference products, ascending
    pci_surface: tuple[tuple[float, ...], ...]  # row c-1: PCI over ``thresholds`` at C-index c
    sample_ids: tuple[str, ...] = ()
    version: str = "1"

    def c_index_for(self, pci_h0: float) -> int:
        """1-based rank of the reference product whose PCI(h0) is closest (the lower on a tie)."""
        reference = np.asarray(self.reference_pci)
        position = int(np.searchsorted(reference, pci_h0))
        candidates = [i for i in (position - 1, position) if 0 <= i < reference.size]
        best = min(candidates, key=lambda i: (abs(reference[i] - pci_h0), i))
        # Several reference products can share that PCI: the lowest rank among them.
        return int(np.searchsorted(reference, reference[best], side="left")) + 1

    def threshold_for(self, x: ArrayLike, *, check_ratings: bool = True) -> tuple[float, int]:
        """(h_d, C-index) for a product's ratings in arrival order; h_d is never below h0."""
        pci_h0 = float(pci_grid(x, [self.h0], nu=self.nu, check_ratings=check_ratings)[0])
        c_index = self.c_index_for(pci_h0)
        return max(self.h0, self.a0 + self.a1 * c_index), c_index

    def contours(self) -> dict[str, Any]:
        """What a contour chart of PCI over (C-index, threshold) needs, with the fitted line."""
        c_axis = list(range(1, len(self.reference_pci) + 1))
        return {
            "c_index": c_axis,
            "thresholds": list(self.thresholds),
            # Plotly's contour takes z[row = y index][column = x index]: thresholds × C-index.
            "pci": np.asarray(self.pci_surface).T.tolist() if self.pci_surface else [],
            "levels": list(self.levels),
            "line": {
                "c_index": [c_axis[0], c_axis[-1]] if c_axis else [],
                "threshold": [self.a0 + self.a1 * c for c in (c_axis[0], c_axis[-1])]
                if c_axis
                else [],
            },
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "version": self.version,
            "h0": self.h0,
            "nu": self.nu,
            "a0": self.a0,
            "a1": self.a1,
            "thresholds": list(self.thresholds),
            "levels": list(self.levels),
            "intercept_level": self.intercept_level,
            "reference_pci": list(self.reference_pci),
            "pci_surface": [list(row) for row in self.pci_surface],
            "sample_ids": list(self.sample_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ThresholdModel:
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a CvT threshold model (schema {data.get('schema')!r})")
        try:
            return cls._from_fields(data)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"malformed CvT threshold model: {error!r}") from error

    @classmethod
    def _from_fields(cls, data: Mapping[str, Any]) -> ThresholdModel:
        return cls(
            h0=float(data["h0"]),
            nu=float(data["nu"]),
            a0=float(data["a0"]),
            a1=float(data["a1"]),
            thresholds=tuple(float(h) for h in data["thresholds"]),
            levels=tuple(float(level) for level in data["levels"]),
            intercept_level=float(data["intercept_level"]),
            reference_pci=tuple(float(p) for p in data["reference_pci"]),
            pci_surface=tuple(tuple(float(p) for p in row) for row in data["pci_surface"]),
            sample_ids=tuple(str(s) for s in data.get("sample_ids", ())),
            version=str(data.get("version", "1")),
        )


def contour_crossings(
    surface: NDArray[np.float64], thresholds: NDArray[np.float64], level: float
) -> NDArray[np.float64]:
    """h_L(c) for every row of a PCI surface: where PCI first falls to ``level`` (NaN if never).

    The crossing is taken where PCI *first* falls to the level, between the last grid point
    above it and the first at or below it (interpolated linearly). PCI is mostly, not strictly,
    non-increasing in h under the reset rule (see tests/detector/test_consistency_properties.py):
    a later small rise above the level does not move the crossing. Rows already at or below the
    level at the smallest threshold, or never reaching it, have no crossing inside the grid.
    """
    below = surface <= level
    first = np.argmax(below, axis=1)
    has_crossing = below.any(axis=1) & (first > 0)
    rows = np.flatnonzero(has_crossing)
    crossings = np.full(surface.shape[0], np.nan)
    j = first[rows]
    p_above, p_below = surface[rows, j - 1], surface[rows, j]
    h_above, h_below = thresholds[j - 1], thresholds[j]
    fraction = (p_above - level) / (p_above - p_below)
    crossings[rows] = h_above + fraction * (h_below - h_above)
    return crossings


def fit_contour_line(
    crossings: Mapping[float, NDArray[np.float64]], intercept_level: float
) -> tuple[float, float]:
    """(a0, a1): least squares h = a_L + a1·c with a slope pooled over the contour levels.

    ``crossings[L][c-1]`` is h_L(c) (NaN where the contour does not cross row c). The pooled
    slope is Σ_L Σ_c (c − c̄_L)(h − h̄_L) / Σ_L Σ_c (c − c̄_L)²; the intercept is that of
    ``intercept_level``: a0 = h̄_L − a1·c̄_L.
    """
    numerator = denominator = 0.0
    means: dict[float, tuple[float, float]] = {}
    for level, values in crossings.items():
        h = np.asarray(values, dtype=np.float64)
        c = np.arange(1, h.size + 1, dtype=np.float64)
        keep = np.isfinite(h)
        if keep.sum() < 2:
            continue
        c_mean, h_mean = c[keep].mean(), h[keep].mean()
        numerator += float(((c[keep] - c_mean) * (h[keep] - h_mean)).sum())
        denominator += float(((c[keep] - c_mean) ** 2).sum())
        means[level] = (c_mean, h_mean)
    if denominator == 0.0 or intercept_level not in means:
        raise ValueError(
            f"the reference set has too few contour crossings at level {intercept_level} to fit "
            "a threshold line; use more (or more varied) reference products"
        )
    slope = numerator / denominator
    c_mean, h_mean = means[intercept_level]
    return h_mean - slope * c_mean, slope


def fit(
    reference_series: Iterable[ArrayLike],
    h0: float = DEFAULT_H0,
    thresholds: Sequence[float] | None = None,
    *,
    nu: float = DEFAULT_NU,
    levels: Sequence[float] = DEFAULT_LEVELS,
    intercept_level: float = DEFAULT_INTERCEPT_LEVEL,
    sample_ids: Sequence[str] = (),
    version: str = "1",
) -> ThresholdModel:
    """Fit a CvT ``ThresholdModel`` from the ratings (arrival order) of reference products."""
    grid = np.asarray(thresholds if thresholds is not None else DEFAULT_THRESHOLDS, dtype=float)
    if grid.ndim != 1 or grid.size < 2 or (np.diff(grid) <= 0).any():
        raise ValueError("thresholds must be an increasing grid of at least two values")
    if intercept_level not in levels:
        raise ValueError("intercept_level must be one of the contour levels")
    series = [as_ratings(x) for x in reference_series]  # each checked once, here
    if len(series) < 2:
        raise ValueError("CvT needs at least two reference products")
    if len(sample_ids) and len(sample_ids) != len(series):
        raise ValueError(
            f"sample_ids names {len(sample_ids)} products but there are {len(series)} series"
        )
    pci_h0 = np.array([pci_grid(x, [h0], nu=nu, check_ratings=False)[0] for x in series])
    order = np.argsort(pci_h0, kind="stable")
    surface = np.array([pci_grid(series[i], grid, nu=nu, check_ratings=False) for i in order])
    crossings = {level: contour_crossings(surface, grid, level) for level in levels}
    a0, a1 = fit_contour_line(crossings, intercept_level)
    ids = tuple(str(sample_ids[i]) for i in order) if len(sample_ids) == len(series) else ()
    return ThresholdModel(
        h0=float(h0),
        nu=float(nu),
        a0=float(a0),
        a1=float(a1),
        thresholds=tuple(float(h) for h in grid),
        levels=tuple(float(level) for level in levels),
        intercept_level=float(intercept_level),
        reference_pci=tuple(float(p) for p in pci_h0[order]),
        pci_surface=tuple(tuple(round(float(p), 6) for p in row) for row in surface),
        sample_ids=ids,
        version=version,
    )
