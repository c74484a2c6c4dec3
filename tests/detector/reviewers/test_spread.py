import numpy as np
import pytest
from scipy.stats import gamma

from detector.reviewers.spread import MIN_SHAPE, prior_shape, standardised_residual


def _brute_force(reviewer, product, rating, quality, weight, mass, shape):
    """ẽ_r straight from the definitions, one review at a time (no shared sums)."""
    w, m = weight[reviewer], mass[reviewer]
    pooled_num = pooled_den = 0.0
    for i in np.unique(product):
        rows = product == i
        centre = np.dot(w[rows], rating[rows]) / w[rows].sum()
        pooled_num += m[rows].sum()
        pooled_den += np.dot(w[rows], (rating[rows] - centre) ** 2)
    pooled = pooled_num / pooled_den
    out = np.empty(rating.size)
    for k in range(rating.size):
        others = (product == product[k]) & (np.arange(rating.size) != k)
        squares = np.dot(w[others], (rating[others] - quality[k]) ** 2)
        beta = (shape + 0.5 * m[others].sum()) / (shape / pooled + 0.5 * squares)
        out[k] = (rating[k] - quality[k]) * np.sqrt(beta / pooled)
    return out


def test_the_standardised_residual_follows_its_definition():
    rng = np.random.default_rng(3)
    n = 60
    reviewer = rng.integers(0, 15, n)
    product = rng.integers(0, 6, n)
    rating = rng.integers(1, 6, n).astype(float)
    quality = rng.uniform(2, 4, n)
    weight = rng.uniform(0.2, 2.0, 15)
    mass = rng.uniform(0.1, 1.0, 15)
    got = standardised_residual(reviewer, product, rating, quality, weight, mass, 6, shape=2.5)
    want = _brute_force(reviewer, product, rating, quality, weight, mass, 2.5)
    np.testing.assert_allclose(got, want, rtol=1e-10)


def _planted(shape, n_products=400, per=30, seed=0):
    """Products with precisions drawn from Gamma(shape, rate shape), ratings N(x_i, 1/β_i)."""
    rng = np.random.default_rng(seed)
    beta = gamma.rvs(shape, scale=1 / shape, size=n_products, random_state=rng)
    product = np.repeat(np.arange(n_products), per)
    rating = rng.normal(3.0, 1 / np.sqrt(beta[product]))
    centre = np.bincount(product, rating) / per
    squares = np.bincount(product, (rating - centre[product]) ** 2)
    half_n = np.full(n_products, 0.5 * (per - 1))
    return half_n, 0.5 * squares, half_n.sum() / (0.5 * squares.sum())


@pytest.mark.parametrize("planted", [4.0, 12.0])
def test_the_prior_shape_recovers_a_planted_spread_of_spreads(planted):
    fitted = prior_shape(*_planted(planted))
    assert planted / 1.6 < fitted < planted * 1.6


def test_products_that_share_one_spread_get_a_large_shape_and_tiny_ones_the_floor():
    assert prior_shape(*_planted(1e6, per=50)) > 200
    assert prior_shape(*_planted(0.3)) == MIN_SHAPE


def test_a_random_rating_on_a_tight_product_outweighs_an_honest_one_on_a_split_product():
    rng = np.random.default_rng(5)
    tight = rng.normal(3.5, 0.3, 40)  # product 0: everyone agrees
    split = np.concatenate([rng.normal(1.5, 0.3, 20), rng.normal(4.5, 0.3, 20)])  # product 1
    rating = np.clip(np.concatenate([tight, [2.5], split]), 1, 5)
    product = np.array([0] * 41 + [1] * 40)
    reviewer = np.arange(rating.size)
    quality = np.empty(rating.size)
    for i in (0, 1):
        rows = np.flatnonzero(product == i)
        total = rating[rows].sum()
        quality[rows] = (total - rating[rows]) / (rows.size - 1)
    ones = np.ones(rating.size)
    scaled = standardised_residual(reviewer, product, rating, quality, ones, ones, 2)
    raw = rating - quality
    outsider, honest_critic = 40, 41  # −1 star on the tight product; a low mode of the split one
    assert abs(raw[outsider]) < abs(raw[honest_critic])
    assert abs(scaled[outsider]) > 2 * abs(scaled[honest_critic])
