"""Degenerate and invalid inputs: defined results with a note, or a clear ValueError - never a
crash, a NaN or a silent number."""

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.ero import EROResult, analyze_ero
from detector.words import describe_feature

FEATURE_NAMES = ("text_length", "helpful_votes", "day_of_week", "verified")


def assert_well_formed(result: EROResult) -> None:
    text = json.dumps(result.to_dict(), allow_nan=False)  # strict JSON: no NaN, no Infinity
    assert json.loads(text)["alpha"] == result.alpha
    for value in (result.satisfaction, result.raw_satisfaction):
        assert value is None or 0.0 <= value <= 1.0
    for feature in result.features:
        if feature.satisfaction is None:
            assert feature.notes, f"{feature.name} is untestable without saying why"
            assert not feature.in_verdict
        else:
            assert 0.0 <= feature.satisfaction <= 1.0
            assert feature.pairs and all(0.0 <= p.p_adj <= 1.0 for p in feature.pairs)
            assert feature.anova is not None and not math.isnan(feature.anova.p)
        assert isinstance(describe_feature(feature), str) and describe_feature(feature)


numbers = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.integers(0, 3).map(float),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)
categories = st.one_of(st.none(), st.just(""), st.sampled_from(["Mon", "Tue", "Sat"]))


@st.composite
def products(draw: st.DrawFn) -> tuple[list[int], dict[str, list[object]]]:
    n = draw(st.integers(0, 14))
    stars = draw(st.lists(st.integers(1, 5), min_size=1, max_size=5, unique=True))
    ratings = draw(st.lists(st.sampled_from(stars), min_size=n, max_size=n))
    return ratings, {
        "text_length": draw(st.lists(numbers, min_size=n, max_size=n)),
        "helpful_votes": [draw(st.sampled_from([0.0, 1.0]))] * n,  # often constant
        "day_of_week": draw(st.lists(categories, min_size=n, max_size=n)),
        "verified": draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)),
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(products())
def test_any_small_product_gives_a_defined_result(
    product: tuple[list[int], dict[str, list[object]]],
) -> None:
    ratings, features = product
    result = analyze_ero(
        ratings, {name: np.array(values, dtype=object) for name, values in features.items()}
    )
    assert [f.name for f in result.features] == list(FEATURE_NAMES)
    assert_well_formed(result)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=4, max_size=40),
    st.floats(-1e3, 1e3, allow_nan=False),
)
def test_a_constant_feature_is_untestable_with_a_note(ratings: list[int], value: float) -> None:
    feature = analyze_ero(ratings, {"text_length": [value] * len(ratings)}).feature("text_length")
    assert feature.satisfaction is None
    assert feature.notes


def test_one_rating_level_has_nothing_to_compare() -> None:
    result = analyze_ero([5] * 30, {"text_length": np.arange(30.0), "day_of_week": ["Mon"] * 30})
    for feature in result.features:
        assert feature.satisfaction is None and feature.groups == (5,)
        assert "fewer than two star levels" in feature.notes[-1]
    assert result.satisfaction is None and result.raw_satisfaction is None
    assert "No feature could be tested" in result.notes[0]


def test_groups_of_one_review_are_dropped_and_named() -> None:
    ratings = [1, 1, 1, 2, 5, 5, 5, 5]
    feature = analyze_ero(ratings, {"text_length": [9, 8, 7, 100, 1, 2, 3, 2]}).feature(
        "text_length"
    )
    assert feature.groups == (1, 5) and feature.dropped_groups == (2,)
    assert feature.reviews == 7
    assert any("2-star reviews left out" in note for note in feature.notes)


def test_a_feature_with_only_missing_values_is_untestable() -> None:
    result = analyze_ero([1, 2, 5, 5], {"text_length": [np.nan] * 4, "country": [None] * 4})
    for feature in result.features:
        assert feature.satisfaction is None
        assert any("4 reviews without" in note for note in feature.notes)


def test_missing_values_are_dropped_for_that_feature_only() -> None:
    ratings = [1, 1, 1, 5, 5, 5]
    result = analyze_ero(
        ratings,
        {"text_length": [1.0, None, 3.0, 9.0, 8.0, np.nan], "helpful_votes": [0, 1, 0, 2, 3, 2]},
    )
    assert result.feature("text_length").reviews == 4
    assert result.feature("helpful_votes").reviews == 6


def test_every_group_constant_but_different_is_a_perfect_separation() -> None:
    feature = analyze_ero([1, 1, 1, 5, 5, 5], {"text_length": [10, 10, 10, 2, 2, 2]}).feature(
        "text_length"
    )
    assert feature.satisfaction == 0.0
    assert feature.anova is not None and feature.anova.f == math.inf
    assert any("perfectly separated" in note for note in feature.notes)
    assert feature.to_dict()["anova"]["f"] is None


def test_an_empty_product_is_defined() -> None:
    result = analyze_ero([], {"text_length": []})
    assert result.satisfaction is None
    assert result.feature("text_length").satisfaction is None


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ([1, 2, 6], "position 2 is 6"),
        ([0, 1, 2], "position 0 is 0"),
        ([1, 2.5, 3], "position 1 is 2.5"),
        ([1, None, 3], "position 1 is missing"),
        ([1, float("nan")], "position 1 is missing"),
        (["five", "four"], "whole stars"),
        ([True, False], "not True/False"),
        ([[1, 2], [3, 4]], "one-dimensional"),
    ],
)
def test_ratings_outside_one_to_five_are_a_clear_error(ratings: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        analyze_ero(ratings, {})


def test_a_feature_of_the_wrong_length_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="'text_length' has 2 values for 3 ratings"):
        analyze_ero([1, 2, 3], {"text_length": [1.0, 2.0]})
    with pytest.raises(ValueError, match="'country' has 4 values for 3 ratings"):
        analyze_ero([1, 2, 3], {"country": ["US"] * 4})


def test_words_in_a_numeric_feature_are_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not numbers; list it in `categorical`"):
        analyze_ero([1, 2, 3], {"text_length": ["long", "short", "long"]})


def test_infinite_values_are_a_clear_error() -> None:
    with pytest.raises(ValueError, match="infinite"):
        analyze_ero([1, 2, 3], {"text_length": [1.0, np.inf, 2.0]})


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, 2.0])
def test_alpha_outside_zero_to_one_is_a_clear_error(alpha: float) -> None:
    with pytest.raises(ValueError, match="alpha"):
        analyze_ero([1, 2], {}, alpha=alpha)


@pytest.mark.parametrize(
    "values",
    [
        [1e308, -1e308, 1e308, -1e308, 0.0, 0.0],
        [1e-300, 0.0, 0.0, 0.0, 0.0, 1e-300],
        [5e-324, 0.0, 0.0, 0.0, 0.0, 0.0],
    ],
)
def test_extreme_magnitudes_neither_overflow_nor_underflow(values: list[float]) -> None:
    with np.errstate(over="raise", invalid="raise"):
        result = analyze_ero([1, 1, 1, 5, 5, 5], {"text_length": values})
    assert result.feature("text_length").satisfaction is not None
    assert_well_formed(result)


def test_values_differing_only_by_rounding_count_as_constant() -> None:
    values = np.full(6, 0.1)
    values[2] = np.nextafter(0.1, 1.0)
    feature = analyze_ero([1, 1, 1, 5, 5, 5], {"text_length": values}).feature("text_length")
    assert feature.satisfaction is None
    assert "rounding" in feature.notes[-1]
