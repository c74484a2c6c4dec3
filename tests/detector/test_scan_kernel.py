"""The compiled feature-scan statistics against numpy and scipy: numpy's pairwise sums to the last
bit, the standardised sequence as numpy computes it, the Lundberg roots by scipy's brentq, the
largest excursions by a plain loop."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize

from detector.consistency.kernel import pairwise_sum, scan_statistics, standardized

SIZES = [*range(1, 140), 255, 256, 257, 1000, 1023, 1025, 8191, 8193, 20_000, 100_001]


@pytest.mark.parametrize("seed", range(2))
def test_pairwise_sum_is_numpys_sum_to_the_last_bit(seed):
    rng = np.random.default_rng(seed)
    for n in SIZES:
        x = rng.normal(size=n) * 10.0 ** rng.integers(-6, 6, n)
        assert pairwise_sum(x, 0, n) == np.add.reduce(x), n
        if n > 3:  # a slice of the array: its own sum
            assert pairwise_sum(x, 2, n - 3) == np.add.reduce(x[2 : n - 1]), n


def test_pairwise_sum_of_negative_zeros_is_numpys_positive_zero():
    for n in (1, 7, 8, 200):
        found = pairwise_sum(np.full(n, -0.0), 0, n)
        assert found == 0.0 and not math.copysign(1.0, found) < 0


def test_standardized_is_numpys_standardisation():
    rng = np.random.default_rng(3)
    for n in (2, 9, 130, 5000):
        y = np.log1p(np.round(rng.lognormal(5, 1, n)))
        z, spread = standardized(y)
        assert spread == y.std()
        np.testing.assert_array_equal(z, (y - y.mean()) / y.std())
    assert standardized(np.full(30, 2.5))[1] == 0.0


def _root(p, steps):
    """The positive root of Σ p e^{θ s} = 1 by brentq (inf when no step is positive)."""
    if not (steps > 0).any():
        return math.inf
    f = lambda t: float(np.sum(p * np.exp(t * steps)) - 1.0)  # noqa: E731
    high = 1.0
    while f(high) < 0:
        high *= 2.0
    low = high / 2.0 if f(high / 2.0) < 0 else 1e-12
    while f(low) >= 0 and low > 1e-12:
        low /= 2.0
    return optimize.brentq(f, low, high, xtol=1e-14, rtol=1e-13)


def _tops(z, half_nu):
    up = down = top_up = top_down = 0.0
    for value in z.tolist():
        up = max(0.0, up + value - half_nu)
        down = max(0.0, down - value - half_nu)
        top_up, top_down = max(top_up, up), max(top_down, down)
    return top_up, top_down


@pytest.mark.parametrize("kind", ["binary", "lengths", "with_nan", "planted_shift"])
@pytest.mark.parametrize("half_nu", [0.25, 0.5])
def test_scan_statistics_against_numpy_scipy_and_a_loop(kind, half_nu):
    rng = np.random.default_rng(7)
    n = 300
    if kind == "binary":
        y = (rng.random(n) < 0.3).astype(float)
    elif kind == "lengths":
        y = np.log1p(np.round(rng.lognormal(5, 1, n)))
    elif kind == "with_nan":
        y = rng.normal(size=n)
        y[rng.random(n) < 0.2] = np.nan
    else:
        y = rng.normal(size=n)
        y[100:160] += 1.5
    finite = y[np.isfinite(y)]
    z = (finite - finite.mean()) / finite.std()
    support, counts = np.unique(np.round(z, 3), return_counts=True)
    p = counts / counts.sum()
    count, theta_up, theta_down, top_up, top_down = scan_statistics(y, half_nu, 20)
    assert count == finite.size
    assert theta_up == pytest.approx(_root(p, support - half_nu), rel=1e-9)
    assert theta_down == pytest.approx(_root(p, -support - half_nu), rel=1e-9)
    expected_up, expected_down = _tops(z, half_nu)
    assert top_up == pytest.approx(expected_up, rel=1e-12, abs=1e-12)
    assert top_down == pytest.approx(expected_down, rel=1e-12, abs=1e-12)


def test_scan_statistics_of_degenerate_sequences():
    assert scan_statistics(np.arange(19.0), 0.25, 20)[0] == 0  # too few values
    assert scan_statistics(np.append(np.arange(19.0), np.nan), 0.25, 20)[0] == 0
    assert scan_statistics(np.full(50, 4.0), 0.25, 20)[0] == 0  # constant
    assert scan_statistics(np.empty(0), 0.25, 20)[0] == 0
    found = scan_statistics(np.append(np.zeros(49), 1.0), 0.25, 20)  # one step up
    assert found[0] == 50 and math.isfinite(found[1])


@pytest.mark.parametrize(
    "z",
    [
        np.random.default_rng(11).normal(size=5000),  # counted
        np.random.default_rng(12).normal(size=100),  # sorted (few values)
        np.random.default_rng(13).normal(size=400) * 50,  # sorted (a wide range)
        np.where(np.random.default_rng(14).random(3000) < 0.3, 1.5275, -0.6546),  # two values
        np.array([-0.0004, 0.0004, 0.0005, 0.0015, -0.0025] * 60),  # halves to even, -0.0
    ],
    ids=["counted", "few", "wide", "binary", "ties"],
)
def test_rounded_support_is_numpys_unique_of_the_rounded_values(z):
    from detector.consistency.kernel import rounded_support

    support, counts = rounded_support(z)
    expected, expected_counts = np.unique(np.round(z, 3), return_counts=True)
    np.testing.assert_array_equal(support, expected)  # -0.0 == 0.0
    np.testing.assert_array_equal(counts, expected_counts)


@pytest.mark.parametrize(
    ("n", "span", "ordered"),
    [(0, 1, True), (1, 1, True), (500, 40, True), (500, 40, False), (300, 90_000, False)],
)
def test_day_tie_order_is_the_stable_argsort_of_day_then_tie(n, span, ordered):
    from detector.consistency.kernel import day_tie_order

    rng = np.random.default_rng(n + span)
    day = rng.integers(18_000, 18_000 + span, n)
    if ordered:
        day = np.sort(day)
    tie = rng.permutation(n)
    tie.setflags(write=False)  # as feature_scan keeps it
    expected = np.argsort((day - (day.min() if n else 0)) * n + tie, kind="stable")
    np.testing.assert_array_equal(day_tie_order(day, tie), expected)


@pytest.mark.parametrize("block", [4.0, 3.0, 0.7])
def test_hour_blocks_is_numpys_floor_division(block):
    from detector.consistency.kernel import hour_blocks

    rng = np.random.default_rng(int(block * 10))
    hours = np.concatenate(
        [np.arange(24.0), rng.random(5000) * 24, np.arange(1.0, 24.0) - 1e-12, [-0.0, -3.5]]
    )
    np.testing.assert_array_equal(hour_blocks(hours, block), (hours // block).astype(np.intp))


def test_joint_sequence_is_the_difference_of_numpys_standardised_sequences():
    from detector.consistency.kernel import joint_sequence

    rng = np.random.default_rng(21)
    u = (rng.random(400) < 0.2).astype(float)
    h = np.log1p(rng.integers(0, 40, 400).astype(float))
    h[rng.random(400) < 0.25] = np.nan
    both = np.isfinite(u) & np.isfinite(h)
    a, b = u[both], h[both]
    joint, found = joint_sequence(u, h, 20)
    assert found
    np.testing.assert_array_equal(joint, (a - a.mean()) / a.std() - (b - b.mean()) / b.std())
    assert not joint_sequence(np.ones(400), h, 20)[1]  # constant: no sequence
    assert not joint_sequence(u[:19], h[:19], 20)[1]  # too few


@pytest.mark.parametrize("block", [4.0, 3.0, 7.0, 1.0, 1e9 + 7])
def test_hour_blocks_of_whole_hours_is_numpys_floor_division(block):
    from detector.consistency.kernel import hour_blocks

    rng = np.random.default_rng(int(block) % 97)
    for hours in (
        np.arange(24.0),
        rng.integers(0, 24, 5000).astype(float),
        rng.integers(0, 2**31, 5000).astype(float),  # the whole range of the division path
    ):
        expected = (hours // block).astype(np.intp)
        np.testing.assert_array_equal(hour_blocks(hours, block), expected)
