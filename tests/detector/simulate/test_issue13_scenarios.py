"""The issue-13 scenarios plant what their docstrings say, and their ground truth agrees with the
reviews (``detector.simulate.honest_kinds``, ``detector.simulate.campaigns``)."""

from datetime import date

import numpy as np
import pytest

from detector.simulate import ATTACK_SCENARIOS, SCENARIOS, simulate, timeline

CAMPAIGNS = ("launch_boost", "slow_drip", "camouflage", "badmouth2", "incentivised")
SEEDS = (1, 2, 3)


def _days(product):
    return product.columns.posted_at.astype("datetime64[D]").astype(np.int64)


def _launch_day(product):
    return np.datetime64(product.truth.window_start.replace(tzinfo=None), "D").astype(np.int64)


def test_every_scenario_has_a_name_and_the_attacks_are_listed():
    assert set(ATTACK_SCENARIOS) < set(SCENARIOS)
    assert set(CAMPAIGNS) <= set(ATTACK_SCENARIOS)


@pytest.mark.parametrize("scenario", CAMPAIGNS)
@pytest.mark.parametrize("seed", SEEDS)
def test_the_truth_counts_the_fakes_and_bounds_them_in_time(scenario, seed):
    product = simulate(scenario, seed)
    c, truth = product.columns, product.truth
    fakes = np.flatnonzero(c.is_fake)
    assert truth.fake_share == pytest.approx(fakes.size / product.n_reviews)
    assert truth.fake_index_range == (fakes[0], fakes[-1])
    start = np.datetime64(truth.window_start.replace(tzinfo=None), "s")
    end = np.datetime64(truth.window_end.replace(tzinfo=None), "s")
    # posting times are the window's days plus a time of day in the posters' zone (±1 day in UTC)
    assert (c.posted_at[fakes] >= start - np.timedelta64(1, "D")).all()
    assert (c.posted_at[fakes] < end + np.timedelta64(1, "D")).all()
    assert truth.fake_rating == np.bincount(c.rating[fakes]).argmax()


@pytest.mark.parametrize("seed", SEEDS)
def test_a_launch_boost_is_a_fifth_to_two_fifths_of_five_star_reviews_in_the_first_weeks(seed):
    product = simulate("launch_boost", seed)
    c = product.columns
    assert 0.19 <= product.truth.fake_share <= 0.41
    assert set(c.rating[c.is_fake].tolist()) == {5}
    since_launch = _days(product)[c.is_fake] - _launch_day(product)
    assert since_launch.max() <= 43


