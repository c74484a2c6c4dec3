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
