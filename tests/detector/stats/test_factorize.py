"""``unique_inverse`` gives exactly what ``np.unique(..., return_inverse=True)`` gives."""

from __future__ import annotations

import numpy as np
import pytest

from detector.stats.factorize import known_string_objects, known_unique_inverse, unique_inverse

RNG = np.random.default_rng(18)
WORDS = np.array(["", "a", "Japan", "United Kingdom", "Ünïcödé", "a\u0301", "zz", "Monday"])


@pytest.mark.parametrize(
    "values",
    [
        RNG.choice(WORDS[1:], 10_000),  # many repeats of a few strings (countries, weekdays)
        RNG.choice(WORDS, 37),  # with the empty string
        np.array([f"user{i % 997}" for i in RNG.integers(0, 10**6, 5_000)]),  # many distinct
        np.array(["only"] * 3),
        np.repeat(RNG.choice(WORDS, 60), RNG.integers(1, 6, 60)),  # runs: a row as the one before
        np.array(["a", "b", "a", "a", "c"] * 7),  # one word per row (odd widths: the last word)
        RNG.choice(np.array(["a", "Japan", "zz", "United Kingdom"]), 200).astype("S"),  # bytes
        RNG.integers(1, 6, 1_000),  # star ratings
        RNG.integers(-3, 3, 1_000).astype(np.int8),
        RNG.integers(0, 2**40, 100),  # a wide range: np.unique itself
        RNG.integers(0, 2, 500).astype(bool),
        RNG.integers(0, 24, 800).astype(np.float64),  # hours as floats
        np.floor(RNG.integers(0, 24, 800) / 4.0) * 4.0,
        RNG.normal(size=300),  # not whole: np.unique itself
        np.array([1.0, np.nan, 2.0, np.nan]),
        np.array([], dtype="U3"),
    ],
)
def test_the_same_as_numpy_unique(values: np.ndarray) -> None:
    expected_uniques, expected_inverse = np.unique(values, return_inverse=True)
    uniques, inverse = unique_inverse(values)
    assert uniques.dtype == expected_uniques.dtype
    np.testing.assert_array_equal(uniques, expected_uniques)
    np.testing.assert_array_equal(inverse, expected_inverse.reshape(-1))
    assert inverse.dtype == np.intp


def test_strings_that_collide_in_a_tiny_table_still_get_their_own_codes() -> None:
    # Every distinct value once: the table's chains are as long as they get; codes stay exact.
    values = np.array([chr(0x4E00 + i) * (1 + i % 3) for i in range(3_000)])
    uniques, inverse = unique_inverse(values)
    assert uniques.size == 3_000
    np.testing.assert_array_equal(uniques[inverse], values)


@pytest.mark.parametrize(
    "values",
    [
        RNG.choice(WORDS, 500),  # weekdays/countries with missing ("") values
        RNG.choice(WORDS[:3], 40).astype("S"),  # bytes
        np.array([f"user{i}" for i in RNG.integers(0, 300, 2_000)]),  # more than SORT_LIMIT
        np.array(["", "", ""]),  # nothing known
        np.where(RNG.random(300) < 0.2, np.nan, np.floor(RNG.integers(0, 24, 300) / 4.0) * 4.0),
        np.where(RNG.random(300) < 0.2, np.nan, RNG.normal(size=300)),  # not whole: np.unique
        np.full(7, np.nan),
        np.array([2.0**60, np.nan, 1.0]),  # too wide a range to count
        RNG.integers(0, 2, 50).astype(bool),
        RNG.integers(-3, 9, 50),
    ],
)
def test_known_values_are_numpy_unique_of_the_known_ones(values: np.ndarray) -> None:
    known = ~np.isnan(values) if values.dtype.kind == "f" else values != values.dtype.type()
    if values.dtype.kind in "bi":
        known = np.ones(values.size, dtype=bool)
    expected_uniques, expected_inverse = np.unique(values[known], return_inverse=True)
    found = known_unique_inverse(values)
    assert found is not None
    uniques, codes = found
    assert uniques.dtype == expected_uniques.dtype
    np.testing.assert_array_equal(uniques, expected_uniques)
    expected_codes = np.full(values.size, -1)
    expected_codes[known] = expected_inverse.reshape(-1)
    np.testing.assert_array_equal(codes, expected_codes)
    assert codes.dtype == np.intp


def test_objects_and_empty_arrays_are_left_to_the_caller() -> None:
    assert known_unique_inverse(np.array(["a", None], dtype=object)) is None
    assert known_unique_inverse(np.array([], dtype=np.float64)) is None


def _objects(values: list[object]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


@pytest.mark.parametrize(
    "values",
    [
        _objects(RNG.choice(WORDS, 500).tolist()),  # with the empty string
        _objects([None if RNG.random() < 0.2 else w for w in RNG.choice(WORDS, 300).tolist()]),
        _objects([f"user{i % 97}" for i in RNG.integers(0, 10**6, 2_000)]),
        _objects(["only"] * 3),
        _objects([None, "", None]),
    ],
)
def test_string_objects_are_numpy_unique_of_the_known_ones(values: np.ndarray) -> None:
    known = np.array([value is not None and value != "" for value in values.tolist()], bool)
    expected_uniques, expected_inverse = np.unique(values[known], return_inverse=True)
    found = known_string_objects(values)
    assert found is not None
    uniques, codes = found
    assert uniques.dtype == object
    assert uniques.tolist() == expected_uniques.tolist()
    assert all(type(label) is str for label in uniques.tolist())
    expected_codes = np.full(values.size, -1)
    expected_codes[known] = expected_inverse.reshape(-1)
    np.testing.assert_array_equal(codes, expected_codes)
    assert codes.dtype == np.intp


def test_other_objects_are_left_to_the_caller() -> None:
    assert known_string_objects(_objects(["a", 1])) is None  # mixed types
    assert known_string_objects(_objects(["a", float("nan")])) is None  # NaN: the caller's test
    assert known_string_objects(np.array(["a", "b"])) is None  # not objects
    assert known_string_objects(_objects([])) is None
