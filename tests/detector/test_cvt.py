"""CvT threshold fitting (DESIGN §3.2): contour crossings, the pooled line, the fitted model."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.consistency import cvt, pci
from detector.consistency.cvt import SCHEMA, ThresholdModel, contour_crossings, fit_contour_line

FAST = settings(max_examples=60, deadline=None)


# --- contour crossings ---------------------------------------------------------------------------


def test_contour_crossings_interpolate_between_the_grid_points_around_the_level():
    """Thresholds [1, 2, 3, 4], level 0.2.

    Row [0.5, 0.3, 0.1, 0.0]: first PCI ≤ 0.2 at h = 3 (0.1); the point before is h = 2 (0.3);
        the level lies (0.3 − 0.2)/(0.3 − 0.1) = 0.5 of the way: h = 2.5.
    Row [0.4, 0.2, 0.0, 0.0]: equals the level at h = 2; fraction (0.4 − 0.2)/(0.4 − 0.2) = 1
        from h = 1: h = 2.
    Row [0.9, 0.8, 0.6, 0.3]: never falls to 0.2 inside the grid: NaN.
    Row [0.2, 0.1, 0.0, 0.0]: already at the level at the first threshold: no crossing, NaN.
    Row [0.5, 0.1, 0.3, 0.0] (not monotone): the first point at or below the level is h = 2,
        (0.5 − 0.2)/(0.5 − 0.1) = 0.75 from h = 1: h = 1.75.
    """
    surface = np.array(
        [
            [0.5, 0.3, 0.1, 0.0],
            [0.4, 0.2, 0.0, 0.0],
            [0.9, 0.8, 0.6, 0.3],
            [0.2, 0.1, 0.0, 0.0],
            [0.5, 0.1, 0.3, 0.0],
        ]
    )
    crossings = contour_crossings(surface, np.array([1.0, 2.0, 3.0, 4.0]), 0.2)
    np.testing.assert_allclose(crossings, [2.5, 2.0, np.nan, np.nan, 1.75], rtol=0, atol=1e-12)


def test_contour_crossings_on_an_uneven_grid():
    """Thresholds [1, 1.5, 4]: row [0.6, 0.4, 0.0], level 0.1: between h = 1.5 (0.4) and 4 (0.0),
    (0.4 − 0.1)/0.4 = 0.75 of 2.5: h = 1.5 + 1.875 = 3.375."""
    crossings = contour_crossings(np.array([[0.6, 0.4, 0.0]]), np.array([1.0, 1.5, 4.0]), 0.1)
    assert crossings.tolist() == [3.375]


# --- the pooled line ---------------------------------------------------------------------------


def synthetic_crossings(rng, intercepts, slope, k=40, noise=0.0, missing=0.3):
    c = np.arange(1, k + 1, dtype=np.float64)
    crossings = {}
    for level, intercept in intercepts.items():
        h = intercept + slope * c + noise * rng.standard_normal(k)
        h[rng.random(k) < missing] = np.nan
        crossings[level] = h
    return crossings


def test_fit_contour_line_recovers_a_shared_slope_and_the_chosen_levels_intercept():
    """Crossings on three exact lines h = a_L + 0.07·c (a_L = 2.0, 3.0, 4.5 for levels 0.05,
    0.1, 0.2), about 30 % of them missing (NaN, and missing differently per level). Each level's
    own mean is removed, so the pooled slope is 0.07 exactly and the intercept is a_0.1 = 3."""
    rng = np.random.default_rng(7)
    crossings = synthetic_crossings(rng, {0.05: 2.0, 0.1: 3.0, 0.2: 4.5}, 0.07)
    a0, a1 = fit_contour_line(crossings, intercept_level=0.1)
    assert a1 == pytest.approx(0.07, abs=1e-12)
    assert a0 == pytest.approx(3.0, abs=1e-12)
    a0, _ = fit_contour_line(crossings, intercept_level=0.2)
    assert a0 == pytest.approx(4.5, abs=1e-12)


def test_fit_contour_line_with_noise_equals_least_squares_with_one_intercept_per_level():
    """With noise, the pooled fit is ordinary least squares on [one dummy per level, c]; solve
    that design matrix with numpy's lstsq and compare."""
    rng = np.random.default_rng(11)
    intercepts = {0.05: 1.0, 0.1: 2.0, 0.3: 6.0}
    crossings = synthetic_crossings(rng, intercepts, -0.02, k=60, noise=0.4, missing=0.5)
    rows, targets = [], []
    for position, (_, h) in enumerate(crossings.items()):
        for c, value in enumerate(h, start=1):
            if np.isfinite(value):
                dummies = [0.0] * len(crossings)
                dummies[position] = 1.0
                rows.append([*dummies, float(c)])
                targets.append(value)
    solution = np.linalg.lstsq(np.array(rows), np.array(targets), rcond=None)[0]
    a0, a1 = fit_contour_line(crossings, intercept_level=0.1)
    assert a1 == pytest.approx(solution[-1], abs=1e-10)
    assert a0 == pytest.approx(solution[1], abs=1e-10)
    assert a1 == pytest.approx(-0.02, abs=0.01)


