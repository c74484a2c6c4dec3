"""Consistency analysis (ReviewSec paper §III-B; DESIGN §3.1).

Ratings x[0..N−1] in arrival order. With μ0 the product's mean rating (or a given value) and ν the
size of mean change to detect (default 0.6 stars), the two-sided CUSUM detection functions are

    g⁺[n] = max(0, g⁺[n−1] + x[n] − μ0 − ν/2)        (upward change)
    g⁻[n] = max(0, g⁻[n−1] − (x[n] − μ0) − ν/2)      (downward change),   g[−1] = 0.

An alarm is raised at t_b when a statistic first exceeds h; the change is estimated to have begun
at t_a, one after the last index before t_b where that statistic was 0 (0 if it never was). The
statistic is reset to 0 and the scan continues. Overlapping intervals [t_a, t_b] (of either
direction) are merged, and so are same-direction intervals that touch (one change split by a
reset); PCI(h) = (indices inside intervals) / N. Consistency score = 1 − PCI.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detector.consistency.iso_dates import iso_strings
from detector.consistency.kernel import (
    alarm_intervals,
    chart_series,
    covered_counts,
    detection_functions,
)

__all__ = [
    "DEFAULT_H0",
    "DEFAULT_NU",
    "ChangeInterval",
    "ConsistencyResult",
    "Direction",
    "analyze_consistency",
    "as_ratings",
    "change_intervals",
    "cusum",
    "pci",
    "pci_grid",
]

DEFAULT_NU = 0.6
DEFAULT_H0 = 3.0
Direction = Literal["up", "down"]
Ratings = NDArray[np.float64]


def as_ratings(x: ArrayLike) -> Ratings:
    """Ratings as a 1-D float array, or a ``ValueError`` that says what is wrong with them.

    Every public function here checks its ratings with this, unless told ``check_ratings=False``
    (like ``check_finite`` in scipy.linalg): ``detector.analyze`` checks them once, in
    ``detector.prepare``, and passes them on unchecked.
    """
    if np.asarray(x).dtype.kind == "b":
        raise ValueError("ratings must be numbers from 1 to 5, not True/False")
    try:
        ratings = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError("ratings must be numbers from 1 to 5") from error
    if ratings.ndim != 1:
        raise ValueError(f"ratings must be a one-dimensional sequence, got shape {ratings.shape}")
    if ratings.size == 0:
        raise ValueError("there are no ratings to analyse")
    if np.isnan(ratings).any():
        raise ValueError("ratings contain missing values (NaN)")
    if ((ratings < 1) | (ratings > 5)).any():
        raise ValueError("ratings must lie between 1 and 5 stars")
    return ratings


def check_parameters(nu: float, h: float | None = None) -> None:
    if not math.isfinite(nu) or nu < 0:
        raise ValueError(f"ν must be a finite number ≥ 0, got {nu}")
    if h is not None and (not math.isfinite(h) or h < 0):
        raise ValueError(f"the threshold h must be a finite number ≥ 0, got {h}")


def _checked(x: ArrayLike, check_ratings: bool) -> Ratings:
    return as_ratings(x) if check_ratings else np.asarray(x, dtype=np.float64)


def _reference(ratings: Ratings, mu0: float | None) -> float:
    if mu0 is None:
        return float(ratings.mean())
    if not math.isfinite(mu0):
        raise ValueError(f"μ0 must be finite, got {mu0}")
    return float(mu0)


def cusum(
    x: ArrayLike, mu0: float | None, nu: float = DEFAULT_NU, *, check_ratings: bool = True
) -> tuple[Ratings, Ratings]:
    """The detection functions g⁺ and g⁻ without resets, for charts (float arrays, len(x));
    μ0 None: the mean of ``x``."""
    ratings = _checked(x, check_ratings)
    check_parameters(nu)
    g_plus, g_minus = detection_functions(ratings, _reference(ratings, mu0), nu / 2)
    return g_plus, g_minus


@dataclass(frozen=True)
class ChangeInterval:
    """Ratings ``start``..``end`` (0-based, inclusive) drifted ``direction`` from μ0."""

    start: int
    end: int
    direction: Direction

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def change_intervals(
    x: ArrayLike,
    h: float,
    nu: float = DEFAULT_NU,
    mu0: float | None = None,
    *,
    h_down: float | None = None,
    check_ratings: bool = True,
) -> list[ChangeInterval]:
    """Merged change intervals of both statistics at threshold ``h``, in index order.

    A merged interval made of upward and downward pieces takes the direction that covers more of
    its ratings (upward on a tie): the page shades it and says which way the ratings went. A piece
    that starts right after a piece of the same direction ends is the same change split by the
    reset, and is joined to it (a sustained shift is one interval, not one per alarm).
    ``h_down``: the downward statistic's own threshold (default ``h``; inf: no downward scan).
    """
    ratings = _checked(x, check_ratings)
    check_parameters(nu)
    reference = _reference(ratings, mu0)
    pieces: list[tuple[int, int, Direction]] = []
    sides: tuple[tuple[float, Direction, float], ...] = (
        (1.0, "up", float(h)),
        (-1.0, "down", float(h if h_down is None else h_down)),
    )
    for sign, direction, threshold in sides:
        if math.isnan(threshold) or threshold < 0:
            raise ValueError(f"the threshold h must be a number ≥ 0, got {threshold}")
        if math.isinf(threshold):
            continue
        starts, ends = alarm_intervals(ratings, reference, nu / 2, threshold, sign)
        pieces += [(int(s), int(e), direction) for s, e in zip(starts, ends, strict=True)]
    return _merge(sorted(pieces))


def _merge(pieces: Sequence[tuple[int, int, Direction]]) -> list[ChangeInterval]:
    """Join sorted pieces that overlap, or touch the group's last piece in the same direction."""
    merged: list[ChangeInterval] = []
    group: list[tuple[int, int, Direction]] = []
    group_end, end_direction = -2, None
    for start, end, direction in pieces:
        continues = start == group_end + 1 and direction == end_direction
        if group and start > group_end and not continues:
            merged.append(_combine(group))
            group = []
        if not group or end > group_end:
            group_end, end_direction = end, direction
        group.append((start, end, direction))
    if group:
        merged.append(_combine(group))
    return merged


