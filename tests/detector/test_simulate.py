"""detector.simulate: reproducible products whose planted truth the tests can check.

Checks count from the ground-truth columns (``is_fake``) and derive windows and change points from
the parameters the test passed, never from what the scenario reports about itself alone.
"""

import re
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from detector.simulate import (
    HONEST_STAR_MIX,
    SCENARIOS,
    attack,
    iter_population,
    population,
    scenario_counts,
    simulate,
)


@pytest.fixture(scope="module")
def honest_products():
    return population(60, seed=11, mix={"honest": 1})


def _posted_day(column: np.ndarray) -> np.ndarray:
    return column.astype("datetime64[D]")


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_same_seed_gives_identical_products(scenario):
    first, second = simulate(scenario, seed=5), simulate(scenario, seed=5)
    assert first == second
    assert first.reviews == second.reviews


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_different_seeds_give_different_products(scenario):
    first, second = simulate(scenario, seed=5), simulate(scenario, seed=6)
    assert first.asin != second.asin
    assert first.columns != second.columns


def test_population_is_reproducible_and_streams_the_same_products():
    streamed = list(iter_population(12, seed=3))
    assert streamed == population(12, seed=3)
    assert streamed != population(12, seed=4)


def test_population_has_the_requested_scenario_counts():
    mix = {"honest": 0.5, "boost": 0.25, "badmouth": 0.25}
    scenarios = [product.scenario for product in population(10, seed=1, mix=mix)]
    assert {name: scenarios.count(name) for name in mix} == scenario_counts(10, mix)
    assert sum(scenario_counts(10, mix).values()) == 10


def test_population_review_counts_can_be_set_for_large_benchmarks():
    products = population(30, seed=1, review_counts=(20, 40))
    for product in products:
        low = 1 if product.scenario == "tiny" else 20
        assert low <= product.n_reviews <= 40


def test_honest_star_mix_is_j_shaped_on_average(honest_products):
    ratings = np.concatenate([product.columns.rating for product in honest_products])
    share = np.bincount(ratings, minlength=6)[1:] / ratings.size
    assert share[4] > 0.5
    assert share[4] > share[3] > share[2]
    assert share[0] > share[1]
    assert np.allclose(share, HONEST_STAR_MIX, atol=0.04)


def test_honest_products_differ_in_their_star_mix(honest_products):
    means = [product.columns.rating.mean() for product in honest_products]
    assert np.std(means) > 0.1


def test_honest_ratings_do_not_drift(honest_products):
    drifts = []
    for product in honest_products:
        ratings = product.columns.rating.astype(float)
        half = ratings.size // 2
        drifts.append(ratings[half:].mean() - ratings[:half].mean())
    assert abs(np.mean(drifts)) < 0.1