def test_a_level_with_fewer_than_two_crossings_does_not_take_part():
    """Level 0.3 has a single crossing far off the line; it is left out of the pooled slope."""
    c = np.arange(1, 11, dtype=np.float64)
    lonely = np.full(10, np.nan)
    lonely[4] = 100.0
    a0, a1 = fit_contour_line({0.1: 2.0 + 0.5 * c, 0.3: lonely}, intercept_level=0.1)
    assert (a0, a1) == pytest.approx((2.0, 0.5), abs=1e-12)


@pytest.mark.parametrize(
    "crossings",
    [
        {0.1: np.full(10, np.nan), 0.2: np.arange(10.0)},  # the intercept level never crosses
        {0.1: np.r_[3.0, np.full(9, np.nan)], 0.2: np.arange(10.0)},  # it crosses once
        {0.1: np.full(10, np.nan)},  # nothing crosses at all
    ],
)
def test_too_few_crossings_at_the_intercept_level_is_a_value_error(crossings):
    with pytest.raises(ValueError, match="too few contour crossings"):
        fit_contour_line(crossings, intercept_level=0.1)


# --- a reference set with a known answer -------------------------------------------------------

H0 = 3.0
N_RATINGS = 2000


def burst_product(j: int) -> np.ndarray:
    """Product j: calm 3-star ratings holding j pairs of 5-star ratings and one burst of
    B_j = 6 + j four-star ratings, 120 calm ratings apart, padded to 2,000 ratings.

    With μ0 = the mean (a little above 3) and ν = 0.6, calm ratings move neither statistic.
    A pair of fives lifts g⁺ to 2·(5 − μ0 − 0.3) ≈ 3.4 > h0, then the calm resets it; the burst
    lifts g⁺ by a = 4 − μ0 − 0.3 ≈ 0.68 a rating, to the peak P_j = B_j·a. So:
    - PCI(h0 = 3) = (2j + 5·⌊B_j / 5⌋)/2000 (the burst alarms every 5 ratings at h0), strictly
      increasing in j: the C-index of product j is j;
    - at h ≥ 3.4 only the burst counts, PCI ≥ (B_j / 2)/2000 > 0.001 while h < P_j, and 0 once
      h ≥ P_j: the 0.001 contour crosses row j at P_j, give or take one grid step (0.25).
    The fitted line must therefore be the least-squares line through (j, P_j), up to that.
    """
    calm = [3.0] * 120
    ratings: list[float] = []
    for _ in range(j):
        ratings += [*calm, 5.0, 5.0]
    ratings += calm + [4.0] * (6 + j) + calm
    ratings += [3.0] * (N_RATINGS - len(ratings))
    return np.array(ratings)


def test_the_fitted_line_follows_the_designed_contour_crossings():
    k = 14
    products = [burst_product(j) for j in range(1, k + 1)]
    peaks = np.array([(6 + j) * (4.0 - x.mean() - 0.3) for j, x in enumerate(products, start=1)])
    c = np.arange(1, k + 1, dtype=np.float64)
    slope, intercept = np.polyfit(c, peaks, 1)
    # Designed crossings are each off by less than one grid step Δ = 0.25; least squares turns
    # that into |slope error| < Δ·Σ|c − c̄| / Σ(c − c̄)² and a line within Δ at c̄.
    slope_bound = 0.25 * np.abs(c - c.mean()).sum() / ((c - c.mean()) ** 2).sum()

    order = np.random.default_rng(3).permutation(k)  # hand the products over shuffled
    model = cvt.fit(
        [products[i] for i in order],
        h0=H0,
        levels=(0.001,),
        intercept_level=0.001,
        sample_ids=[f"p{i + 1}" for i in order],
    )

    assert slope > 0.6  # the design: more volatile products cross later
    assert abs(model.a1 - slope) < slope_bound
    assert abs((model.a0 + model.a1 * c.mean()) - (intercept + slope * c.mean())) < 0.25
    # The C-index ordering is the PCI(h0) ordering, which by design is product j at rank j.
    assert model.sample_ids == tuple(f"p{j}" for j in range(1, k + 1))
    assert list(model.reference_pci) == [pci(x, H0) for x in products]
    assert [model.threshold_for(x)[1] for x in products] == list(range(1, k + 1))
    # The most volatile product gets a threshold near its own burst peak, well above h0.
    h_d, c_index = model.threshold_for(products[-1])
    assert c_index == k and h_d == pytest.approx(peaks[-1], abs=0.6) and h_d > H0


