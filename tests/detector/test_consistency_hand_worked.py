"""Consistency analysis worked by hand (DESIGN §3.1).

Every example uses μ0 and ν whose arithmetic is exact in binary floating point (ν/2 = 0.5 or
0.25, whole or quarter stars), so the expected values below are exact and compared with ``==``.
Conventions, as DESIGN §3.1 states them: indices are 0-based; g[−1] = 0; an alarm is raised at
t_b when a statistic is strictly greater than h; the change began at t_a = one after the last
index before t_b where that statistic was 0 (index 0 if it never was); only the statistic that
alarmed is reset to 0 at t_b, and that reset counts as "was 0 at t_b" for the next start.
"""

import numpy as np
import pytest

from detector.consistency.cusum import (
    ChangeInterval,
    _merge,
    change_intervals,
    cusum,
    pci,
    pci_grid,
)

UP, DOWN = "up", "down"


def test_cusum_of_a_five_rating_series_matches_the_recursion_worked_by_hand():
    """x = [3, 5, 5, 1, 3], μ0 = 3, ν = 1 (ν/2 = 0.5); deviations x − μ0 = [0, 2, 2, −2, 0].

    g⁺[n] = max(0, g⁺[n−1] + dev − 0.5):
        n0: max(0, 0 + 0 − 0.5) = 0;  n1: 0 + 2 − 0.5 = 1.5;  n2: 1.5 + 1.5 = 3.0;
        n3: 3.0 − 2 − 0.5 = 0.5;      n4: 0.5 + 0 − 0.5 = 0.0
    g⁻[n] = max(0, g⁻[n−1] − dev − 0.5):
        n0: 0;  n1: max(0, −2.5) = 0;  n2: 0;  n3: 0 + 2 − 0.5 = 1.5;  n4: 1.5 − 0 − 0.5 = 1.0
    """
    g_plus, g_minus = cusum([3, 5, 5, 1, 3], mu0=3.0, nu=1.0)
    assert g_plus.tolist() == [0.0, 1.5, 3.0, 0.5, 0.0]
    assert g_minus.tolist() == [0.0, 0.0, 0.0, 1.5, 1.0]


def test_cusum_without_resets_keeps_growing_past_any_threshold():
    """x = [5, 5, 5, 5], μ0 = 3, ν = 1: each rating adds 2 − 0.5 = 1.5 to g⁺ and nothing is reset
    (the chart series): g⁺ = [1.5, 3.0, 4.5, 6.0]; g⁻ = max(0, −2.5 …) = 0 throughout."""
    g_plus, g_minus = cusum([5, 5, 5, 5], mu0=3.0, nu=1.0)
    assert g_plus.tolist() == [1.5, 3.0, 4.5, 6.0]
    assert g_minus.tolist() == [0.0, 0.0, 0.0, 0.0]


def test_one_upward_alarm_starts_one_after_the_last_zero():
    """x = [3, 5, 5, 1, 3], μ0 = 3, ν = 1, h = 2.5 (g⁺ and g⁻ as in the first test).

    g⁺ = 0 at n0, 1.5 at n1, 3.0 > 2.5 at n2: alarm t_b = 2. The last index before 2 where g⁺ was
    0 is 0, so t_a = 1. g⁺ is reset to 0 at n2; n3: 0 − 2.5 → 0; n4: 0 − 0.5 → 0.
    g⁻ peaks at 1.5 ≤ 2.5: no downward alarm. Intervals: [1, 2] up. PCI = 2/5 = 0.4.
    """
    x = [3, 5, 5, 1, 3]
    assert change_intervals(x, 2.5, nu=1.0, mu0=3.0) == [ChangeInterval(1, 2, UP)]
    assert pci(x, 2.5, nu=1.0, mu0=3.0) == 0.4


def test_a_statistic_equal_to_the_threshold_does_not_alarm():
    """Same series, h = 3.0: g⁺ reaches exactly 3.0 at n2, and 3.0 > 3.0 is false ("exceeds"
    is strict). Nothing else comes near: no interval, PCI 0."""
    x = [3, 5, 5, 1, 3]
    assert change_intervals(x, 3.0, nu=1.0, mu0=3.0) == []
    assert pci(x, 3.0, nu=1.0, mu0=3.0) == 0.0


def test_a_reset_restarts_the_statistic_and_its_start_estimate():
    """Same series, h = 1.

    g⁺: n0 0 (zero); n1 1.5 > 1 → alarm t_b = 1, t_a = 0 + 1 = 1; reset to 0 at n1.
        n2: 0 + 1.5 = 1.5 > 1 → alarm t_b = 2, t_a = (reset index 1) + 1 = 2; reset at n2.
        n3: 0 − 2.5 → 0; n4: 0 − 0.5 → 0.
    g⁻ is not touched by the upward resets: 0, 0, 0 (zero at n2), n3: 1.5 > 1 → alarm t_b = 3,
        t_a = 2 + 1 = 3; reset; n4: 0 − 0.5 → 0.
    Pieces: up [1, 1], up [2, 2], down [3, 3]. The second upward piece starts right after the
    first (one change split by the reset) and is joined to it; the downward piece touches it but
    is a change the other way, so it stays separate. PCI = |{1, 2, 3}| / 5 = 0.6.
    """
    x = [3, 5, 5, 1, 3]
    assert change_intervals(x, 1.0, nu=1.0, mu0=3.0) == [
        ChangeInterval(1, 2, UP),
        ChangeInterval(3, 3, DOWN),
    ]
    assert pci(x, 1.0, nu=1.0, mu0=3.0) == 0.6


