"""ISO 8601 strings of a datetime64 array, as ``np.datetime_as_string`` writes them, faster.

The verdict's chart series carries one timestamp per review; ``np.datetime_as_string`` spends
about 0.3 µs on each (3 ms for 10,000 reviews, a quarter of a 10,000-review verdict's
``to_dict``). For second and day precision within years 0000–9999 - every review date - the
strings are assembled from integer arithmetic instead: the days since 1970-01-01 become
(year, month, day) by the proleptic-Gregorian "civil from days" formulas (H. Hinnant,
*chrono-Compatible Low-Level Date Algorithms*: 400-year eras of 146,097 days, years starting in
March so that the leap day comes last), the seconds of the day (hour, minute, second), and every
two-digit field is copied from a table of the ASCII digits 00–99 into one byte matrix, read as
"YYYY-MM-DDTHH:MM:SS" (or "YYYY-MM-DD"). Anything else (other units, NaT, years outside
0000–9999) goes to ``np.datetime_as_string`` itself. tests/detector compare the two.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["iso_strings"]

_DIGIT_PAIRS = np.array([[48 + i // 10, 48 + i % 10] for i in range(100)], dtype=np.uint8)
_DASH, _T, _COLON = 45, 84, 58


def _civil(days: NDArray[np.int64]) -> tuple[NDArray[np.int64], ...]:
    """(year, month, day) of days since 1970-01-01 (Hinnant's civil_from_days)."""
    z = days + 719_468  # days since 0000-03-01
    era = z // 146_097
    day_of_era = z - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1_460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153  # 0 = March
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = np.where(shifted_month < 10, shifted_month + 3, shifted_month - 9)
    year = year_of_era + era * 400 + (month <= 2)
    return year, month, day


def iso_strings(stamps: NDArray[Any]) -> list[str]:
    """``np.datetime_as_string(stamps).tolist()`` of a one-dimensional datetime64 array."""
    unit = np.datetime_data(stamps.dtype)[0]
    if stamps.ndim != 1 or unit not in ("s", "D") or not stamps.size or np.isnat(stamps).any():
        listed: list[str] = np.datetime_as_string(stamps).tolist()
        return listed
    count = stamps.astype(np.int64)
    days, seconds = np.divmod(count, 86_400) if unit == "s" else (count, None)
    year, month, day = _civil(days)
    if int(year.min()) < 0 or int(year.max()) > 9_999:
        listed = np.datetime_as_string(stamps).tolist()
        return listed
    width = 10 if seconds is None else 19
    out = np.empty((stamps.size, width), dtype=np.uint8)
    out[:, 0:2] = _DIGIT_PAIRS[year // 100]
    out[:, 2:4] = _DIGIT_PAIRS[year % 100]
    out[:, 4] = _DASH
    out[:, 5:7] = _DIGIT_PAIRS[month]
    out[:, 7] = _DASH
    out[:, 8:10] = _DIGIT_PAIRS[day]
    if seconds is not None:
        hour, rest = np.divmod(seconds, 3_600)
        minute, second = np.divmod(rest, 60)
        out[:, 10] = _T
        out[:, 11:13] = _DIGIT_PAIRS[hour]
        out[:, 13] = _COLON
        out[:, 14:16] = _DIGIT_PAIRS[minute]
        out[:, 16] = _COLON
        out[:, 17:19] = _DIGIT_PAIRS[second]
    strings: list[str] = out.view(f"S{width}").ravel().astype(f"U{width}").tolist()
    return strings
