"""The variational Pólya-Gamma pieces against independent references: E[ω] against draws of the
``polyagamma`` package, the kernel's log-likelihood against scipy's log-expit."""

import numpy as np
import pytest
from scipy.special import log_expit

from detector.groups.pg_kernel import compact_statistics, pg_weight

polyagamma = pytest.importorskip("polyagamma")


@pytest.mark.parametrize("z", [0.0, 0.3, 1.0, 2.5, 8.0, -4.0])
def test_pg_weight_is_the_mean_of_polyagamma_draws(z: float) -> None:
    draws = polyagamma.random_polyagamma(1.0, z, size=400_000, random_state=7)
    standard_error = draws.std() / np.sqrt(draws.size)
    assert abs(draws.mean() - pg_weight(z)) < 5 * standard_error


def test_pg_weight_is_the_closed_form() -> None:
    for z in (0.5, 3.0, 20.0):
        assert pg_weight(z) == pytest.approx(np.tanh(z / 2) / (2 * z), rel=1e-12)
    assert pg_weight(0.0) == 0.25


def test_kernel_log_likelihood_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    shape, rank = (3, 4, 5, 5, 6), 3
    offsets = np.concatenate([[0], np.cumsum(shape)[:-1]]).astype(np.int64)
    mean = rng.normal(0, 0.7, (sum(shape), rank))
    entry_precision = np.full_like(mean, 100.0)  # E[a²] = mean² + 0.01
    coords = np.stack([rng.integers(0, n, 50) for n in shape], axis=1).astype(np.int64)
    label = (rng.random(50) < 0.4).astype(np.float64)
    weight = rng.uniform(0.5, 2.0, 50)
    bias = -0.3
    precision = np.zeros((shape[2], rank))
    linear = np.zeros((shape[2], rank))
    local = coords[:, 2].copy()  # the mode's own row numbers: accumulators of its full size
    _, _, loglik = compact_statistics(
        coords, local, label, weight, mean, entry_precision, offsets, 2, bias, precision, linear
    )
    factors = np.ones((50, rank))
    for mode in range(5):
        factors *= mean[offsets[mode] + coords[:, mode]]
    psi = bias + factors.sum(axis=1)
    expected = (weight * np.where(label > 0.5, log_expit(psi), log_expit(-psi))).sum()
    assert loglik == pytest.approx(expected, rel=1e-10)
