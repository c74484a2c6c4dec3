"""Categorical ERO features: one indicator per category, Bonferroni over categories, chi-square."""

import json
from datetime import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from detector.ero import analyze_ero
from detector.ero.sparse_table import pool_sparse
from detector.features import DAY_NAMES, features_from_reviews
from detector.stats.tukey import one_way_anova, tukey_hsd
from detector.words import describe_feature


def shop(seed: int, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """Ratings and posting days with 5-star reviews crowded onto Saturdays."""
    rng = np.random.default_rng(seed)
    ratings = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.12, 0.06, 0.1, 0.22, 0.5])
    days = rng.choice(DAY_NAMES, size=n)
    boosted = (ratings == 5) & (rng.random(n) < 0.3)
    days[boosted] = "Saturday"
    return ratings, days


def test_each_category_is_tested_as_a_zero_one_indicator_by_star_rating() -> None:
    ratings, days = shop(1)
    feature = analyze_ero(ratings, {"day_of_week": days}).feature("day_of_week")
    for category in feature.categories:
        indicator = (days == category.category).astype(float)
        anova = one_way_anova(indicator, ratings)
        assert category.anova.f == pytest.approx(anova.f, rel=1e-10)
        assert category.anova.p == pytest.approx(anova.p, rel=1e-8)
        smallest = min(pair.p_adj for pair in tukey_hsd(indicator, ratings))
        assert category.satisfaction == pytest.approx(smallest, abs=1e-12)


def test_satisfaction_is_the_bonferroni_adjusted_smallest_category_p_value() -> None:
    ratings, days = shop(2)
    feature = analyze_ero(ratings, {"day_of_week": days}).feature("day_of_week")
    assert feature.bonferroni_factor == 7
    smallest = min(category.satisfaction for category in feature.categories)
    assert feature.satisfaction == pytest.approx(min(1.0, 7 * smallest))


def test_the_planted_category_and_star_pair_drive_the_result() -> None:
    ratings, days = shop(3, n=2000)
    feature = analyze_ero(ratings, {"day_of_week": days}).feature("day_of_week")
    assert feature.category == "Saturday"
    assert feature.satisfaction < 1e-6
    pair = feature.driving_pair
    assert pair is not None and 5 in (pair.a, pair.b)
    # The driving category's pairs are its Tukey comparisons of the share of Saturday reviews.
    indicator = (days == "Saturday").astype(float)
    expected = tukey_hsd(indicator, ratings)
    assert [(p.a, p.b) for p in feature.pairs] == [(p.a, p.b) for p in expected]
    np.testing.assert_allclose([p.p_adj for p in feature.pairs], [p.p_adj for p in expected])


def test_a_two_category_feature_tests_one_indicator_without_a_bonferroni_penalty() -> None:
    rng = np.random.default_rng(4)
    ratings = rng.choice([1, 3, 5], size=300)
    verified = rng.random(300) < np.where(ratings == 5, 0.5, 0.9)
    feature = analyze_ero(ratings, {"verified": verified}).feature("verified")
    assert feature.bonferroni_factor == 1 and len(feature.categories) == 1
    assert feature.category is False  # the rarer category is the one described
    expected = min(pair.p_adj for pair in tukey_hsd(verified.astype(float), ratings))
    assert feature.satisfaction == pytest.approx(expected, abs=1e-12)
    assert "unverified" in describe_feature(feature)


def test_chi_square_is_scipys_test_of_independence_without_continuity_correction() -> None:
    ratings, days = shop(5)
    feature = analyze_ero(ratings, {"day_of_week": days}).feature("day_of_week")
    table = np.array(
        [[np.sum((ratings == s) & (days == d)) for d in sorted(DAY_NAMES)] for s in range(1, 6)]
    )
    reference = stats.chi2_contingency(table, correction=False)
    assert feature.chi_square is not None
    assert feature.chi_square.statistic == pytest.approx(reference.statistic)
    assert feature.chi_square.p == pytest.approx(reference.pvalue)
    assert feature.chi_square.dof == 24


def test_missing_categories_are_left_out_of_that_feature_only() -> None:
    ratings, days = shop(6, n=200)
    countries = np.array(["US", "DE", None, "", float("nan")] * 40, dtype=object)
    result = analyze_ero(ratings, {"day_of_week": days, "country": countries})
    assert result.feature("country").reviews == 80
    assert result.feature("day_of_week").reviews == 200
    assert any("120 reviews without" in note for note in result.feature("country").notes)


def test_day_and_hour_come_from_the_posting_time() -> None:
    posted = np.array(
        ["2024-01-01T03:15", "2024-01-06T23:59", "NaT", "2023-12-31T00:00"], dtype="datetime64[m]"
    )
    features = features_from_reviews(posted, has_time=True)
    assert features["day_of_week"].tolist() == ["Monday", "Saturday", "", "Sunday"]
    assert features["hour_of_day"][[0, 1, 3]].tolist() == [3.0, 23.0, 0.0]
    assert np.isnan(features["hour_of_day"][2])
    assert "hour_of_day" not in features_from_reviews(posted)


def test_hour_of_day_categories_are_whole_hours_and_read_as_clock_times() -> None:
    rng = np.random.default_rng(7)
    ratings = rng.choice([1, 5], size=800, p=[0.3, 0.7])
    hours = rng.integers(0, 24, size=800).astype(float)
    hours[(ratings == 5) & (rng.random(800) < 0.4)] = 3.0
    feature = analyze_ero(ratings, {"hour_of_day": hours}).feature("hour_of_day")
    assert feature.category == 3 and isinstance(feature.category, int)
    assert feature.bonferroni_factor == 24
    assert "posted between 03:00 and 03:59" in describe_feature(feature)