def test_more_volatile_reference_products_get_a_higher_threshold():
    """Forty products of 800 whole-star ratings scattered around 3.7 with a spread rising from
    0.5 to 1.6 stars: more spread, more and longer CUSUM excursions, so both PCI(h0) (the
    C-index) and the thresholds at which the PCI contours are crossed rise with it. The slope
    is positive, and on this grid of 0.25 over 40 ranks of order 0.05–0.3 per rank."""
    rng = np.random.default_rng(5)
    spreads = np.linspace(0.5, 1.6, 40)
    products = [np.clip(np.round(3.7 + s * rng.standard_normal(800)), 1, 5) for s in spreads]
    model = cvt.fit(products)
    assert 0.05 < model.a1 < 0.3
    # The C-index ordering follows PCI(h0), and so (roughly) the spread.
    ranks = np.argsort(np.argsort([pci(x, H0) for x in products], kind="stable"), kind="stable")
    assert np.corrcoef(ranks, spreads)[0, 1] > 0.9
    assert model.threshold_for(products[-1])[0] > model.threshold_for(products[0])[0]


# --- using a model --------------------------------------------------------------------------


def make_model(reference_pci, a0=4.0, a1=0.05, h0=H0, **overrides) -> ThresholdModel:
    fields = {
        "h0": h0,
        "nu": 0.6,
        "a0": a0,
        "a1": a1,
        "thresholds": (1.0, 2.0, 3.0),
        "levels": (0.1,),
        "intercept_level": 0.1,
        "reference_pci": tuple(reference_pci),
        "pci_surface": (),
    }
    fields.update(overrides)
    return ThresholdModel(**fields)


@FAST
@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=50).map(sorted),
    st.floats(-100, 100),
    st.floats(-10, 10),
    st.floats(0, 10),
    st.lists(st.integers(1, 5), min_size=1, max_size=200),
)
def test_threshold_for_never_returns_less_than_h0(reference, a0, a1, h0, ratings):
    h_d, c_index = make_model(reference, a0=a0, a1=a1, h0=h0).threshold_for(ratings)
    assert h_d >= h0
    assert 1 <= c_index <= len(reference)
    assert h_d == max(h0, a0 + a1 * c_index)


def test_threshold_for_uses_the_line_above_h0():
    """reference PCI(h0) [0, 0.1, 0.5]; [5]·10 + [1]·10 has PCI(3) = 1 (two long changes), closest
    to 0.5 → c = 3, h_d = 4 + 0.5·3 = 5.5."""
    model = make_model([0.0, 0.1, 0.5], a0=4.0, a1=0.5)
    assert pci([5] * 10 + [1] * 10, H0) == 1.0
    assert model.threshold_for([5] * 10 + [1] * 10) == (5.5, 3)


def brute_force_c_index(reference, value):
    """The 1-based rank of the closest reference PCI, the lowest rank among equally close ones."""
    return min(range(len(reference)), key=lambda i: (abs(reference[i] - value), i)) + 1


@FAST
@given(
    st.lists(
        st.sampled_from([0.0, 0.0, 0.02, 0.05, 0.1, 0.1, 0.3, 1.0]), min_size=1, max_size=30
    ).map(sorted),
    st.one_of(
        st.sampled_from([0.0, 0.01, 0.02, 0.035, 0.075, 0.1, 0.2, 0.65, 1.0]), st.floats(0, 1)
    ),
)
def test_c_index_for_picks_the_closest_reference_and_the_lowest_rank_on_ties(reference, value):
    assert make_model(reference).c_index_for(value) == brute_force_c_index(reference, value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, 1),  # equal to three references: the lowest rank
        (0.01, 1),  # closest to the three zeros, not to the last of them
        (0.05, 1),  # halfway between 0 and 0.1: the lower
        (0.07, 4),  # closest to 0.1
        (0.1, 4),
        (0.9, 5),  # beyond the last reference
    ],
)
def test_c_index_for_worked_examples(value, expected):
    """Reference PCI(h0) [0, 0, 0, 0.1, 0.5]."""
    assert make_model([0.0, 0.0, 0.0, 0.1, 0.5]).c_index_for(value) == expected


