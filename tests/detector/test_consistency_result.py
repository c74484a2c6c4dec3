"""The consistency block of the verdict (DESIGN §3), ``analyze_consistency`` at a given threshold
and ``consistency_at_threshold`` at a CvT model's."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from detector.analysis import consistency_at_threshold
from detector.consistency import (
    ChangeInterval,
    ConsistencyResult,
    analyze_consistency,
    change_intervals,
    cusum,
    pci,
)
from detector.consistency.cvt import ThresholdModel

DESIGN_KEYS = {"mu0", "nu", "h0", "threshold", "c_index", "pci", "score", "intervals"}
# Issue 13: the size-scaled law's per-side thresholds and its calibrated p_change.
DESIGN_KEYS |= {
    "threshold_method",
    "threshold_up",
    "threshold_down",
    "false_alarm_rate",
    "p_change",
    "p_change_calibration",
}
DESIGN_INTERVAL_KEYS = {"start", "end", "direction", "start_date", "end_date"}
# ``reviews`` (end − start + 1) is the one addition to DESIGN's interval object.
INTERVAL_KEYS = DESIGN_INTERVAL_KEYS | {"reviews"}
SERIES_KEYS = {"dates", "ratings", "running_mean", "g_plus", "g_minus"}

# Calm 4-star ratings, a 1-star run, calm again, a 5-star run: one change each way.
RATINGS = np.r_[np.full(40, 4.0), np.full(15, 1.0), np.full(40, 4.0), np.full(25, 5.0)]
FIRST_DAY = dt.date(2021, 3, 1)
DAYS = [FIRST_DAY + dt.timedelta(days=i) for i in range(RATINGS.size)]


def model(a0: float, a1: float = 0.0, h0: float = 3.0, nu: float = 0.6) -> ThresholdModel:
    return ThresholdModel(
        h0=h0,
        nu=nu,
        a0=a0,
        a1=a1,
        thresholds=(1.0, 2.0),
        levels=(0.1,),
        intercept_level=0.1,
        reference_pci=(0.0, 0.05, 0.1, 0.3),
        pci_surface=(),
    )


@pytest.fixture(scope="module")
def result() -> ConsistencyResult:
    return analyze_consistency(RATINGS)


def test_to_dict_has_exactly_the_design_keys_plus_the_series(result):
    data = result.to_dict()
    assert set(data) == DESIGN_KEYS | {"series"}
    assert set(data["series"]) == SERIES_KEYS
    assert data["intervals"], "the example has changes"
    assert all(set(interval) == INTERVAL_KEYS for interval in data["intervals"])


def test_to_dict_values_match_the_analysis(result):
    data = result.to_dict()
    assert data["mu0"] == pytest.approx(RATINGS.mean(), abs=1e-6)
    assert (data["nu"], data["h0"], data["threshold"], data["c_index"]) == (0.6, 3.0, 3.0, None)
    assert data["pci"] == pytest.approx(pci(RATINGS, 3.0), abs=1e-6)
    assert data["score"] == pytest.approx(1 - data["pci"], abs=1e-6)
    assert [(i["start"], i["end"], i["direction"]) for i in data["intervals"]] == [
        (i.start, i.end, i.direction) for i in change_intervals(RATINGS, 3.0)
    ]
    assert [i["direction"] for i in data["intervals"]] == ["down", "up"]
    assert all(i["reviews"] == i["end"] - i["start"] + 1 for i in data["intervals"])


def test_the_series_holds_what_the_chart_draws(result):
    series = result.to_dict()["series"]
    g_plus, g_minus = cusum(RATINGS, RATINGS.mean())
    assert series["ratings"] == [int(r) for r in RATINGS]
    assert all(type(r) is int for r in series["ratings"])
    assert series["g_plus"] == pytest.approx(g_plus.tolist(), abs=1e-4)
    assert series["g_minus"] == pytest.approx(g_minus.tolist(), abs=1e-4)
    expected_mean = np.cumsum(RATINGS) / np.arange(1, RATINGS.size + 1)
    assert series["running_mean"] == pytest.approx(expected_mean.tolist(), abs=1e-4)
    assert series["dates"] is None


def test_non_whole_ratings_are_not_truncated_in_the_series():
    series = analyze_consistency([4.2, 3.5, 5.0]).to_dict()["series"]
    assert series["ratings"] == [4.2, 3.5, 5.0]


@pytest.mark.parametrize(
    "dates",
    [
        np.array(DAYS, dtype="datetime64[D]"),
        np.array(DAYS, dtype="datetime64[D]").astype("datetime64[ns]") + np.timedelta64(13, "h"),
        DAYS,
        [dt.datetime(d.year, d.month, d.day, 23, 59) for d in DAYS],
        [d.isoformat() for d in DAYS],
    ],
    ids=["datetime64[D]", "datetime64[ns]", "dates", "datetimes", "ISO strings"],
)
def test_interval_dates_become_iso_dates(result, dates):
    data = result.to_dict(dates)
    for interval in data["intervals"]:
        assert interval["start_date"] == DAYS[interval["start"]].isoformat()
        assert interval["end_date"] == DAYS[interval["end"]].isoformat()
    assert len(data["series"]["dates"]) == RATINGS.size
    assert data["series"]["dates"][0].startswith("2021-03-01")
    json.dumps(data, allow_nan=False)


def test_without_dates_the_interval_dates_are_null(result):
    assert all(
        i["start_date"] is None and i["end_date"] is None for i in result.to_dict()["intervals"]
    )


def test_dates_of_the_wrong_length_are_a_value_error(result):
    with pytest.raises(ValueError, match="one date per rating"):
        result.to_dict(DAYS[:-1])


@pytest.mark.parametrize(
    "ratings",
    [RATINGS, [5.0], [1, 5] * 300, np.full(50, 3.0), np.linspace(1, 5, 77)],
    ids=["example", "one rating", "alternating", "constant", "non-whole"],
)
def test_the_block_is_strict_json(ratings):
    for outcome in (
        analyze_consistency(ratings),
        consistency_at_threshold(ratings, model(a0=4.0, a1=0.5)),
    ):
        data = outcome.to_dict()
        text = json.dumps(data, allow_nan=False)
        assert json.loads(text)["pci"] == data["pci"]


def test_without_a_model_the_threshold_is_h0_and_there_is_no_c_index():
    outcome = analyze_consistency(RATINGS, h=4.5, nu=0.8)
    assert (outcome.threshold, outcome.h0, outcome.nu, outcome.c_index) == (4.5, 4.5, 0.8, None)
    assert outcome.intervals == tuple(change_intervals(RATINGS, 4.5, nu=0.8))


def test_analyze_consistency_uses_the_models_threshold():
    """PCI(h0 = 3) of the example, 38/120, is closest to the reference 0.3 → C-index 4;
    h_d = 2 + 1.5·4 = 8 > h0, and the intervals and PCI are those at h = 8."""
    assert pci(RATINGS, 3.0) == 38 / 120
    outcome = consistency_at_threshold(RATINGS, model(a0=2.0, a1=1.5))
    assert (outcome.threshold, outcome.c_index) == (8.0, 4)
    assert outcome.intervals == tuple(change_intervals(RATINGS, 8.0, nu=0.6))
    assert outcome.pci == pci(RATINGS, 8.0)
    assert outcome.score == 1 - outcome.pci


def test_analyze_consistency_never_goes_below_h0():
    outcome = consistency_at_threshold(RATINGS, model(a0=-20.0, a1=0.1))
    assert outcome.threshold == 3.0
    assert outcome.pci == pci(RATINGS, 3.0)


def test_the_models_nu_and_h0_are_the_ones_used():
    """The threshold line was fitted for the model's ν and h0; the analysis follows them."""
    outcome = consistency_at_threshold(RATINGS, model(a0=0.0, h0=5.0, nu=1.0))
    assert (outcome.nu, outcome.h0, outcome.threshold) == (1.0, 5.0, 5.0)
    assert outcome.intervals == tuple(change_intervals(RATINGS, 5.0, nu=1.0))


def test_a_given_mu0_is_used_for_the_intervals():
    outcome = analyze_consistency([3, 3, 5, 5, 5], mu0=3.0, nu=1.0, h=2.9)
    assert outcome.mu0 == 3.0
    assert outcome.intervals == (ChangeInterval(2, 3, "up"),)


@pytest.mark.parametrize("ratings", [[], [3, float("nan")], [0, 3], [[3, 4]], [True]])
def test_analyze_consistency_refuses_bad_ratings(ratings):
    with pytest.raises(ValueError):
        analyze_consistency(ratings)
