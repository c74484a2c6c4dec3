"""detector.leans.robust_margin runs its bisection for every spread at once: the same (μ, τ), to
the last bit, as the bisection one spread at a time (the code before 2026-12-03, kept here)."""

import math

import numpy as np
import pytest
from scipy import special

from detector import leans


def one_spread_at_a_time(y: np.ndarray, se: np.ndarray) -> tuple[float, float]:
    z_low, z_mid = special.ndtri(leans._LOWER[0]), special.ndtri(leans._LOWER[1])
    best = None
    for spread in leans._SPREADS:
        scale = np.sqrt(se**2 + spread**2)
        low, high = float(y.min()) - 10.0, float(y.max()) + 10.0
        for _ in range(60):
            middle = 0.5 * (low + high)
            if float(np.quantile((y - middle) / scale, leans._LOWER[1])) > z_mid:
                low = middle
            else:
                high = middle
        location = 0.5 * (low + high)
        gap = abs(float(np.quantile((y - location) / scale, leans._LOWER[0])) - z_low)
        if best is None or gap < best[0]:
            best = (gap, location, float(spread))
    assert best is not None
    return max(best[1], math.log(leans.MARGIN_FLOOR)), max(best[2], leans.SPREAD_FLOOR)


@pytest.mark.parametrize("n", [20, 57, 400])
@pytest.mark.parametrize("extra", [0.0, 0.3, 0.9])
def test_the_margin_is_the_one_spread_at_a_time_bisections(n, extra):
    rng = np.random.default_rng([n, int(extra * 10)])
    se = rng.uniform(0.2, 1.2, n)
    y = 0.4 + rng.normal(0.0, np.sqrt(se**2 + extra**2)) + (rng.random(n) < 0.1) * 2.5
    assert leans.robust_margin(y, se) == one_spread_at_a_time(y, se)


def test_a_spread_above_the_floor_is_found_when_the_products_vary_more_than_their_se():
    rng = np.random.default_rng(11)
    se = np.full(600, 0.1)
    y = 0.5 + rng.normal(0.0, np.sqrt(0.1**2 + 0.6**2), 600)
    location, spread = leans.robust_margin(y, se)
    assert (location, spread) == one_spread_at_a_time(y, se)
    assert 0.4 < spread < 0.8