# --- serialisation ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted_model() -> ThresholdModel:
    return cvt.fit(
        [burst_product(j) for j in range(1, 9)],
        levels=(0.001, 0.005),
        intercept_level=0.001,
        sample_ids=[f"B0{j}" for j in range(1, 9)],
        version="test-7",
    )


def test_a_model_round_trips_through_json_unchanged(fitted_model):
    text = json.dumps(fitted_model.to_dict(), allow_nan=False)
    restored = ThresholdModel.from_dict(json.loads(text))
    assert restored == fitted_model
    assert restored.to_dict() == fitted_model.to_dict()
    assert restored.to_dict()["schema"] == SCHEMA


def test_to_dict_holds_everything_the_fit_was_made_from(fitted_model):
    data = fitted_model.to_dict()
    assert set(data) == {
        "schema",
        "version",
        "h0",
        "nu",
        "a0",
        "a1",
        "thresholds",
        "levels",
        "intercept_level",
        "reference_pci",
        "pci_surface",
        "sample_ids",
    }
    assert data["version"] == "test-7"
    assert len(data["pci_surface"]) == len(data["reference_pci"]) == len(data["sample_ids"]) == 8
    assert all(len(row) == len(data["thresholds"]) == 60 for row in data["pci_surface"])
    assert data["reference_pci"] == sorted(data["reference_pci"])


def test_contours_give_a_chart_of_pci_over_c_index_and_threshold(fitted_model):
    chart = fitted_model.contours()
    json.dumps(chart, allow_nan=False)
    assert chart["c_index"] == list(range(1, 9))
    assert chart["thresholds"] == list(fitted_model.thresholds)
    # z[threshold][c-index]: the transpose of the stored surface
    assert len(chart["pci"]) == 60 and all(len(row) == 8 for row in chart["pci"])
    assert chart["pci"][5][2] == fitted_model.pci_surface[2][5]
    a0, a1 = fitted_model.a0, fitted_model.a1
    assert chart["line"] == {"c_index": [1, 8], "threshold": [a0 + a1, a0 + 8 * a1]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(schema="reviewsec.verdict/1"), "not a CvT threshold model"),
        (lambda d: d.pop("schema"), "not a CvT threshold model"),
        (lambda d: d.pop("a1"), "malformed"),
        (lambda d: d.update(a0="four"), "malformed"),
        (lambda d: d.update(thresholds=None), "malformed"),
        (lambda d: d.update(pci_surface=[1.0, 2.0]), "malformed"),
    ],
)
def test_from_dict_rejects_anything_but_a_well_formed_model(fitted_model, change, message):
    data = json.loads(json.dumps(fitted_model.to_dict()))
    change(data)
    with pytest.raises(ValueError, match=message):
        ThresholdModel.from_dict(data)


# --- bad input to fit -------------------------------------------------------------------------


REFERENCE = [burst_product(j) for j in (1, 5, 9)]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cvt.fit(REFERENCE[:1]), "at least two reference products"),
        (lambda: cvt.fit([]), "at least two reference products"),
        (lambda: cvt.fit(REFERENCE, thresholds=[1.0, 2.0, 2.0, 3.0]), "increasing grid"),
        (lambda: cvt.fit(REFERENCE, thresholds=[3.0, 2.0, 1.0]), "increasing grid"),
        (lambda: cvt.fit(REFERENCE, thresholds=[3.0]), "increasing grid"),
        (lambda: cvt.fit(REFERENCE, thresholds=[[1.0, 2.0]]), "increasing grid"),
        (lambda: cvt.fit(REFERENCE, levels=(0.05, 0.2), intercept_level=0.1), "intercept_level"),
        (lambda: cvt.fit([np.full(300, 4.0)] * 5), "too few contour crossings"),
        (lambda: cvt.fit([*REFERENCE, [4.0, 6.0]]), "between 1 and 5"),
        (lambda: cvt.fit(REFERENCE, sample_ids=["a", "b"]), "sample_ids"),
    ],
)
def test_bad_input_to_fit_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