def test_a_change_from_the_first_rating_starts_at_index_zero():
    """x = [5, 5, 5], μ0 = 3, ν = 1, h = 4: g⁺ = 1.5, 3.0, 4.5 > 4 → alarm at t_b = 2. g⁺ was
    never 0 before, so t_a = 0. Interval [0, 2] up; PCI = 3/3 = 1."""
    assert change_intervals([5, 5, 5], 4.0, nu=1.0, mu0=3.0) == [ChangeInterval(0, 2, UP)]
    assert pci([5, 5, 5], 4.0, nu=1.0, mu0=3.0) == 1.0


def test_the_start_is_one_after_the_last_zero_not_after_the_first():
    """x = [3, 4, 2, 5, 5, 5], μ0 = 3, ν = 1, h = 2.75; deviations [0, 1, −1, 2, 2, 2].

    g⁺: n0 max(0, −0.5) = 0 (zero); n1 0.5; n2 0.5 − 1 − 0.5 < 0 → 0 (zero); n3 1.5; n4 3.0 > 2.75
        → alarm t_b = 4, t_a = 2 + 1 = 3 (not 1: the zero at n2 is the last one); reset;
        n5: 0 + 1.5 = 1.5 ≤ 2.75.
    g⁻: 0, 0, 0.5, then 0.5 − 2 − 0.5 < 0 → 0, 0, 0: never above 2.75.
    Interval [3, 4] up; PCI = 2/6.
    """
    x = [3, 4, 2, 5, 5, 5]
    assert change_intervals(x, 2.75, nu=1.0, mu0=3.0) == [ChangeInterval(3, 4, UP)]
    assert pci(x, 2.75, nu=1.0, mu0=3.0) == 2 / 6


def test_the_mirrored_series_has_the_same_interval_downward():
    """x' = 6 − x = [3, 2, 4, 1, 1, 1] around μ0 = 3: every deviation changes sign, so g⁻ of x'
    is g⁺ of x step by step (0, 0.5, 0, 1.5, 3.0 > 2.75 at n4, last zero n2) and g⁺ of x' is g⁻
    of x (never above 2.75). Interval [3, 4] down; PCI = 2/6."""
    x = [3, 2, 4, 1, 1, 1]
    assert change_intervals(x, 2.75, nu=1.0, mu0=3.0) == [ChangeInterval(3, 4, DOWN)]
    assert pci(x, 2.75, nu=1.0, mu0=3.0) == 2 / 6


def test_a_sustained_shift_alarms_repeatedly_and_is_reported_as_one_interval():
    """x = [3, 3, 4, 4, 4, 4, 4, 4], μ0 = 3, ν = 1, h = 1.2; deviations [0, 0, 1 × 6].

    g⁺: 0, 0 (zeros at n0, n1), then +0.5 a step: n2 0.5, n3 1.0, n4 1.5 > 1.2 → alarm t_b = 4,
        t_a = 2; reset at n4; n5 0.5, n6 1.0, n7 1.5 > 1.2 → alarm t_b = 7, t_a = 4 + 1 = 5.
    g⁻: 0 throughout (0 − 0.5, then −1 − 0.5).
    Pieces up [2, 4] and up [5, 7]: the second begins right after the first ends, so the change
    is reported once, [2, 7] up. PCI = 6/8 = 0.75.
    """
    x = [3, 3, 4, 4, 4, 4, 4, 4]
    assert change_intervals(x, 1.2, nu=1.0, mu0=3.0) == [ChangeInterval(2, 7, UP)]
    assert pci(x, 1.2, nu=1.0, mu0=3.0) == 0.75


def test_separate_changes_in_both_directions_with_the_mean_as_mu0():
    """x = [1, 1, 5, 5], μ0 = None → the mean, 3.0; ν = 1, h = 2.9; deviations [−2, −2, 2, 2].

    g⁻: n0 2 − 0.5 = 1.5; n1 3.0 > 2.9 → alarm t_b = 1, never 0 before → t_a = 0; reset;
        n2 0 − 2 − 0.5 → 0; n3 → 0.
    g⁺: n0 0, n1 0 (last zero before the upward alarm), n2 1.5, n3 3.0 > 2.9 → t_b = 3, t_a = 2.
    Intervals [0, 1] down and [2, 3] up (they touch, but in opposite directions). PCI = 1.
    """
    assert change_intervals([1, 1, 5, 5], 2.9, nu=1.0) == [
        ChangeInterval(0, 1, DOWN),
        ChangeInterval(2, 3, UP),
    ]
    assert pci([1, 1, 5, 5], 2.9, nu=1.0) == 1.0


