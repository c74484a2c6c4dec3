"""Agreement with an independent CUSUM: ``detecta.detect_cusum`` (M. Duarte, MIT).

detecta is only the reference here; nothing below compares our code with itself. Its two-sided
CUSUM with a fixed numeric ``reference`` is, for i ≥ 1,

    s = x[i] − reference;  gp[i] = gp[i−1] + s − drift;  gn[i] = gn[i−1] − s − drift
    gp < 0 → gp = 0, tap = i;  gn < 0 → gn = 0, tan = i
    gp > threshold or gn > threshold → alarm ta = i, start tai = tap (or tan), gp = gn = 0,
                                        tap = tan = i

with ``drift = ν/2``, ``threshold = h`` and ``reference = μ0``. How the conventions are aligned,
and every deliberate difference from DESIGN §3.1:

1. First sample. detecta's loop starts at i = 1, so x[0] never enters the sums (g[0] = 0 by
   fiat); DESIGN sums from the first rating with g[−1] = 0. We prepend a placeholder (μ0; with a
   numeric reference detecta never reads x[0]) and shift detecta's indices back by one.
2. Start index. ``tai`` is the index at which the statistic was last clipped to 0 (the alarm
   index after an alarm; 0 at first), i.e. the last zero itself, while DESIGN's t_a is one
   after the last zero. After the one-sample shift the two coincide: t_a = tai and t_b = ta − 1.
3. Exact zeros (a genuine difference). detecta moves ``tap`` only when the statistic goes
   strictly below 0; a statistic that lands on exactly 0.0 keeps the older start. DESIGN's "the
   last index at which that statistic was 0" counts it, and so does our kernel (``g <= 0``).
   The statistics themselves are identical, so alarm indices always agree; only starts can
   differ, detecta's being earlier. The start comparisons therefore run on series where an exact
   0 cannot occur: dyadic series (proof in ``dyadic_case``) and seeded series whose μ0 is the
   non-dyadic mean. ``test_exact_zero_*`` pin the difference itself.
4. Resets (cannot matter for ν ≥ 0). detecta resets both statistics at any alarm and restarts
   both start markers there; DESIGN resets only the statistic that alarmed. At an alarm of one
   statistic the other is always 0 (lemma below), so resetting it too changes nothing and its
   last zero is the alarm index under both rules. The comparisons use unrestricted series;
   ``test_at_every_alarm_the_other_statistic_is_zero`` checks the lemma with a plain recursion.
   Lemma: suppose g⁺ alarms at e while g⁻[e] > 0; let [s, e] be the maximal run on which both
   are positive. While both are positive and unclipped, g⁺ + g⁻ falls by exactly 2·(ν/2) per
   step, and at s − 1 one of them was 0 while the other, not having alarmed, was ≤ h. So
   g⁺[e] + g⁻[e] ≤ h − ν·(e − s + 1) ≤ h, contradicting g⁺[e] > h, g⁻[e] > 0. (Symmetric for
   g⁻.) The same lemma shows upward and downward pieces never overlap.
5. Strictness. Both alarm on ``>`` (a statistic equal to h does not alarm).
6. ``ending=False``. With ``ending=True`` detecta drops alarms that share a start and estimates
   an end by a backward pass; DESIGN's interval ends at the alarm t_b.
7. Direction. ``detect_cusum`` does not say which statistic alarmed. An upward piece has
   Σ(x − μ0) over [t_a, t_b] > h + (t_b − t_a + 1)·ν/2 ≥ 0 and a downward piece the opposite, so
   the sign of that sum recovers it.
8. Merging. detecta reports raw alarms; ``change_intervals`` joins pieces by DESIGN's rule
   (overlapping pieces, which never occur, and a piece that starts right after a piece of the
   same direction). The test applies that rule to detecta's pieces itself (``merge_pieces``).
9. Version. ``reference`` as a number needs detecta ≥ 0.1.0; 0.0.5 always differences against
   the previous sample, which is a different statistic, so these tests skip on it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.consistency import ChangeInterval, change_intervals, pci, pci_grid
from detector.consistency.kernel import alarm_intervals

detecta = pytest.importorskip("detecta", minversion="0.1.0")

Piece = tuple[int, int, str]


def detecta_pieces(x: np.ndarray, h: float, nu: float, mu0: float) -> list[Piece]:
    """detecta's alarms as (t_a, t_b, direction) in DESIGN's 0-based indices (points 1, 2, 7)."""
    ta, tai, _, _ = detecta.detect_cusum(
        np.concatenate([[mu0], x]),
        threshold=h,
        drift=nu / 2,
        ending=False,
        show=False,
        reference=mu0,
    )
    pieces = []
    for start, alarm in zip(tai.tolist(), ta.tolist(), strict=True):
        end = alarm - 1
        total = float(np.sum(x[start : end + 1] - mu0))
        assert total != 0.0, "an alarm always has a nonzero deviation sum"
        pieces.append((start, end, "up" if total > 0 else "down"))
    return sorted(pieces)


def kernel_pieces(x: np.ndarray, h: float, nu: float, mu0: float) -> list[Piece]:
    pieces = []
    for sign, direction in ((1.0, "up"), (-1.0, "down")):
        starts, ends = alarm_intervals(x, mu0, nu / 2, h, sign)
        pieces += [(int(s), int(e), direction) for s, e in zip(starts, ends, strict=True)]
    return sorted(pieces)


def merge_pieces(pieces: list[Piece]) -> list[ChangeInterval]:
    """DESIGN's merging of detecta's pieces: join a piece to the previous one when it overlaps
    it (asserted never to happen, point 4) or starts right after it in the same direction."""
    merged: list[list] = []
    for start, end, direction in pieces:
        if merged:
            assert start > merged[-1][1], "upward and downward pieces never overlap"
        if merged and start == merged[-1][1] + 1 and direction == merged[-1][2]:
            merged[-1][1] = end
        else:
            merged.append([start, end, direction])
    return [ChangeInterval(s, e, d) for s, e, d in merged]


def covered(pieces: list[Piece], n: int) -> float:
    mask = np.zeros(n, dtype=bool)
    for start, end, _ in pieces:
        mask[start : end + 1] = True
    return mask.sum() / n


def assert_agrees(x: np.ndarray, h: float, nu: float, mu0: float | None) -> list[Piece]:
    reference = float(np.mean(x)) if mu0 is None else mu0
    expected = detecta_pieces(x, h, nu, reference)
    assert kernel_pieces(x, h, nu, reference) == expected
    assert change_intervals(x, h, nu=nu, mu0=mu0) == merge_pieces(expected)
    assert pci(x, h, nu=nu, mu0=mu0) == covered(expected, x.size)
    return expected


# --- dyadic series: exact arithmetic, no exact zero --------------------------------------------

OFFSET = 2.0**-30


@st.composite
def dyadic_case(draw):
    """Ratings in quarter stars, μ0 = k/4 + 2⁻³⁰, ν a multiple of 1/4, h a multiple of 1/8.

    Every quantity is a multiple of 2⁻³⁰ below 2¹², so float64 arithmetic is exact. A statistic
    L steps after its last zero (or reset) equals a multiple of 1/8 ∓ L·2⁻³⁰ with 1 ≤ L < 2²⁷,
    which is never 0: no exact zeros (point 3), so starts must agree as well as alarms.
    """
    shape = draw(st.sampled_from(["quarters", "whole", "extremes", "runs"]))
    if shape == "quarters":
        quarters = draw(st.lists(st.integers(4, 20), min_size=1, max_size=300))
    elif shape == "whole":
        quarters = [4 * v for v in draw(st.lists(st.integers(1, 5), min_size=1, max_size=300))]
    elif shape == "extremes":
        quarters = [
            4 * v for v in draw(st.lists(st.sampled_from([1, 5]), min_size=1, max_size=300))
        ]
    else:
        runs = draw(
            st.lists(st.tuples(st.integers(4, 20), st.integers(1, 60)), min_size=1, max_size=8)
        )
        quarters = [value for value, length in runs for _ in range(length)]
    x = np.array(quarters, dtype=np.float64) / 4
    mu0 = draw(st.integers(4, 20)) / 4 + OFFSET
    nu = draw(st.integers(0, 12)) / 4
    h = draw(st.integers(0, 64)) / 8
    return x, h, nu, mu0


@settings(max_examples=100, deadline=None)
@given(dyadic_case())
def test_alarms_starts_intervals_and_pci_agree_with_detecta_on_dyadic_series(case):
    x, h, nu, mu0 = case
    assert_agrees(x, h, nu, mu0)


@settings(max_examples=60, deadline=None)
@given(dyadic_case(), st.lists(st.integers(0, 64), min_size=1, max_size=6))
def test_pci_over_a_threshold_grid_agrees_with_detecta_at_every_threshold(case, eighths):
    x, _, nu, mu0 = case
    grid = sorted(k / 8 for k in eighths)
    expected = [covered(detecta_pieces(x, h, nu, mu0), x.size) for h in grid]
    assert pci_grid(x, grid, nu=nu, mu0=mu0).tolist() == expected


# --- seeded product-like series with the mean as μ0 ----------------------------------------------


def product_like(rng: np.random.Generator) -> np.ndarray:
    """Whole-star ratings of a plausible product: a J-shaped mix, sometimes with a burst."""
    n = int(rng.integers(1, 1500))
    weights = rng.dirichlet(np.array([0.6, 0.3, 0.4, 0.8, 2.0]))
    x = rng.choice(np.arange(1.0, 6.0), size=n, p=weights)
    if n > 20 and rng.random() < 0.5:
        start = int(rng.integers(0, n - 10))
        x[start : start + int(rng.integers(5, 200))] = rng.choice([1.0, 5.0])
    return x


@pytest.mark.parametrize("seed", range(12))
def test_agrees_with_detecta_on_seeded_product_like_series_with_the_mean_as_mu0(seed):
    rng = np.random.default_rng(seed)
    alarms = 0
    for _ in range(10):
        x = product_like(rng)
        h = float(rng.choice([0.0, 0.5, 1.0, 2.0, 3.0, 4.2, 8.0]))
        nu = float(rng.choice([0.3, 0.6, 1.1]))
        alarms += len(assert_agrees(x, h, nu, None))
    assert alarms > 0, "the seeded series should raise some alarms"


@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_detecta_on_continuous_ratings_and_arbitrary_mu0(seed):
    rng = np.random.default_rng(100 + seed)
    for _ in range(8):
        x = rng.uniform(1.0, 5.0, size=int(rng.integers(1, 800)))
        assert_agrees(x, float(rng.uniform(0, 6)), float(rng.uniform(0, 2)), rng.uniform(1, 5))


# --- adversarial series --------------------------------------------------------------------------


ADVERSARIAL = {
    "one rating far above μ0": (np.array([5.0]), 0.5, 0.6, 1.25),
    "one rating far below μ0": (np.array([1.0]), 0.5, 0.6, 4.75),
    "constant five, μ0 at the floor": (np.full(500, 5.0), 3.0, 0.6, 1.0 + OFFSET),
    "constant one, μ0 at the ceiling": (np.full(500, 1.0), 3.0, 0.6, 5.0 - OFFSET),
    "alternating extremes": (np.tile([1.0, 5.0], 300), 1.0, 0.6, None),
    "alternating extremes, h = 0": (np.tile([1.0, 5.0], 300), 0.0, 0.6, None),
    "pairs of extremes": (np.tile([1.0, 1.0, 5.0, 5.0], 150), 3.0, 0.6, None),
    "slow ramp": (np.repeat(np.arange(1.0, 6.0), 200), 3.0, 0.6, None),
    "ramp down and up": (
        np.r_[np.repeat([5.0, 4.0, 3.0, 2.0, 1.0], 80), np.full(400, 5.0)],
        2.0,
        0.6,
        None,
    ),
    "single spike in calm": (np.r_[np.full(300, 4.0), 1.0, np.full(300, 4.0)], 0.5, 0.6, None),
    "huge threshold": (np.tile([1.0, 5.0, 5.0], 200), 1e6, 0.6, None),
    "drift larger than any deviation": (np.tile([1.0, 5.0], 100), 0.0, 9.0, None),
    "no drift": (np.r_[np.full(50, 2.0), np.full(50, 4.0)], 2.0, 0.0, None),
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_agrees_with_detecta_on_adversarial_series(name):
    x, h, nu, mu0 = ADVERSARIAL[name]
    assert_agrees(x, h, nu, mu0)


# --- the deliberate differences, pinned -------------------------------------------------------


def test_exact_zero_moves_our_start_but_not_detectas():
    """x = [4, 3, 5, 5], μ0 = 3, ν = 1, h = 2. g⁺: n0 1 − 0.5 = 0.5; n1 0.5 + 0 − 0.5 = 0.0
    exactly (not below 0, so detecta keeps tap at the placeholder, 0); n2 1.5; n3 3.0 > 2 → alarm
    at t_b = 3 in both. DESIGN: last zero at n1, t_a = 2. detecta: tai = 0."""
    x = np.array([4.0, 3.0, 5.0, 5.0])
    assert detecta_pieces(x, 2.0, 1.0, 3.0) == [(0, 3, "up")]
    assert change_intervals(x, 2.0, nu=1.0, mu0=3.0) == [ChangeInterval(2, 3, "up")]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=300),
    st.sampled_from([0.0, 1.0, 2.0]),
    st.integers(0, 12).map(lambda k: k / 2),
)
def test_exact_zero_rich_series_agree_on_alarms_and_detecta_starts_no_later(ratings, nu, h):
    """Whole stars, μ0 = 3, ν ∈ {0, 1, 2}: statistics land on exactly 0 all the time (point 3).
    The alarm indices and directions still agree; each start of ours is at or after detecta's."""
    x = np.array(ratings, dtype=np.float64)
    ours = kernel_pieces(x, h, nu, 3.0)
    theirs = detecta_pieces(x, h, nu, 3.0)
    assert sorted((end, d) for _, end, d in ours) == sorted((end, d) for _, end, d in theirs)
    by_end = {(end, d): start for start, end, d in theirs}
    assert all(by_end[(end, d)] <= start for start, end, d in ours)


def plain_alarms_with_other_statistic(x, mu0, half_nu, h):
    """DESIGN §3.1 in plain Python, resetting only the statistic that alarms; at each alarm,
    record the other statistic's value."""
    up = down = 0.0
    others = []
    for value in x:
        deviation = value - mu0
        up = max(0.0, up + deviation - half_nu)
        down = max(0.0, down - deviation - half_nu)
        if up > h:
            others.append(down)
            up = 0.0
        if down > h:
            others.append(up)
            down = 0.0
    return others


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        dyadic_case(),
        st.tuples(
            st.lists(st.floats(1, 5), min_size=1, max_size=200).map(np.array),
            st.floats(0, 6),
            st.floats(0.05, 3),
            st.floats(1, 5),
        ),
    )
)
def test_at_every_alarm_the_other_statistic_is_zero(case):
    """The lemma of point 4, so detecta's reset of both statistics equals DESIGN's reset of one
    (exact series include ν = 0; float series keep ν ≥ 0.05, far above rounding)."""
    x, h, nu, mu0 = case
    assert all(other == 0.0 for other in plain_alarms_with_other_statistic(x, mu0, nu / 2, h))
