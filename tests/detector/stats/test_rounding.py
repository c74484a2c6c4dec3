"""``rounded`` against Python's own ``round`` (the reference), float for float, sign included."""

from __future__ import annotations

import math

import numpy as np
import pytest

from detector.stats.rounding import VECTOR_FROM, rounded


def _same(ours: list[float], theirs: list[float]) -> bool:
    return all(
        (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
        for a, b in zip(ours, theirs, strict=True)
    )


@pytest.mark.parametrize("digits", [0, 2, 4, 6])
def test_equals_python_round_on_random_tied_and_special_values(digits: int) -> None:
    rng = np.random.default_rng(digits)
    scale = 10.0**digits
    values = np.concatenate(
        [
            rng.random(20_000),  # shares
            rng.normal(0, 50, 20_000),  # means, signs
            np.exp(rng.uniform(-30, 45, 5_000)) * rng.choice([-1, 1], 5_000),  # tiny to huge
            (rng.integers(-(10**6), 10**6, 5_000) + 0.5) / scale,  # ties in decimal
            rng.integers(0, 50, 2_000) / rng.integers(1, 50, 2_000),  # count ratios
            [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, 0.125, 0.375, 1e-300, -1e-300, 2.0**30, 2.0**60],
            [math.nan, math.inf, -math.inf],
        ]
    )
    assert _same(rounded(values, digits), [round(v, digits) for v in values.tolist()])


@pytest.mark.parametrize(
    "shape", [(2, 3), (3,), (VECTOR_FROM,), (5, VECTOR_FROM), (0, 3), (2, 3, 4)]
)
def test_keeps_the_shape_small_or_vectorised(shape: tuple[int, ...]) -> None:
    shares = np.random.default_rng(1).integers(0, 9, shape) / 8.0 / 3.0
    assert (
        rounded(shares, 4) == np.vectorize(lambda v: round(v, 4), otypes=[float])(shares).tolist()
    )


def test_refuses_digits_it_cannot_scale_exactly() -> None:
    with pytest.raises(ValueError):
        rounded([1.0], 16)
