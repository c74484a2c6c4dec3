"""The compiled weekday and hour of ``features_from_reviews`` against numpy's datetimes."""

from __future__ import annotations

import numpy as np
import pytest

from detector.features import DAY_NAMES, _day_and_hour, features_from_reviews


@pytest.mark.parametrize("seed", range(3))
def test_day_and_hour_of_seconds_is_numpys(seed):
    rng = np.random.default_rng(seed)
    stamps = rng.integers(-3 * 10**9, 3 * 10**9, 20_000).astype("datetime64[s]")  # 1875-2065
    days = stamps.astype("datetime64[D]")
    weekday, hours, every = _day_and_hour(stamps.view(np.int64), 1)
    assert every
    np.testing.assert_array_equal(weekday, (days.astype(np.int64) + 3) % 7)
    np.testing.assert_array_equal(hours, ((stamps - days).astype(np.int64) // 3600).astype(float))


def test_day_and_hour_of_days_and_a_nat():
    days = np.array(["1969-12-31", "1970-01-01", "2024-02-29", "1900-03-01"], "datetime64[D]")
    weekday, _, every = _day_and_hour(days.view(np.int64), 86_400)
    assert every
    assert [DAY_NAMES[k] for k in weekday] == ["Wednesday", "Thursday", "Thursday", "Thursday"]
    with_nat = np.array(["2021-01-01T00:00:00", "NaT"], "datetime64[s]")
    assert not _day_and_hour(with_nat.view(np.int64), 1)[2]


@pytest.mark.parametrize("unit", ["s", "D", "ms"])
def test_features_match_the_datetime_path_with_and_without_nat(unit):
    rng = np.random.default_rng(4)
    stamps = (
        rng.integers(10**9, 2 * 10**9, 300).astype("datetime64[s]").astype(f"datetime64[{unit}]")
    )
    for values in (stamps, np.concatenate([stamps, np.array(["NaT"], stamps.dtype)])):
        found = features_from_reviews(values, has_time=True)
        times = values.astype("datetime64[s]")
        days = times.astype("datetime64[D]")
        known = ~np.isnat(times)
        names = np.array(DAY_NAMES)[np.where(known, (days.astype(np.int64) + 3) % 7, 0)]
        np.testing.assert_array_equal(found["day_of_week"], np.where(known, names, ""))
        assert found["day_of_week"].dtype == np.dtype("<U9")
        hours = ((times - days).astype(np.int64) // 3600).astype(float)
        np.testing.assert_array_equal(found["hour_of_day"], np.where(known, hours, np.nan))
