"""The star-group leans: do the reviews of one star level come from doubtful accounts? (issue 13)

Fakes spread evenly over a product's life form no change interval, but they come from accounts
without histories, are rarely verified purchases, and sit on one star level. A *lean* compares
the odds of a marked review in one star group with those of the other reviews: with a, b the
marked and unmarked reviews of the group, c, d of the rest (each + ½, Haldane–Anscombe),

    y = log OR = log((a + ½)(d + ½) / ((b + ½)(c + ½))),   se = (Σ 1/(cell + ½))^½.

The sides (``SIDES``):

* ``history_5``, ``history_1``: marked = one-review account (history h ≤ 1), for the 5-star and
  for the 1-star group; reported together as ``reviewer_history``, p = min(1, 2·min(p₅, p₁)).
* ``unverified_5``: marked = unverified purchase, the 5-star group only (``unverified_5star``).
  Not the 1-star group: people who bought elsewhere complain unverified on honest products.
* ``new_unverified_5``: marked = one-review account *and* unverified purchase, the 5-star group
  (``new_unverified_5star``). A paid review usually carries both marks, an honest one seldom
  both (about 2% of honest reviews against 20% and 12% for either mark), so the joint mark's
  odds ratio is larger and steadier than either mark's alone when the fakes are a small share.
* ``together_5``, ``together_1``: *within* the 5-star (1-star) group, the group = unverified
  purchases, marked = one-review accounts: do the two doubtful marks fall on the same reviews?
  Reported together as ``marks_together``, p = min(1, 2·min(p₅, p₁)). Why (issue 13, slow
  drips): when fakes are 10–20% of a product whose honest reviews are mostly 5-star, every
  contrast *between* star groups is weak (the other groups are small), but inside the 5-star
  group the fakes carry both marks at once while honest reviews carry them independently, so
  the two marks' odds ratio there rises (median z 4.5 on the independent generator's slow
  drips, 0.0–0.2 on its honest products, measured against the floors below).

**Calibration against the reference products** (``LeanCalibration``). Honest products are not
lean-neutral everywhere (on real shops one-review accounts rate a little more extremely), so
each side's honest log odds ratio is modelled as θ ~ N(μ, τ²) across products, fitted on the
reference products' (y_j, se_j) from two LOWER quantiles of the standardised residuals, as the
ERO model tail does (campaigns raise y, so they move the lower quantiles least):

    z_j(μ, τ) = (y_j − μ)/√(se_j² + τ²);   q40(z) = Φ⁻¹(0.40) fixes μ for each τ,
    and τ is the value at which then q10(z) = Φ⁻¹(0.10)            (τ on a grid, μ by bisection)

with floors μ ≥ log ``MARGIN_FLOOR`` (1.1) and τ ≥ ``SPREAD_FLOOR`` (0.05): no honest population
is assumed to draw doubtful accounts more evenly across star levels than an odds ratio of 1.1,
which is what lets a model fitted on simulated products transfer. A product's p-value is the
predictive tail

    p = 1 − Φ((y − μ) / √(se² + τ²)).

Without a calibration (a model from before the leans were fitted, a side with fewer than
``MIN_PRODUCTS`` reference products) the fixed honest margins of the first version stand in:
μ = log 1.3 for history, log 1.5 for the unverified and joint marks, τ = 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit
from scipy import special

__all__ = [
    "HISTORY_MARGIN",
    "MARGIN_FLOOR",
    "SIDES",
    "SPREAD_FLOOR",
    "UNVERIFIED_MARGIN",
    "LeanCalibration",
    "LeanMargin",
    "LeanStatistic",
    "lean_p_values",
    "lean_statistics",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SIDES = ("history_5", "history_1", "unverified_5", "new_unverified_5", "together_5", "together_1")
HISTORY_MARGIN = 1.3
UNVERIFIED_MARGIN = 1.5
MARGIN_FLOOR = 1.1
SPREAD_FLOOR = 0.05
MIN_PRODUCTS = 20
LEAN_MIN_REVIEWS = 20
_LOWER = (0.10, 0.40)
_SPREADS = np.linspace(0.0, 2.0, 201)


@dataclass(frozen=True)
class LeanStatistic:
    """One side's log odds ratio y and its standard error on one product."""

    log_odds: float
    se: float


@dataclass(frozen=True)
class LeanMargin:
    """The honest law of one side's log odds ratio, θ ~ N(location, spread²)."""

    location: float
    spread: float
    products: int = 0  # reference products it was fitted on (0: a fixed margin)

    def p(self, statistic: LeanStatistic) -> float:
        """1 − Φ((y − μ)/√(se² + τ²)) (module docstring)."""
        scale = math.sqrt(statistic.se**2 + self.spread**2)
        return float(
            0.5 * special.erfc((statistic.log_odds - self.location) / scale / math.sqrt(2))
        )


