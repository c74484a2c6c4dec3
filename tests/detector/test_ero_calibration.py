"""Calibrating ERO features against reference products (detector.ero.calibration)."""

import json

import numpy as np
import pytest

from detector.ero import EROCalibration, analyze_ero, fit_calibration
from detector.ero.results import OmnibusStatistic
from detector.words import ero_reasons

STAR_MIX = [0.1, 0.05, 0.1, 0.2, 0.55]


def honest_product(rng: np.random.Generator, n: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Honest but not ERO-neutral: negative reviews run longer, as in real shops."""
    ratings = rng.choice([1, 2, 3, 4, 5], size=n, p=STAR_MIX)
    length = rng.normal(200.0, 60.0, size=n) + np.where(ratings <= 2, 25.0, 0.0)
    country = rng.choice(["US", "UK", "DE"], size=n, p=[0.6, 0.3, 0.1])
    return ratings, {"text_length": length, "country": country}


def attacked_product(rng: np.random.Generator, n: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """A fifth of the reviews are short 5-star fakes from one country."""
    ratings, features = honest_product(rng, n)
    fake = rng.random(n) < 0.2
    ratings[fake] = 5
    features["text_length"][fake] = rng.normal(60.0, 15.0, size=fake.sum())
    features["country"][fake] = "DE"
    return ratings, features


@pytest.fixture(scope="module")
def calibration() -> EROCalibration:
    rng = np.random.default_rng(2024)
    sizes = np.exp(rng.uniform(np.log(30), np.log(1500), size=80)).astype(int)
    return fit_calibration(honest_product(rng, int(n)) for n in sizes)


def test_the_calibration_round_trips_through_json(calibration: EROCalibration) -> None:
    text = json.dumps(calibration.to_dict(), allow_nan=False)
    assert EROCalibration.from_dict(json.loads(text)) == calibration
    assert calibration.reference_products == 80
    assert calibration.features["text_length"].statistic == "anova_f"
    assert calibration.features["country"].statistic == "chi_square"


def test_a_file_that_is_not_a_calibration_is_refused() -> None:
    with pytest.raises(ValueError, match="not an ERO calibration"):
        EROCalibration.from_dict({"schema": "reviewsec.verdict/1"})


def test_honest_products_of_any_size_get_evenly_spread_calibrated_p_values(
    calibration: EROCalibration,
) -> None:
    rng = np.random.default_rng(7)
    p_values = []
    for n in np.exp(rng.uniform(np.log(40), np.log(4000), size=60)).astype(int):
        ratings, features = honest_product(rng, int(n))
        result = analyze_ero(
            ratings, {"text_length": features["text_length"]}, calibration=calibration
        )
        p_values.append(result.feature("text_length").calibrated_p)
    p_values = np.array(p_values)
    assert np.mean(p_values < 0.1) <= 0.25
    assert np.mean(p_values > 0.5) >= 0.3


def test_big_honest_products_flagged_by_the_raw_test_pass_calibration(
    calibration: EROCalibration,
) -> None:
    rng = np.random.default_rng(11)
    raw, calibrated = [], []
    for _ in range(30):
        ratings, features = honest_product(rng, 5000)
        length = {"text_length": features["text_length"]}
        feature = analyze_ero(ratings, length, calibration=calibration).feature("text_length")
        raw.append(feature.satisfaction)
        calibrated.append(feature.calibrated_p)
    assert np.max(raw) < 1e-6  # the raw Tukey test: honest negative reviews run longer
    assert np.mean(np.array(calibrated) < 0.05) <= 0.15  # but honest products this big all do
    assert np.median(calibrated) > 0.2


def test_an_attack_beyond_every_reference_product_gets_the_smallest_p(
    calibration: EROCalibration,
) -> None:
    ratings, features = attacked_product(np.random.default_rng(12), 800)
    result = analyze_ero(ratings, features, calibration=calibration)
    floor = 1.0 / 81.0
    for name in ("text_length", "country"):
        assert result.feature(name).calibrated_p == pytest.approx(floor, rel=1e-3)
    assert result.satisfaction == pytest.approx(2.0 * floor, rel=1e-3)


def test_product_satisfaction_is_bonferroni_over_the_verdict_features(
    calibration: EROCalibration,
) -> None:
    ratings, features = honest_product(np.random.default_rng(13), 300)
    features["helpful_votes"] = np.random.default_rng(14).poisson(2.0, size=300).astype(float)
    result = analyze_ero(ratings, features, calibration=calibration)
    verdict = result.verdict_features
    assert [f.name for f in verdict] == ["text_length", "country"]
    smallest = min(f.calibrated_p for f in verdict)
    assert result.satisfaction == pytest.approx(min(1.0, 2 * smallest))
    helpful = result.feature("helpful_votes")
    assert not helpful.in_verdict and helpful.calibrated_p is None
    assert any("not calibrated" in note for note in helpful.notes)


def test_features_with_too_few_reference_products_stay_out_of_the_verdict() -> None:
    rng = np.random.default_rng(15)
    calibration = fit_calibration([honest_product(rng, 100) for _ in range(5)], min_reference=20)
    ratings, features = honest_product(rng, 200)
    result = analyze_ero(ratings, features, calibration=calibration)
    assert result.verdict_features == ()
    assert result.satisfaction is None and result.raw_satisfaction is not None


def test_without_a_calibration_the_raw_tests_are_signals_only() -> None:
    ratings, features = attacked_product(np.random.default_rng(16), 500)
    result = analyze_ero(ratings, features)
    assert result.satisfaction is None
    assert result.raw_satisfaction is not None and result.raw_satisfaction < 1e-3
    assert all(not f.in_verdict for f in result.features)
    assert any("No calibration" in note for note in result.notes)
    assert ero_reasons(result)[0].startswith("(Not used for the verdict)")


def test_a_feature_tested_another_way_is_not_calibrated(calibration: EROCalibration) -> None:
    as_numbers = OmnibusStatistic("anova_f", 3.0, 2, 100, 103)
    assert calibration.calibrated_p("country", as_numbers) is None
    assert calibration.calibrated_p("no_such_feature", as_numbers) is None


def test_a_perfect_separation_counts_as_beyond_every_reference(calibration: EROCalibration) -> None:
    infinite = OmnibusStatistic("anova_f", float("inf"), 4, 300, 305)
    assert calibration.calibrated_p("text_length", infinite) == pytest.approx(1.0 / 81.0)


def test_small_products_effects_are_shrunk_toward_the_population_mean(
    calibration: EROCalibration,
) -> None:
    feature = calibration.features["text_length"]
    raw, shrunk = np.array(feature.raw_effects), np.array(feature.effects)
    sizes = np.array(feature.reviews)
    assert np.all(shrunk >= 0.0)
    small, big = sizes < 100, sizes > 800
    moved = np.abs(shrunk - raw)
    assert np.median(moved[small]) > 5 * np.median(moved[big])
    assert np.ptp(shrunk) < np.ptp(raw)


def test_a_reference_population_too_small_for_the_cut_off_is_named() -> None:
    rng = np.random.default_rng(17)
    calibration = fit_calibration([honest_product(rng, 150) for _ in range(12)], min_reference=10)
    ratings, features = honest_product(rng, 200)
    result = analyze_ero(ratings, features, calibration=calibration)
    assert any("cannot fall below 0.15" in note for note in result.notes)