def test_a_violated_feature_is_described_in_plain_words() -> None:
    ratings, days = shop(3, n=2000)
    sentence = describe_feature(analyze_ero(ratings, {"day_of_week": days}).feature("day_of_week"))
    assert sentence.startswith(
        "4-star and 5-star reviews differ in how many are posted on a Saturday: "
        "15% of 4-star reviews against 40% of 5-star reviews"
    )
    assert "p < 0.001" in sentence


def test_the_feature_block_is_strict_json_with_the_design_keys() -> None:
    ratings, days = shop(8)
    block = analyze_ero(ratings, {"day_of_week": days}).to_dict()
    text = json.dumps(block, allow_nan=False)
    feature = json.loads(text)["features"][0]
    assert {"name", "satisfaction", "groups", "anova", "pairs"} <= feature.keys()
    assert {"f", "p", "df_between", "df_within"} <= feature["anova"].keys()
    assert {"a", "b", "mean_diff", "p_adj", "reject"} <= feature["pairs"][0].keys()
    assert feature["groups"] == [1, 2, 3, 4, 5]


@settings(max_examples=100, deadline=None)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)))
def test_day_and_hour_agree_with_pythons_calendar(moment: datetime) -> None:
    features = features_from_reviews(np.array([moment], dtype="datetime64[us]"), has_time=True)
    assert features["day_of_week"][0] == moment.strftime("%A")
    assert features["hour_of_day"][0] == moment.hour


def us_shop(seed: int, n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Ratings and countries: nearly all from the United States, a handful from elsewhere."""
    rng = np.random.default_rng(seed)
    ratings = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.07, 0.04, 0.08, 0.21, 0.6])
    countries = np.array(["United States"] * n, dtype=object)
    return ratings, countries


def test_one_review_from_a_rare_country_cannot_make_the_feature_unusual() -> None:
    """The B0DEMO0011 defect: one 1-star review from Japan among ~200 from the United States was
    'fewer than 1 in 278'. Fisher's exact test of that one review against the rest cannot go below
    n_1star/N, so no honest statistic can call it unusual."""
    ratings, countries = us_shop(11)
    one_star = np.flatnonzero(ratings == 1)
    countries[one_star[0]] = "Japan"
    five_star = np.flatnonzero(ratings == 5)[:6]
    countries[five_star] = ["Canada", "Mexico"] * 3  # a few more rare ones, as on the demo product
    feature = analyze_ero(ratings, {"country": countries}).feature("country")
    table = [
        [np.sum((ratings == 1) & (countries == "Japan")), np.sum(ratings == 1) - 1],
        [0, np.sum(ratings != 1)],  # no other Japanese review
    ]
    exact = stats.fisher_exact(table, alternative="greater").pvalue
    assert exact > 0.05  # the independent reference: one review is no evidence
    assert feature.satisfaction is None or feature.satisfaction > 0.05
    assert "Japan" not in {category.category for category in feature.categories}
    assert any("fewer than 5 reviews" in note for note in feature.notes)


def test_rare_categories_are_pooled_into_one_chi_square_column() -> None:
    """Categories under 5 reviews form one column: X² is scipy's on the pooled table."""
    ratings, countries = us_shop(12, n=400)
    rng = np.random.default_rng(12)
    rare = rng.choice(np.flatnonzero(countries == "United States"), size=9, replace=False)
    countries[rare] = ["Japan", "France", "Canada"] * 3  # 3 each: rare, 9 pooled
    common = rng.choice(np.setdiff1d(np.arange(400), rare), size=40, replace=False)
    countries[common] = "Germany"
    feature = analyze_ero(ratings, {"country": countries}).feature("country")
    pooled = np.where(np.isin(countries, ["Japan", "France", "Canada"]), "other", countries)
    labels = sorted(set(pooled))
    table = np.array(
        [[np.sum((ratings == s) & (pooled == c)) for c in labels] for s in range(1, 6)]
    )
    # then star levels / values with few expected reviews pooled (Cochran's rule, sparse_table)
    pooled_table = pool_sparse(table)
    assert stats.contingency.expected_freq(pooled_table).min() >= 1.0
    reference = stats.chi2_contingency(pooled_table, correction=False)
    assert feature.chi_square is not None
    assert feature.chi_square.statistic == pytest.approx(reference.statistic, rel=1e-10)
    assert feature.chi_square.dof == reference.dof
    assert {category.category for category in feature.categories} == {"Germany", "United States"}
    assert feature.bonferroni_factor == 2


def test_pooling_keeps_real_evidence_from_a_category_of_five_or_more() -> None:
    """Five 1-star reviews from one country and none elsewhere are still found (Fisher agrees)."""
    ratings, countries = us_shop(13, n=400)
    countries[np.flatnonzero(ratings == 1)[:6]] = "Japan"
    feature = analyze_ero(ratings, {"country": countries}).feature("country")
    japan = countries == "Japan"
    table = [[6, np.sum(ratings == 1) - 6], [0, np.sum(ratings != 1)]]
    assert stats.fisher_exact(table, alternative="greater").pvalue < 1e-5
    assert feature.category == "Japan"
    assert feature.satisfaction is not None and feature.satisfaction < 1e-3
    assert japan.sum() == 6


def test_a_feature_whose_values_are_all_rare_says_so() -> None:
    ratings = np.array([1, 2, 3, 4, 5, 5, 4, 3])
    countries = np.array(["A", "B", "C", "D", "E", "F", "G", "H"], dtype=object)
    feature = analyze_ero(ratings, {"country": countries}).feature("country")
    assert feature.satisfaction is None
    assert any("fewer than 5 reviews" in note for note in feature.notes)