FIXED_MARGINS = {
    "history_5": LeanMargin(math.log(HISTORY_MARGIN), 0.0),
    "history_1": LeanMargin(math.log(HISTORY_MARGIN), 0.0),
    "unverified_5": LeanMargin(math.log(UNVERIFIED_MARGIN), 0.0),
    "new_unverified_5": LeanMargin(math.log(UNVERIFIED_MARGIN), 0.0),
    "together_5": LeanMargin(math.log(HISTORY_MARGIN), 0.0),
    "together_1": LeanMargin(math.log(HISTORY_MARGIN), 0.0),
}


@dataclass(frozen=True)
class LeanCalibration:
    """Per side, the honest law of its log odds ratio fitted on reference products."""

    margins: Mapping[str, LeanMargin]

    def margin(self, side: str) -> LeanMargin:
        return self.margins.get(side, FIXED_MARGINS[side])

    @classmethod
    def fit(cls, statistics: Sequence[Mapping[str, LeanStatistic]]) -> LeanCalibration:
        """The lower-quantile fit of every side seen on ``MIN_PRODUCTS`` or more products."""
        margins = {}
        for side in SIDES:
            found = [product[side] for product in statistics if side in product]
            if len(found) >= MIN_PRODUCTS:
                y = np.array([s.log_odds for s in found])
                se = np.array([s.se for s in found])
                location, spread = robust_margin(y, se)
                margins[side] = LeanMargin(location, spread, len(found))
        return cls(margins)

    def to_dict(self) -> dict[str, Any]:
        return {
            side: {"location": m.location, "spread": m.spread, "products": m.products}
            for side, m in self.margins.items()
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LeanCalibration:
        return cls(
            {
                str(side): LeanMargin(
                    float(m["location"]), float(m["spread"]), int(m.get("products", 0))
                )
                for side, m in data.items()
                if side in SIDES
            }
        )


def robust_margin(y: FloatArray, se: FloatArray) -> tuple[float, float]:
    """(μ, τ) from two lower quantiles of the standardised residuals, with the floors (module
    docstring): for each τ of ``_SPREADS`` the μ of ``_locations_at``, the τ whose 10% quantile
    lies closest to Φ⁻¹(0.10) (the first such τ on a tie)."""
    z_low, z_mid = special.ndtri(_LOWER[0]), special.ndtri(_LOWER[1])
    scale = np.sqrt(se[None, :] ** 2 + _SPREADS[:, None] ** 2)  # (spreads, products)
    locations = _locations_at(y, scale, z_mid)
    tails = np.quantile((y[None, :] - locations[:, None]) / scale, _LOWER[0], axis=1)
    best: tuple[float, float, float] | None = None
    for gap, location, spread in zip(
        np.abs(tails - z_low).tolist(), locations.tolist(), _SPREADS.tolist(), strict=True
    ):
        if best is None or gap < best[0]:
            best = (gap, location, spread)
    assert best is not None
    return max(best[1], math.log(MARGIN_FLOOR)), max(best[2], SPREAD_FLOOR)


def _locations_at(y: FloatArray, scale: FloatArray, z_mid: float) -> FloatArray:
    """Per row of ``scale``, the μ at which the 40% quantile of (y − μ)/scale equals Φ⁻¹(0.40)
    (bisection, all rows at once: the quantile falls as μ rises). Row by row the same
    arithmetic as a bisection of one row, so the same μ to the last bit (tests/detector)."""
    rows = scale.shape[0]
    low = np.full(rows, float(y.min()) - 10.0)
    high = np.full(rows, float(y.max()) + 10.0)
    for _ in range(60):
        middle = 0.5 * (low + high)
        above = np.quantile((y[None, :] - middle[:, None]) / scale, _LOWER[1], axis=1) > z_mid
        low = np.where(above, middle, low)
        high = np.where(above, high, middle)
    result: FloatArray = 0.5 * (low + high)
    return result


def lean_statistics(
    ratings: npt.NDArray[np.int64], *, history: FloatArray, verified: BoolArray | None
) -> dict[str, LeanStatistic]:
    """Each side's (y, se) where at least ``LEAN_MIN_REVIEWS`` reviews carry what it needs and
    its star group and the rest are both non-empty.

    Which reviews each side's 2×2 table counts (group / marked):

    * ``history_5``, ``history_1``: the reviews with a known history; 5★ (1★) / h ≤ 1;
    * ``unverified_5``: every review (verified flags given); 5★ / unverified;
    * ``new_unverified_5``: known history; 5★ / unverified and h ≤ 1;
    * ``together_5``, ``together_1``: the 5★ (1★) reviews with a known history, when at least
      ``LEAN_MIN_REVIEWS``; unverified / h ≤ 1.

    All six tables' counts in one compiled pass (``_lean_tables``: counting the boolean arrays of
    each side one by one cost ~60 µs on a 100-review product)."""
    has_verified = verified is not None and verified.size >= LEAN_MIN_REVIEWS
    flags = (
        np.ascontiguousarray(verified, dtype=np.bool_)
        if has_verified
        else np.zeros(0, dtype=np.bool_)
    )
    tables = _lean_tables(
        np.ascontiguousarray(ratings, dtype=np.int64),
        np.ascontiguousarray(history, dtype=np.float64),
        flags,
        has_verified,
    ).tolist()
    found: dict[str, LeanStatistic] = {}
    known = tables[0][0]
    if known >= LEAN_MIN_REVIEWS:
        _put(found, "history_5", *tables[0])
        _put(found, "history_1", *tables[1])
    if has_verified:
        _put(found, "unverified_5", *tables[2])
        if known >= LEAN_MIN_REVIEWS:
            _put(found, "new_unverified_5", *tables[3])
            for side, table in (("together_5", tables[4]), ("together_1", tables[5])):
                if table[0] >= LEAN_MIN_REVIEWS:
                    _put(found, side, *table)
    return found


@njit(cache=True)
def _lean_tables(
    ratings: npt.NDArray[np.int64],
    history: FloatArray,
    verified: BoolArray,
    has_verified: bool,
) -> npt.NDArray[np.int64]:
    """Per side (rows in ``lean_statistics``' order: history_5, history_1, unverified_5,
    new_unverified_5, together_5, together_1) its table's (reviews counted, in the group,
    marked in the group, marked): see ``lean_statistics`` for what each counts."""
    tables = np.zeros((6, 4), dtype=np.int64)
    for i in range(ratings.shape[0]):
        star = ratings[i]
        known = np.isfinite(history[i])
        one = known and history[i] <= 1.0
        if known:
            for row, level in ((0, 5), (1, 1)):
                inside = star == level
                tables[row, 0] += 1
                tables[row, 1] += inside
                tables[row, 2] += inside and one
                tables[row, 3] += one
        if not has_verified:
            continue
        unverified = not verified[i]
        five = star == 5
        tables[2, 0] += 1
        tables[2, 1] += five
        tables[2, 2] += five and unverified
        tables[2, 3] += unverified
        if known:
            both = unverified and one
            tables[3, 0] += 1
            tables[3, 1] += five
            tables[3, 2] += five and both
            tables[3, 3] += both
            for row, level in ((4, 5), (5, 1)):
                if star == level:
                    tables[row, 0] += 1
                    tables[row, 1] += unverified
                    tables[row, 2] += unverified and one
                    tables[row, 3] += one
    return tables


def _put(
    found: dict[str, LeanStatistic], side: str, reviews: int, group: int, both: int, marked: int
) -> None:
    if 0 < group < reviews:
        found[side] = table_log_odds_ratio(reviews, group, both, marked)


def table_log_odds_ratio(reviews: int, group: int, both: int, marked: int) -> LeanStatistic:
    """Haldane–Anscombe log odds ratio of the marked reviews in the group against the rest, and
    its se, from the counts: ``both`` marked in the group, ``marked`` in all."""
    a = float(both) + 0.5
    b = float(group) - a + 1.0
    c = float(marked - both) + 0.5
    d = float(reviews - group) - c + 1.0
    return LeanStatistic(math.log(a * d / (b * c)), math.sqrt(1 / a + 1 / b + 1 / c + 1 / d))


def lean_p_values(
    ratings: npt.NDArray[np.int64],
    *,
    history: FloatArray,
    verified: BoolArray | None,
    calibration: LeanCalibration | None = None,
) -> dict[str, float]:
    """``reviewer_history``, ``unverified_5star``, ``new_unverified_5star`` and
    ``marks_together`` where they can be computed (module docstring); ``calibration`` None: the
    fixed margins."""
    calibration = calibration or LeanCalibration({})
    statistics = lean_statistics(ratings, history=history, verified=verified)
    p = {side: calibration.margin(side).p(s) for side, s in statistics.items()}
    found: dict[str, float] = {}
    history_sides = [p[side] for side in ("history_5", "history_1") if side in p]
    if history_sides:
        found["reviewer_history"] = min(1.0, 2.0 * min(history_sides))
    if "unverified_5" in p:
        found["unverified_5star"] = p["unverified_5"]
    if "new_unverified_5" in p:
        found["new_unverified_5star"] = p["new_unverified_5"]
    together = [p[side] for side in ("together_5", "together_1") if side in p]
    if together:
        found["marks_together"] = min(1.0, 2.0 * min(together))
    return found
