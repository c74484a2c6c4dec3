"""Properties of the consistency analysis (DESIGN §3.1), checked with hypothesis.

A note on "PCI is non-increasing in h" (issue 3): with the reset rule of DESIGN §3.1 it does not
hold in general. A reset at a low threshold throws away the statistic's cushion, so a later
excursion that a higher threshold sees as one long change (from the old start) is, at the low
threshold, a short one: ``test_pci_can_rise_with_the_threshold_because_of_resets`` works a
five-rating example by hand, and on random whole-star products most PCI rows over the CvT grid
have small rises. What does hold, and is tested, is the part CvT and the verdict rely on: the
first alarm never comes earlier at a higher threshold, PCI(h) = 0 exactly when neither
statistic (without resets) exceeds h, and so once PCI is 0 it stays 0 at every higher threshold.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.consistency import ChangeInterval, as_ratings, change_intervals, cusum, pci, pci_grid
from detector.consistency.kernel import alarm_intervals

FAST = settings(max_examples=80, deadline=None)

whole_stars = st.lists(st.integers(1, 5), min_size=1, max_size=200).map(
    lambda v: np.array(v, dtype=np.float64)
)
# Quarter stars: x → 6 − x and x − 3 are exact, so mirrored series are mirrored bit for bit.
quarter_stars = st.lists(st.integers(4, 20), min_size=1, max_size=200).map(
    lambda v: np.array(v, dtype=np.float64) / 4
)
any_ratings = st.lists(st.floats(1, 5), min_size=1, max_size=200).map(np.array)
nus = st.floats(0.05, 2.0)
thresholds = st.floats(0.0, 12.0)


def reference_cusum(x, mu0, nu):
    """DESIGN §3.1's recursion without resets, written out in plain Python."""
    g_plus, g_minus, up, down = [], [], 0.0, 0.0
    for value in x:
        up = max(0.0, up + (value - mu0) - nu / 2)
        down = max(0.0, down - (value - mu0) - nu / 2)
        g_plus.append(up)
        g_minus.append(down)
    return g_plus, g_minus


# --- the detection functions ---------------------------------------------------------------


@FAST
@given(any_ratings, st.floats(1, 5), st.floats(0, 2))
def test_cusum_without_resets_equals_a_plain_python_recursion(x, mu0, nu):
    g_plus, g_minus = cusum(x, mu0, nu)
    expected_plus, expected_minus = reference_cusum(x, mu0, nu)
    np.testing.assert_allclose(g_plus, expected_plus, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g_minus, expected_minus, rtol=1e-12, atol=1e-12)


@FAST
@given(quarter_stars, st.integers(0, 8).map(lambda k: k / 4))
def test_cusum_equals_the_recursion_exactly_when_the_arithmetic_is_exact(x, nu):
    g_plus, g_minus = cusum(x, 3.0, nu)
    assert (g_plus.tolist(), g_minus.tolist()) == reference_cusum(x, 3.0, nu)


def test_cusum_with_mu0_none_uses_the_mean():
    x = [1.0, 2.0, 5.0, 5.0]
    assert [a.tolist() for a in cusum(x, None)] == [a.tolist() for a in cusum(x, 3.25)]


# --- structure of the intervals --------------------------------------------------------------


@FAST
@given(any_ratings, thresholds, nus)
def test_intervals_are_sorted_disjoint_and_inside_the_series(x, h, nu):
    intervals = change_intervals(x, h, nu=nu)
    for interval in intervals:
        assert 0 <= interval.start <= interval.end < x.size
        assert interval.direction in ("up", "down")
    for before, after in pairwise(intervals):
        assert before.end < after.start
        if after.start == before.end + 1:  # touching intervals are changes in opposite ways
            assert before.direction != after.direction


@FAST
@given(any_ratings, thresholds, nus)
def test_pci_is_the_covered_length_of_the_change_intervals_over_n(x, h, nu):
    covered = sum(interval.end - interval.start + 1 for interval in change_intervals(x, h, nu=nu))
    assert pci(x, h, nu=nu) == covered / x.size
    assert 0.0 <= pci(x, h, nu=nu) <= 1.0