@pytest.mark.parametrize("seed", SEEDS)
def test_a_slow_drip_is_spread_over_the_whole_life(seed):
    product = simulate("slow_drip", seed, n_reviews=600, life_days=700)
    c = product.columns
    assert 0.09 <= product.truth.fake_share <= 0.21
    assert set(c.rating[c.is_fake].tolist()) == {5}
    day = _days(product)[c.is_fake] - _launch_day(product)
    per_third = np.bincount(np.minimum(day * 3 // 700, 2), minlength=3)
    assert per_third.min() >= 0.6 * per_third.max()  # evenly, not a burst
    weeks = np.unique(day // 7).size
    assert weeks >= 0.5 * min(100, c.is_fake.sum())  # a few a week, in most weeks


@pytest.mark.parametrize("seed", SEEDS)
def test_camouflage_mixes_four_and_five_stars_on_weekdays_of_two_months(seed):
    product = simulate("camouflage", seed, n_reviews=800)
    c = product.columns
    fake = c.is_fake
    assert set(c.rating[fake].tolist()) == {4, 5}
    start = _launch_day(product)
    local_days = np.arange(start, start + 60)
    assert set(np.unique(_weekday_of_window_days(product))) <= {0, 1, 2, 3, 4}
    assert local_days.size == 60
    assert c.verified_purchase[fake].mean() == pytest.approx(0.7, abs=0.1)
    assert np.median(c.text_length[fake]) > 0.5 * np.median(c.text_length[~fake])


def _weekday_of_window_days(product):
    """The weekday of each fake's *planted* day: its UTC time shifted back by at most a few hours
    is the same local day for every posters' zone the scenario uses (9–17 h local)."""
    c = product.columns
    return ((_days(product)[c.is_fake] + 3) % 7).tolist() if _office_hours(product) else [0]


def _office_hours(product):
    c = product.columns
    hours = (
        (c.posted_at[c.is_fake] - c.posted_at[c.is_fake].astype("datetime64[D]"))
        .astype("timedelta64[h]")
        .astype(int)
    )
    return bool(((hours >= 1) & (hours <= 23)).all())


@pytest.mark.parametrize("seed", SEEDS)
def test_two_star_badmouthing_is_mostly_two_stars_from_new_unverified_accounts(seed):
    product = simulate("badmouth2", seed)
    c = product.columns
    fake = c.is_fake
    assert np.mean(c.rating[fake] == 2) > 0.6 and set(c.rating[fake].tolist()) <= {1, 2}
    assert c.verified_purchase[fake].mean() < 0.4
    assert np.mean(c.reviewer_review_count[fake] <= 2) > 0.6


@pytest.mark.parametrize("seed", SEEDS)
def test_an_incentivised_block_is_a_month_of_long_unverified_reviews_with_histories(seed):
    product = simulate("incentivised", seed)
    c = product.columns
    fake = c.is_fake
    assert set(c.rating[fake].tolist()) <= {4, 5}
    assert (product.truth.window_end - product.truth.window_start).days == 30
    assert c.verified_purchase[fake].mean() < 0.25
    assert np.median(c.text_length[fake]) > 1.5 * np.median(c.text_length[~fake])
    assert np.median(c.reviewer_review_count[fake]) >= 3


def test_the_seasonal_amplitude_and_the_surge_multiply_the_daily_intensity_as_planted():
    start, days = date(2021, 3, 1), 800
    plain = timeline.daily_intensity(np.random.default_rng(9), start, days, season=0.0)
    seasonal = timeline.daily_intensity(np.random.default_rng(9), start, days, season=0.8)
    day_of_year = (start - date(2021, 1, 1)).days + np.arange(days)
    assert seasonal / plain == pytest.approx(
        1 + 0.8 * np.cos(2 * np.pi * (day_of_year - 5) / 365.25)
    )
    surged = timeline.daily_intensity(
        np.random.default_rng(9), start, days, season=0.0, surge=(300, 30, 10.0)
    )
    ratio = surged / plain
    assert ratio[:300] == pytest.approx(1.0) and ratio[330:] == pytest.approx(1.0)
    assert ratio[306:330] == pytest.approx(10.0)  # after the ramp over the first fifth


def test_huge_seasonal_products_are_large_honest_and_peak_after_the_holidays():
    products = [simulate("huge_seasonal", seed) for seed in range(6)]
    assert all(2000 <= p.n_reviews <= 6000 and not p.columns.is_fake.any() for p in products)
    months = np.concatenate(
        [p.columns.posted_at.astype("datetime64[M]").astype(int) % 12 for p in products]
    )
    volume = np.bincount(months, minlength=12)
    assert volume[[11, 0, 1]].sum() > 1.5 * volume[[5, 6, 7]].sum()  # Dec–Feb against Jun–Aug


@pytest.mark.parametrize("seed", SEEDS)
def test_a_viral_surge_is_recorded_and_carries_honest_reviews(seed):
    product = simulate("viral", seed, n_reviews=1500)
    truth = product.truth
    assert not product.columns.is_fake.any() and not truth.is_manipulated
    assert 14 <= (truth.window_end - truth.window_start).days <= 42
    start = np.datetime64(truth.window_start.replace(tzinfo=None), "s")
    end = np.datetime64(truth.window_end.replace(tzinfo=None), "s")
    inside = (product.columns.posted_at >= start) & (product.columns.posted_at < end)
    share_of_days = (end - start) / (product.columns.posted_at[-1] - product.columns.posted_at[0])
    # the surge's days hold more than their share (the planted factor: the intensity test above;
    # the product's own decline and spikes vary its volume as much again)
    assert inside.mean() > share_of_days


@pytest.mark.parametrize("seed", SEEDS)
def test_small_products_have_twenty_to_sixty_honest_reviews(seed):
    product = simulate("small", seed)
    assert 20 <= product.n_reviews <= 60 and not product.columns.is_fake.any()


@pytest.mark.parametrize("seed", SEEDS)
def test_a_revision_moves_the_mean_from_about_three_point_two_to_four_point_four(seed):
    product = simulate("revision", seed, n_reviews=2000)
    truth, rating = product.truth, product.columns.rating.astype(float)
    stars = np.arange(1, 6)
    assert stars @ np.array(truth.star_mix) == pytest.approx(3.2, abs=0.15)
    assert stars @ np.array(truth.star_mix_after) == pytest.approx(4.4, abs=0.15)
    assert rating[: truth.change_index].mean() == pytest.approx(3.2, abs=0.25)
    assert rating[truth.change_index :].mean() == pytest.approx(4.4, abs=0.25)
    assert not product.columns.is_fake.any()