def _combine(group: list[tuple[int, int, Direction]]) -> ChangeInterval:
    up = sum(end - start + 1 for start, end, direction in group if direction == "up")
    down = sum(end - start + 1 for start, end, direction in group if direction == "down")
    start = min(piece[0] for piece in group)
    end = max(piece[1] for piece in group)
    return ChangeInterval(start, end, "up" if up >= down else "down")


def pci(
    x: ArrayLike,
    h: float,
    nu: float = DEFAULT_NU,
    mu0: float | None = None,
    *,
    check_ratings: bool = True,
) -> float:
    """Percent of change interval: the share of ratings inside merged change intervals."""
    return float(pci_grid(x, [h], nu=nu, mu0=mu0, check_ratings=check_ratings)[0])


def pci_grid(
    x: ArrayLike,
    thresholds: Sequence[float] | NDArray[np.float64],
    nu: float = DEFAULT_NU,
    mu0: float | None = None,
    *,
    check_ratings: bool = True,
) -> NDArray[np.float64]:
    """PCI at every threshold of ``thresholds`` in one compiled pass per threshold."""
    ratings = _checked(x, check_ratings)
    grid = np.asarray(thresholds, dtype=np.float64)
    check_parameters(nu)
    if grid.ndim != 1 or not np.isfinite(grid).all() or (grid < 0).any():
        raise ValueError("thresholds must be finite numbers ≥ 0")
    counts: NDArray[np.int64] = covered_counts(ratings, _reference(ratings, mu0), nu / 2, grid)
    return counts / ratings.size