def test_a_gap_between_changes_keeps_them_apart():
    """x = [5, 5, 3, 3, 5, 5], μ0 = 3, ν = 0.5 (ν/2 = 0.25), h = 3.

    g⁺: n0 1.75, n1 3.5 > 3 → alarm t_b = 1, t_a = 0; reset; n2 0 − 0.25 → 0; n3 0 (zeros at
        n2, n3); n4 1.75; n5 3.5 > 3 → alarm t_b = 5, t_a = 3 + 1 = 4.
    g⁻: 0 throughout. Intervals [0, 1] and [4, 5], both up, with ratings 2 and 3 between them
    outside any change: PCI = 4/6.
    """
    x = [5, 5, 3, 3, 5, 5]
    assert change_intervals(x, 3.0, nu=0.5, mu0=3.0) == [
        ChangeInterval(0, 1, UP),
        ChangeInterval(4, 5, UP),
    ]
    assert pci(x, 3.0, nu=0.5, mu0=3.0) == 4 / 6


def test_pci_over_a_threshold_grid_worked_by_hand():
    """x = [3, 5, 5, 1, 3], μ0 = 3, ν = 1 (the first tests): at h = 1 PCI is 0.6, at h = 2.5 it
    is 0.4, at h = 3 (g⁺ only equals it) and h = 10 it is 0."""
    grid = pci_grid([3, 5, 5, 1, 3], [1.0, 2.5, 3.0, 10.0], nu=1.0, mu0=3.0)
    assert grid.tolist() == [0.6, 0.4, 0.0, 0.0]


def test_threshold_zero_alarms_on_every_positive_statistic():
    """x = [4, 2, 3], μ0 = 3, ν = 1, h = 0: g⁺ at n0 = 1 − 0.5 = 0.5 > 0 → alarm [0, 0]; reset.
    n1: g⁺ 0 − 1 − 0.5 → 0; g⁻ (0 at n0) 0 + 1 − 0.5 = 0.5 > 0 → alarm, t_a = 0 + 1 = 1: [1, 1].
    n2: deviation 0, both statistics 0 − 0.5 → 0. Intervals [0, 0] up, [1, 1] down; PCI 2/3."""
    x = [4, 2, 3]
    assert change_intervals(x, 0.0, nu=1.0, mu0=3.0) == [
        ChangeInterval(0, 0, UP),
        ChangeInterval(1, 1, DOWN),
    ]
    assert pci(x, 0.0, nu=1.0, mu0=3.0) == 2 / 3


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        # Overlapping pieces of opposite directions merge; the direction covering more wins.
        ([(0, 5, UP), (3, 12, DOWN)], [ChangeInterval(0, 12, DOWN)]),
        # Equal coverage (4 ratings each way): upward.
        ([(0, 3, UP), (2, 5, DOWN)], [ChangeInterval(0, 5, UP)]),
        # One piece inside another: a single interval with the outer bounds.
        ([(0, 9, DOWN), (4, 5, UP)], [ChangeInterval(0, 9, DOWN)]),
        # A chain: each piece overlaps the group's reach, not only its neighbour.
        ([(0, 10, UP), (2, 3, DOWN), (8, 14, DOWN)], [ChangeInterval(0, 14, UP)]),
        # Touching, same direction: joined; touching, opposite direction: kept apart.
        (
            [(0, 2, UP), (3, 4, UP), (5, 6, DOWN)],
            [ChangeInterval(0, 4, UP), ChangeInterval(5, 6, DOWN)],
        ),
        # A gap of one rating keeps same-direction pieces apart.
        ([(0, 2, UP), (4, 6, UP)], [ChangeInterval(0, 2, UP), ChangeInterval(4, 6, UP)]),
    ],
)
def test_merging_overlapping_and_touching_pieces(pieces, expected):
    """``_merge`` on hand-made pieces. Real series never produce overlapping upward and downward
    pieces (see the property tests: at every alarm the other statistic is 0), so the overlap
    rule of DESIGN §3.1 is exercised here directly."""
    assert _merge(sorted(pieces)) == expected


def test_interval_length_counts_both_ends():
    """[3, 7] holds ratings 3, 4, 5, 6, 7: five of them."""
    assert ChangeInterval(3, 7, UP).length == 5


def test_numpy_integer_input_gives_the_same_answer_as_a_list():
    """The int64 array [3, 5, 5, 1, 3] is the first series: same g⁺/g⁻ and the same interval."""
    x = np.array([3, 5, 5, 1, 3], dtype=np.int64)
    assert change_intervals(x, 2.5, nu=1.0, mu0=3.0) == [ChangeInterval(1, 2, UP)]
    assert cusum(x, 3.0, 1.0)[0].tolist() == [0.0, 1.5, 3.0, 0.5, 0.0]
