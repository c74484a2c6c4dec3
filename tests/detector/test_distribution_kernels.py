"""The compiled pieces of ``detector.ero.distributions`` against plain references: Python's
``round``, numpy's sort and per-star shares counted in Python."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from detector.ero.distributions import (
    _sort_run,
    feature_distribution,
    round_exactly,
    star_shares,
)


def test_round_exactly_is_pythons_round_or_says_it_is_not():
    rng = np.random.default_rng(1)
    values = np.concatenate(
        [
            rng.random(500),
            rng.normal(0, 1e3, 500),
            np.round(rng.random(200), 4),  # already on the grid
            -rng.random(100) * 1e-5,  # rounds to -0.0
        ]
    ).reshape(4, -1)
    out, exact = round_exactly(values, 4)
    assert exact
    for found, value in zip(out.ravel().tolist(), values.ravel().tolist(), strict=True):
        expected = round(value, 4)
        assert found == expected and math.copysign(1, found) == math.copysign(1, expected)


@pytest.mark.parametrize("odd", [0.00005, 0.12345, 2.0**40, math.nan, math.inf])
def test_round_exactly_refuses_ties_huge_and_special_values(odd):
    values = np.array([[0.1, 0.2], [odd, 0.3]])
    assert not round_exactly(values, 4)[1]


def test_round_exactly_of_nothing():
    out, exact = round_exactly(np.empty((4, 0)), 4)
    assert exact and out.shape == (4, 0)


@pytest.mark.parametrize("seed", range(4))
def test_star_shares_match_counts_made_in_python(seed):
    rng = np.random.default_rng(seed)
    n, width = int(rng.integers(1, 500)), int(rng.integers(1, 9))
    stars = rng.integers(1, 6, n)
    if seed == 0:
        stars[stars == 3] = 4  # a star level without reviews is left out
    codes = rng.integers(0, width + 2, n).astype(np.intp)  # two codes share a column
    column = np.append(np.arange(width), [0, width - 1]).astype(np.intp)
    groups, totals, shares = star_shares(stars, codes, column, width)
    cells = Counter(zip(stars.tolist(), column[codes].tolist(), strict=True))
    expected_groups = sorted(set(stars.tolist()))
    assert groups.tolist() == expected_groups
    for row, star in enumerate(expected_groups):
        total = int((stars == star).sum())
        assert totals[row] == total
        assert shares[row].tolist() == [cells[(star, j)] / total for j in range(width)]


@pytest.mark.parametrize(
    "run",
    [
        np.arange(300, dtype=np.float64)[::-1],  # counted
        np.repeat([7.0, -3.0, 0.0, 12.0], 100),  # counted, negatives and zero
        np.append(np.zeros(299), -0.0),  # -0.0: sorted by numpy
        np.arange(300) * 5.0,  # range over 4 x n: sorted by numpy
        np.arange(300) + 0.5,  # not whole: sorted by numpy
        np.arange(100, dtype=np.float64)[::-1],  # short: sorted by numpy
    ],
)
def test_sort_run_is_numpys_sort(run):
    rng = np.random.default_rng(2)
    shuffled = rng.permutation(run)
    found = _sort_run(shuffled)
    expected = np.sort(shuffled)
    np.testing.assert_array_equal(found, expected)
    assert np.signbit(found).sum() == np.signbit(run).sum()  # -0.0 kept (where is a sort's choice)


def test_a_categorical_distribution_against_a_count_by_hand():
    ratings = np.array([5, 5, 5, 1, 1, 3, 3, 3, 3, 2])
    countries = np.array(["DE", "US", "", "US", "US", "DE", "FR", "US", "US", "FR"])
    found = feature_distribution("country", ratings, countries)
    assert found["categories"] == ["US", "DE", "FR"]  # by frequency
    assert found["groups"] == [1, 2, 3, 5]  # the unknown country of a 5-star review left out
    assert found["n"] == [2, 1, 4, 2]
    assert found["shares"] == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.25, 0.25], [0.5, 0.5, 0.0]]


def test_a_categorical_distribution_with_shares_to_round():
    ratings = np.array([4] * 3 + [2] * 7)
    flags = np.array([True, True, False] + [True] * 4 + [False] * 3)
    found = feature_distribution("verified", ratings, flags)
    assert found["categories"] == ["verified", "unverified"]
    assert found["shares"] == [
        [round(4 / 7, 4), round(3 / 7, 4)],
        [round(2 / 3, 4), round(1 / 3, 4)],
    ]


def test_a_categorical_feature_never_known_gives_empty_lists():
    found = feature_distribution("hour_of_day", np.array([1, 2, 3]), np.full(3, np.nan))
    assert found == {"groups": [], "categories": [], "shares": [], "n": []}


def test_star_shares_leave_out_missing_codes():
    rng = np.random.default_rng(7)
    stars = rng.integers(1, 6, 300)
    codes = rng.integers(-1, 4, 300).astype(np.intp)  # -1: the value is missing
    stars[codes < 0] = np.where(rng.random(int((codes < 0).sum())) < 0.5, 2, 5)
    column = np.arange(4, dtype=np.intp)
    groups, totals, shares = star_shares(stars, codes, column, 4)
    known = codes >= 0
    cells = Counter(zip(stars[known].tolist(), codes[known].tolist(), strict=True))
    expected_groups = sorted(set(stars[known].tolist()))
    assert groups.tolist() == expected_groups
    for row, star in enumerate(expected_groups):
        total = int(((stars == star) & known).sum())
        assert totals[row] == total
        assert shares[row].tolist() == [cells[(star, j)] / total for j in range(4)]