def test_honest_daily_volume_is_uneven_over_one_to_three_years(honest_products):
    dispersion = []
    for product in honest_products:
        days = _posted_day(product.columns.posted_at)
        assert 200 <= (days[-1] - days[0]).astype(int) <= 1100
        weekly = np.bincount((days - days[0]).astype(int) // 7)
        dispersion.append(weekly.var() / weekly.mean())
    # bursty (launch, spikes, drift), not a steady Poisson trickle whose ratio would be 1
    assert np.median(dispersion) > 3
    assert np.mean(np.array(dispersion) > 1.5) > 0.9


def test_honest_reviews_are_posted_at_realistic_times_of_day(honest_products):
    hours = np.concatenate(
        [
            product.columns.posted_at.astype("datetime64[h]").astype(int) % 24
            for product in honest_products
        ]
    )
    us_evening = np.isin(hours, [0, 1, 2, 3]).sum()  # 7–11 pm Eastern
    us_small_hours = np.isin(hours, [8, 9, 10, 11]).sum()  # 3–7 am Eastern
    assert us_small_hours < us_evening / 2
    assert len(set(hours.tolist())) == 24


def test_honest_reviews_have_honest_fingerprints(honest_products):
    columns = [product.columns for product in honest_products]
    ratings = np.concatenate([c.rating for c in columns])
    verified = np.concatenate([c.verified_purchase for c in columns])
    helpful = np.concatenate([c.helpful_votes for c in columns])
    countries = np.concatenate([c.country for c in columns])
    review_counts = np.concatenate([c.reviewer_review_count for c in columns])
    critical, happy = ratings <= 2, ratings >= 4
    assert 0.8 < verified.mean() < 0.95
    assert helpful[critical].mean() > 1.5 * helpful[happy].mean()
    assert np.mean(helpful == 0) > 0.4 and helpful.max() >= 20  # most get none, a few many
    assert np.mean(countries == "United States") > 0.85
    assert review_counts.min() >= 1
    assert review_counts.max() > 50 * np.median(review_counts)
    assert not any(c.is_fake.any() for c in columns)


def test_critical_genuine_reviews_are_somewhat_longer(honest_products):
    ratings = np.concatenate([product.columns.rating for product in honest_products])
    lengths = np.concatenate([product.columns.text_length for product in honest_products])
    one_star, five_star = lengths[ratings == 1].mean(), lengths[ratings == 5].mean()
    assert 1.2 * five_star < one_star < 3 * five_star


@pytest.mark.parametrize(
    ("scenario", "star", "share"),
    [("boost", 5, 0.15), ("boost", 5, 0.3), ("badmouth", 1, 0.2), ("badmouth", 1, 0.25)],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_attacks_plant_the_fake_share_inside_the_window_with_one_star_level(
    scenario, star, share, seed
):
    launch, attack_start, window_days, n = date(2020, 3, 1), date(2020, 11, 9), 6, 400
    product = simulate(
        scenario, seed=seed, fake_share=share, window_days=window_days,
        attack_start=attack_start, start=launch, life_days=700, n_reviews=n,
    )  # fmt: skip
    c = product.columns
    assert product.n_reviews == n
    assert c.is_fake.sum() == round(share * n)
    assert set(c.rating[c.is_fake].tolist()) == {star}
    window_start = np.datetime64(attack_start, "s")
    window_end = np.datetime64(attack_start + timedelta(days=window_days), "s")
    fake_times = c.posted_at[c.is_fake]
    assert (fake_times >= window_start).all() and (fake_times < window_end).all()
    truth = product.truth
    assert truth.fake_share == pytest.approx(share, abs=1 / n)
    assert truth.fake_rating == star
    assert truth.window_start == datetime(2020, 11, 9, tzinfo=UTC)
    assert truth.window_end == datetime(2020, 11, 15, tzinfo=UTC)
    fake_positions = np.flatnonzero(c.is_fake)
    assert truth.fake_index_range == (fake_positions[0], fake_positions[-1])


@pytest.mark.parametrize("scenario", ["boost", "badmouth"])
def test_fake_reviews_carry_campaign_fingerprints(scenario):
    for seed in range(4):
        c = simulate(scenario, seed=seed, fake_share=0.25, n_reviews=500).columns
        fake, genuine = c.is_fake, ~c.is_fake
        star = c.rating[fake][0]
        same_star = genuine & (c.rating == star)
        assert c.text_length[fake].mean() < 0.5 * c.text_length[same_star].mean()
        assert c.verified_purchase[fake].mean() < 0.45 < c.verified_purchase[genuine].mean()
        assert c.reviewer_review_count[fake].max() <= 3
        assert c.helpful_votes[fake].mean() < c.helpful_votes[genuine].mean()
        days = np.unique(_posted_day(c.posted_at[fake]), return_counts=True)[1]
        assert np.sort(days)[::-1][:4].sum() >= 0.75 * fake.sum()  # a few campaign days
        hours = c.posted_at[fake].astype("datetime64[h]").astype(int) % 24
        top_hours = np.sort(np.bincount(hours, minlength=24))[::-1]
        assert top_hours[:6].sum() >= 0.8 * fake.sum()  # around one or two clock hours


def test_attack_window_is_short_and_inside_the_products_life():
    for seed in range(10):
        product = simulate("boost", seed=seed)
        truth = product.truth
        assert timedelta(days=3) <= truth.window_end - truth.window_start <= timedelta(days=10)
        first = product.columns.posted_at[0].astype(datetime).replace(tzinfo=UTC)
        assert truth.window_start > first


@pytest.mark.parametrize("seed", range(5))
def test_genuine_change_shifts_the_mean_after_the_change_point(seed):
    n, fraction = 400, 0.4
    down = simulate("genuine_change", seed=seed, n_reviews=n, change_fraction=fraction)
    up = simulate(
        "genuine_change", seed=seed, n_reviews=n, change_fraction=fraction, direction="up"
    )
    change = round(fraction * n)
    stars = np.arange(1, 6)
    for product, sign in ((down, -1), (up, 1)):
        ratings = product.columns.rating.astype(float)
        observed = ratings[change:].mean() - ratings[:change].mean()
        planted = stars @ product.truth.star_mix_after - stars @ product.truth.star_mix
        assert sign * planted >= 0.5
        assert sign * observed > 0.2
        assert observed == pytest.approx(planted, abs=0.5)
        assert product.truth.change_index == change
        assert product.truth.change_at == product.reviews[change].posted_at
        assert not product.columns.is_fake.any()


def test_genuine_change_keeps_honest_fingerprints():
    c = simulate("genuine_change", seed=8, n_reviews=600, severity=1.0).columns
    after = np.arange(len(c)) >= 300
    for part in (after, ~after):
        assert c.verified_purchase[part].mean() > 0.75
        assert c.reviewer_review_count[part].max() > 20


@pytest.mark.parametrize("seed", range(20))
def test_tiny_products_have_fewer_than_20_reviews(seed):
    assert 1 <= simulate("tiny", seed=seed).n_reviews < 20


def test_ids_are_unique_and_amazon_shaped():
    products = population(40, seed=2)
    review_ids = np.concatenate([product.columns.review_id for product in products])
    user_ids = np.concatenate([product.columns.user_id for product in products])
    assert len(set(review_ids.tolist())) == review_ids.size
    assert len(set(user_ids.tolist())) == user_ids.size
    assert len({product.asin for product in products}) == len(products)
    assert all(re.fullmatch(r"R[0-9A-Z]{13}", review_id) for review_id in review_ids.tolist())
    assert all(re.fullmatch(r"AE[0-9A-Z]{26}", user_id) for user_id in user_ids.tolist())
    for product in products:
        assert re.fullmatch(r"B0[0-9A-Z]{8}", product.asin)
        assert re.fullmatch(r"B0[0-9A-Z]{8}", product.parent_asin)


def test_reviews_are_in_arrival_order_with_utc_times():
    product = simulate("boost", seed=4)
    assert (np.diff(product.columns.posted_at.astype(np.int64)) >= 0).all()
    review = product.reviews[0]
    assert review.posted_at.tzinfo is UTC
    assert (review.asin, review.parent_asin) == (product.asin, product.parent_asin)
    assert review.variant in product.variants


def test_to_arrays_gives_the_detector_contract():
    product = simulate("badmouth", seed=9)
    arrays = product.to_arrays()
    assert set(arrays) == {
        "rating", "posted_at", "text_length", "country", "verified", "helpful_votes",
        "reviewer_review_count",
    }  # fmt: skip
    assert all(len(column) == product.n_reviews for column in arrays.values())
    assert arrays["rating"].dtype.kind == "i" and set(np.unique(arrays["rating"])) <= {
        1,
        2,
        3,
        4,
        5,
    }
    assert arrays["posted_at"].dtype == np.dtype("datetime64[s]")
    assert arrays["verified"].dtype == bool
    assert arrays["text_length"].tolist() == [len(review.text) for review in product.reviews]


def test_columns_are_read_only():
    with pytest.raises(ValueError, match="read-only"):
        simulate("honest", seed=1).columns.rating[0] = 3


@pytest.mark.parametrize(
    ("scenario", "params"),
    [
        ("boost", {"fake_share": 0.0}),
        ("badmouth", {"fake_share": 1.0}),
        ("boost", {"attack_start": date(2030, 1, 1), "start": date(2020, 1, 1)}),
        ("boost", {"window_days": 0}),
        ("honest", {"star_mix": [0.5, 0.5]}),
        ("honest", {"n_reviews": 0}),
        ("tiny", {"n_reviews": 20}),
        ("genuine_change", {"direction": "sideways"}),
        ("astroturf", {}),
    ],
)
def test_impossible_parameters_are_refused_with_a_message(scenario, params):
    with pytest.raises(ValueError, match=r"\w+"):
        simulate(scenario, seed=1, **params)


def test_campaigns_only_post_one_or_five_stars():
    with pytest.raises(ValueError, match="1-star or 5-star"):
        attack(1, scenario="meh", rating=3, fake_share=0.2)


def test_options_left_as_none_are_drawn_and_unknown_ones_refused():
    assert simulate("honest", seed=1, n_reviews=None) == simulate("honest", seed=1)
    with pytest.raises(TypeError, match="colour"):
        simulate("honest", seed=1, colour="red")