@FAST
@given(any_ratings, st.lists(thresholds, min_size=1, max_size=8), nus)
def test_pci_grid_equals_pci_at_each_threshold(x, grid, nu):
    assert pci_grid(x, grid, nu=nu).tolist() == [pci(x, h, nu=nu) for h in grid]


@FAST
@given(any_ratings, thresholds, st.floats(0.0, 2.0), st.floats(1, 5))
def test_upward_and_downward_pieces_never_overlap(x, h, nu, mu0):
    """At an alarm of one statistic the other is 0 (proof in test_consistency_detecta), so the
    raw pieces of the two directions are disjoint and merging only joins reset-split pieces."""
    ups = alarm_intervals(x, mu0, nu / 2, h, 1.0)
    downs = alarm_intervals(x, mu0, nu / 2, h, -1.0)
    up_mask = np.zeros(x.size, dtype=bool)
    for start, end in zip(*ups, strict=True):
        up_mask[start : end + 1] = True
    for start, end in zip(*downs, strict=True):
        assert not up_mask[start : end + 1].any()


# --- thresholds ------------------------------------------------------------------------------


def test_pci_can_rise_with_the_threshold_because_of_resets():
    """x = [5, 3, 3, 3, 5], μ0 = 3, ν = 0.5 (ν/2 = 0.25); deviations [2, 0, 0, 0, 2].

    h = 1: g⁺ n0 1.75 > 1 → alarm [0, 0], reset; n1–n3 0 − 0.25 → 0 (zeros); n4 1.75 > 1 →
    alarm [4, 4]. PCI = 2/5 = 0.4.
    h = 2: g⁺ 1.75, 1.5, 1.25, 1.0 (never 0), then 2.75 > 2 → alarm [0, 4]. PCI = 1.
    g⁻ stays 0 throughout. The reset at h = 1 is what splits the change.
    """
    x = [5, 3, 3, 3, 5]
    assert change_intervals(x, 1.0, nu=0.5, mu0=3.0) == [
        ChangeInterval(0, 0, "up"),
        ChangeInterval(4, 4, "up"),
    ]
    assert change_intervals(x, 2.0, nu=0.5, mu0=3.0) == [ChangeInterval(0, 4, "up")]
    assert pci_grid(x, [1.0, 2.0], nu=0.5, mu0=3.0).tolist() == [0.4, 1.0]


@FAST
@given(any_ratings, nus, st.floats(0, 12), st.floats(0, 12))
def test_the_first_alarm_never_comes_earlier_at_a_higher_threshold(x, nu, h1, h2):
    low, high = sorted((h1, h2))

    def first_alarm(h):
        ends = [
            int(e) for sign in (1.0, -1.0) for e in alarm_intervals(x, x.mean(), nu / 2, h, sign)[1]
        ]
        return min(ends, default=x.size)

    assert first_alarm(low) <= first_alarm(high)


@FAST
@given(any_ratings, nus, thresholds)
def test_pci_is_zero_exactly_when_neither_statistic_exceeds_h(x, nu, h):
    g_plus, g_minus = reference_cusum(x, float(np.mean(x)), nu)
    assert (pci(x, h, nu=nu) == 0.0) == (max(g_plus + g_minus) <= h)


@FAST
@given(any_ratings, nus, st.lists(thresholds, min_size=2, max_size=10))
def test_once_pci_is_zero_it_stays_zero_at_higher_thresholds(x, nu, grid):
    values = pci_grid(x, sorted(grid), nu=nu)
    zeros = np.flatnonzero(values == 0.0)
    if zeros.size:
        assert (values[zeros[0] :] == 0.0).all()


# --- shapes of series --------------------------------------------------------------------------


@FAST
@given(st.floats(1, 5), st.integers(1, 300), st.floats(0.0, 2.0), thresholds)
def test_a_constant_series_has_pci_zero_around_its_own_value(value, n, nu, h):
    """μ0 = the value: every deviation is 0, g = max(0, −ν/2) = 0. (ν = 0 included.)"""
    assert pci(np.full(n, value), h, nu=nu, mu0=value) == 0.0


