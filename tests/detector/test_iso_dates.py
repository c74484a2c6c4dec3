"""``iso_strings`` writes what ``np.datetime_as_string`` writes."""

from __future__ import annotations

import numpy as np
import pytest

from detector.consistency.iso_dates import iso_strings

RNG = np.random.default_rng(18)
SECONDS = RNG.integers(-62_000_000_000, 253_000_000_000, 50_000)  # years 0005 to 9987


@pytest.mark.parametrize(
    "stamps",
    [
        SECONDS.astype("datetime64[s]"),  # every era, leap days, pre-1970
        (SECONDS // 86_400).astype("datetime64[D]"),
        np.array(["2000-02-29T23:59:59", "1900-03-01T00:00:00", "1970-01-01T00:00:00"], "M8[s]"),
        np.array(["2024-02-29", "2100-02-28", "0000-01-01", "9999-12-31"], "M8[D]"),
        np.array(["2021-03-01T14:22:05", "NaT"], "M8[s]"),  # NaT: numpy itself
        np.array(["2021-03-01T14:22:05.123"], "M8[ms]"),  # another unit: numpy itself
        np.array(["-0001-01-01", "10000-01-01"], "M8[D]"),  # beyond four-digit years
        np.array([], "M8[s]"),
    ],
)
def test_the_same_strings_as_numpy(stamps: np.ndarray) -> None:
    assert iso_strings(stamps) == np.datetime_as_string(stamps).tolist()


def test_iso_days_are_numpys_day_strings():
    """``iso_days`` against numpy's own cast and str, at every unit and edge it handles apart."""
    from detector.consistency.iso_dates import iso_days

    rng = np.random.default_rng(7)
    seconds = np.concatenate(
        [
            rng.integers(-62_135_596_800, 253_402_300_799, 3_000),  # 0001-01-01 .. 9999-12-31
            [0, -1, 86_399, 86_400, -86_400, -86_401, -62_135_596_800, 253_402_300_799],
            [-62_135_596_801, 253_402_300_800],  # one second outside: numpy's strings
        ]
    )
    for unit, values in (("s", seconds), ("D", seconds // 86_400), ("ms", seconds * 1000)):
        stamps = values.astype(f"datetime64[{unit}]")
        for start in range(0, stamps.size, 97):
            positions = [start, min(start + 5, stamps.size - 1)]
            expected = [str(stamps[i].astype("datetime64[D]")) for i in positions]
            assert iso_days(stamps, positions) == expected
    with_nat = np.array(["2021-03-01T10:00:00", "NaT"], dtype="datetime64[s]")
    assert iso_days(with_nat, (0, 1)) == ["2021-03-01", "NaT"]