@dataclass(frozen=True)
class ConsistencyResult:
    """The consistency block of a verdict, with the series the page charts."""

    mu0: float
    nu: float
    h0: float
    threshold: float
    c_index: int | None
    pci: float
    intervals: tuple[ChangeInterval, ...]
    ratings: Ratings = field(repr=False, compare=False)
    g_plus: Ratings = field(repr=False, compare=False)
    g_minus: Ratings = field(repr=False, compare=False)
    # The size-scaled law (``detector.consistency.threshold``): ``threshold`` is then the upward
    # side's h⁺, ``threshold_down`` h⁻; ``p_change`` the largest excursions' calibrated p.
    method: str = "cvt"
    threshold_down: float | None = None
    alpha: float | None = None
    p_change: float | None = None

    @property
    def score(self) -> float:
        return 1.0 - self.pci

    @property
    def running_mean(self) -> NDArray[np.float64]:
        return np.cumsum(self.ratings) / np.arange(1, self.ratings.size + 1)

    def to_dict(self, dates: ArrayLike | None = None) -> dict[str, Any]:
        """The ``consistency`` block of DESIGN §3, plus ``series`` for the chart.

        ``dates`` (one per rating, anything numpy reads as datetime64: datetime64 arrays, dates,
        datetimes, ISO strings) become ISO dates on the intervals and timestamps in the series.
        """
        day = series_dates = None
        if dates is not None:
            stamps = np.asarray(dates, dtype="datetime64")
            if stamps.shape != self.ratings.shape:
                raise ValueError(
                    f"dates must give one date per rating ({self.ratings.size}), "
                    f"got shape {stamps.shape}"
                )
            series_dates = iso_strings(stamps)
            day = _interval_days(self.intervals, stamps, series_dates)
        running_mean, g_plus, g_minus, whole = chart_series(
            np.ascontiguousarray(self.ratings, dtype=np.float64),
            np.ascontiguousarray(self.g_plus, dtype=np.float64),
            np.ascontiguousarray(self.g_minus, dtype=np.float64),
        )
        return {
            "mu0": round(self.mu0, 6),
            "nu": self.nu,
            "h0": self.h0,
            "threshold": round(self.threshold, 6),
            "c_index": self.c_index,
            "threshold_method": self.method,
            "threshold_up": round(self.threshold, 6),
            "threshold_down": None
            if self.threshold_down is None
            else round(self.threshold_down, 6),
            "false_alarm_rate": self.alpha,
            "p_change": None if self.p_change is None else float(f"{self.p_change:.6g}"),
            "p_change_calibration": None
            if self.p_change is None
            else "self: this product's ratings in random order (exchangeable-null law)",
            "pci": round(self.pci, 6),
            "score": round(self.score, 6),
            "intervals": [
                {
                    "start": interval.start,
                    "end": interval.end,
                    "direction": interval.direction,
                    "reviews": interval.length,
                    "start_date": None if day is None else day[interval.start],
                    "end_date": None if day is None else day[interval.end],
                }
                for interval in self.intervals
            ],
            "series": {
                "dates": series_dates,
                "ratings": (self.ratings.astype(int) if whole else self.ratings).tolist(),
                # np.round(·, 4) of the running mean, g⁺ and g⁻ (``kernel.chart_series``)
                "running_mean": running_mean.tolist(),
                "g_plus": g_plus.tolist(),
                "g_minus": g_minus.tolist(),
            },
        }


def _interval_days(
    intervals: Sequence[ChangeInterval], stamps: NDArray[Any], series_dates: list[str]
) -> dict[int, str]:
    """The ISO date of every interval end, as ``stamps[i].astype("datetime64[D]")`` writes it:
    the date part of the series' stamp (``iso_strings``: "YYYY-MM-DD", then "THH:MM:SS" for
    second precision) for day and second stamps of years 0000-9999, else numpy's own string."""
    ends = [i for interval in intervals for i in (interval.start, interval.end)]
    unit = np.datetime_data(stamps.dtype)[0]
    written = [series_dates[i] for i in ends]
    if unit in ("s", "D") and all(len(text) == (19 if unit == "s" else 10) for text in written):
        return {i: text[:10] for i, text in zip(ends, written, strict=True)}
    found = stamps[ends].astype("datetime64[D]").astype(str).tolist()
    return dict(zip(ends, found, strict=True))


def analyze_consistency(
    x: ArrayLike,
    *,
    nu: float = DEFAULT_NU,
    h: float = DEFAULT_H0,
    mu0: float | None = None,
    h0: float | None = None,
    c_index: int | None = None,
    check_ratings: bool = True,
) -> ConsistencyResult:
    """CUSUM, change intervals and PCI at the threshold ``h``, for a shift of ``nu``.

    The threshold is the caller's: ``detector.analyze`` passes the product's CvT threshold h_d
    (``detector.consistency.cvt``) with the h0 and C-index it came from, which the result
    records; ``h0`` defaults to ``h`` (a fixed threshold, no CvT search).
    """
    ratings = _checked(x, check_ratings)
    check_parameters(nu, h)
    reference = _reference(ratings, mu0)
    g_plus, g_minus = cusum(ratings, reference, nu, check_ratings=False)
    intervals = tuple(change_intervals(ratings, h, nu=nu, mu0=reference, check_ratings=False))
    covered = sum(interval.length for interval in intervals)
    return ConsistencyResult(
        mu0=reference,
        nu=nu,
        h0=h if h0 is None else h0,
        threshold=float(h),
        c_index=c_index,
        pci=covered / ratings.size,
        intervals=intervals,
        ratings=ratings,
        g_plus=g_plus,
        g_minus=g_minus,
    )