@FAST
@given(st.floats(1, 5), st.integers(1, 300), nus, thresholds)
def test_a_constant_series_has_pci_zero_around_its_mean(value, n, nu, h):
    """μ0 = the computed mean, which may differ from the value by rounding; ν ≥ 0.05 swamps it."""
    assert pci(np.full(n, value), h, nu=nu) == 0.0


@FAST
@given(st.floats(1, 5), st.floats(0.0, 3.0), thresholds)
def test_a_single_rating_has_pci_zero(value, nu, h):
    """With μ0 the mean, the single deviation is 0, so neither statistic ever leaves 0."""
    assert pci([value], h, nu=nu) == 0.0
    assert change_intervals([value], h, nu=nu) == []


@FAST
@given(
    quarter_stars, st.integers(0, 8).map(lambda k: k / 4), st.integers(0, 48).map(lambda k: k / 4)
)
def test_mirroring_the_ratings_around_mu0_swaps_up_and_down(x, nu, h):
    """x → 6 − x around μ0 = 3 turns g⁺ into g⁻ step for step (exact in quarter stars), so the
    intervals keep their bounds and swap direction. (The "up on a tie" rule for mixed merged
    intervals never comes into play: pieces of opposite directions never overlap, and only
    same-direction pieces are joined, so every interval has one direction.)"""
    mirrored = 6.0 - x
    swap = {"up": "down", "down": "up"}
    original = change_intervals(x, h, nu=nu, mu0=3.0)
    flipped = change_intervals(mirrored, h, nu=nu, mu0=3.0)
    assert flipped == [ChangeInterval(i.start, i.end, swap[i.direction]) for i in original]
    assert pci(x, h, nu=nu, mu0=3.0) == pci(mirrored, h, nu=nu, mu0=3.0)


def test_mirroring_a_series_with_both_kinds_of_change_swaps_every_direction():
    x = np.r_[np.full(20, 3.0), np.full(20, 4.5), np.full(20, 3.0), np.full(20, 1.5)]
    original = change_intervals(x, 3.0, nu=0.5, mu0=3.0)
    flipped = change_intervals(6.0 - x, 3.0, nu=0.5, mu0=3.0)
    assert [i.direction for i in original] == ["up", "down"]
    assert flipped == [
        ChangeInterval(i.start, i.end, "down" if i.direction == "up" else "up") for i in original
    ]


def test_a_clean_shift_of_two_nu_is_one_interval_covering_the_shift_point():
    """100 ratings at 3.0, then 100 at 4.2; μ0 = 3.0, ν = 0.6, h = 3.

    Before the shift both statistics are max(0, −0.3) = 0. After it g⁺ gains 1.2 − 0.3 = 0.9 a
    rating: 0.9, 1.8, 2.7, 3.6 > 3 → alarm at 103, start 100; reset, and again every 4 ratings
    (104–107, …, 196–199). Each piece starts right after the previous one: one change, reported
    as the single interval [100, 199], up. PCI = 100/200.
    """
    x = np.r_[np.full(100, 3.0), np.full(100, 4.2)]
    assert change_intervals(x, 3.0, nu=0.6, mu0=3.0) == [ChangeInterval(100, 199, "up")]
    assert pci(x, 3.0, nu=0.6, mu0=3.0) == 0.5


@FAST
@given(
    st.integers(1, 200),
    st.integers(1, 200),
    st.sampled_from([0.25, 0.5, 0.75, 1.0]),
    st.integers(0, 40).map(lambda k: k / 4),
    st.booleans(),
)
def test_any_clean_shift_of_two_nu_gives_one_interval_starting_at_the_shift(
    before, after, nu, h, up
):
    """μ0 = 3, ratings 3 then 3 ± 2ν (exact in quarter stars). Before the shift nothing moves;
    after it the statistic gains 1.5ν a rating and alarms every m = ⌊h / 1.5ν⌋ + 1 ratings, each
    piece starting right after the last. So: no interval if the shift is shorter than m, else
    exactly one, from the shift point to the last alarm, in the shift's direction."""
    sign = 1 if up else -1
    x = np.r_[np.full(before, 3.0), np.full(after, 3.0 + sign * 2 * nu)]
    intervals = change_intervals(x, h, nu=nu, mu0=3.0)
    step = int(h // (1.5 * nu)) + 1
    if after < step:
        assert intervals == []
    else:
        last_alarm = before + step * (after // step) - 1
        assert intervals == [ChangeInterval(before, last_alarm, "up" if up else "down")]


# --- invalid input ------------------------------------------------------------------------------

BAD_RATINGS = {
    "NaN": ([4.0, float("nan"), 5.0], "NaN"),
    "empty list": ([], "no ratings"),
    "empty array": (np.array([]), "no ratings"),
    "above five": ([4.0, 5.5], "between 1 and 5"),
    "zero stars": ([0, 3], "between 1 and 5"),
    "negative": ([-1.0], "between 1 and 5"),
    "infinity": ([4.0, float("inf")], "between 1 and 5"),
    "two-dimensional": ([[1, 2], [3, 4]], "one-dimensional"),
    "a scalar": (4.0, "one-dimensional"),
    "words": (["four", "five"], "numbers from 1 to 5"),
    "booleans": ([True, True], "True/False"),
    "None inside": ([4.0, None], "missing|numbers"),
}


@pytest.mark.parametrize("name", BAD_RATINGS)
@pytest.mark.parametrize(
    "call",
    [
        lambda x: as_ratings(x),
        lambda x: cusum(x, 3.0),
        lambda x: change_intervals(x, 3.0),
        lambda x: pci(x, 3.0),
        lambda x: pci_grid(x, [1.0, 3.0]),
    ],
    ids=["as_ratings", "cusum", "change_intervals", "pci", "pci_grid"],
)
def test_bad_ratings_raise_a_clear_value_error(name, call):
    ratings, message = BAD_RATINGS[name]
    with pytest.raises(ValueError, match=message):
        call(ratings)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pci([3, 4], -1.0), "threshold"),
        (lambda: pci([3, 4], float("nan")), "threshold"),
        (lambda: pci([3, 4], float("inf")), "threshold"),
        (lambda: change_intervals([3, 4], -0.5), "threshold"),
        (lambda: change_intervals([3, 4], 3.0, nu=-0.1), "ν"),
        (lambda: pci([3, 4], 3.0, nu=float("nan")), "ν"),
        (lambda: cusum([3, 4], 3.0, nu=float("inf")), "ν"),
        (lambda: pci([3, 4], 3.0, mu0=float("nan")), "μ0"),
        (lambda: cusum([3, 4], float("inf")), "μ0"),
        (lambda: pci_grid([3, 4], [[1.0, 2.0]]), "thresholds"),
        (lambda: pci_grid([3, 4], [1.0, -2.0]), "thresholds"),
    ],
)
def test_bad_parameters_raise_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@FAST
@given(
    st.lists(
        st.one_of(
            st.floats(1, 5), st.just(float("nan")), st.floats(5.0001, 1e9), st.floats(-1e9, 0.9999)
        ),
        min_size=1,
        max_size=30,
    )
)
def test_ratings_are_either_valid_or_refused_never_a_silent_number(values):
    valid = all(1 <= v <= 5 for v in values)  # NaN compares False
    if valid:
        assert 0.0 <= pci(values, 3.0) <= 1.0
    else:
        with pytest.raises(ValueError):
            pci(values, 3.0)


def test_sorted_support_is_numpys_unique_with_counts() -> None:
    """lundberg's run-length pass (``kernel.sorted_support``) against ``np.unique``."""
    from detector.consistency.kernel import sorted_support

    rng = np.random.default_rng(18)
    for _ in range(500):
        scale = float(rng.choice([0.001, 1.0, 3.0]))
        v = np.round(rng.normal(size=int(rng.integers(1, 200))) * scale, 3)
        v[rng.random(v.size) < 0.1] = -0.0
        support, counts = sorted_support(np.sort(v))
        expected, expected_counts = np.unique(v, return_counts=True)
        np.testing.assert_array_equal(support, expected)
        np.testing.assert_array_equal(counts, expected_counts)
