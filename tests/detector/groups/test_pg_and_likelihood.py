"""The variational Pólya-Gamma pieces against independent references: E[ω] against draws of the
``polyagamma`` package; one sweep of the kernel against the update written out in numpy from the
formulas of ``detector.groups.pg_kernel`` (cell by cell, tanh for E[ω]), its log-likelihood
against scipy's log-expit."""

import numpy as np
import pytest
from scipy.special import log_expit

from detector.groups.pg_kernel import pg_weight, stable_order, sweep_mode

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


def _problem(dtype: type, seed: int = 3):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    shape, rank, cells = (3, 4, 6, 5, 6), 3, 60
    offsets = np.concatenate([[0], np.cumsum(shape)[:-1]]).astype(np.int64)
    mean = rng.normal(0, 0.7, (sum(shape), rank))
    precision = rng.uniform(5.0, 200.0, mean.shape)
    coords = np.stack([rng.integers(0, n, cells) for n in shape], axis=1).astype(np.int32)
    label = (rng.random(cells) < 0.4).astype(np.float64)
    return shape, offsets, mean.astype(dtype), precision.astype(dtype), coords, label


def _reference_step(shape, offsets, mean, precision, coords, label, weight, mode, bias, prior, rho,
                    extra_rows, extra_p, extra_l):  # type: ignore[no-untyped-def]  # fmt: skip
    """The step written out from the formulas: E[a²] = E[a]² + 1/Λ, k = Π_{n≠m} ā, E[k²] =
    Π_{n≠m} E[a²], Var ψ = Σ_r (E[a²]E[k²] − ā²k̄²), E[ω] = tanh(ψ̃/2)/(2ψ̃), sums per row."""
    mean, precision = mean.astype(np.float64), precision.astype(np.float64)
    second = mean**2 + 1.0 / precision
    rows = [offsets[n] + coords[:, n].astype(np.int64) for n in range(5)]
    own = rows[mode]
    k = np.prod([mean[rows[n]] for n in range(5) if n != mode], axis=0)
    k2 = np.prod([second[rows[n]] for n in range(5) if n != mode], axis=0)
    psi = bias + (mean[own] * k).sum(axis=1)
    variance = (second[own] * k2 - (mean[own] * k) ** 2).sum(axis=1)
    tilde = np.sqrt(psi**2 + variance)
    omega = np.tanh(tilde / 2) / (2 * tilde)
    kappa = label - 0.5
    stat_p = np.zeros((shape[mode], mean.shape[1]))
    stat_l = np.zeros_like(stat_p)
    np.add.at(stat_p, coords[:, mode], weight * omega[:, None] * k2)
    residual = kappa[:, None] - omega[:, None] * (psi[:, None] - mean[own] * k)
    np.add.at(stat_l, coords[:, mode], weight * k * residual)
    np.add.at(stat_p, extra_rows, extra_p)
    np.add.at(stat_l, extra_rows, extra_l)
    block = slice(offsets[mode], offsets[mode] + shape[mode])
    new_precision = (1 - rho) * precision[block] + rho * (prior + stat_p)
    new_mean = ((1 - rho) * precision[block] * mean[block] + rho * stat_l) / new_precision
    loglik = (weight * np.where(label > 0.5, log_expit(psi), log_expit(-psi))).sum()
    sums = (weight * omega).sum(), (weight * (kappa - omega * (psi - bias))).sum(), loglik
    return new_mean, new_precision, new_mean**2 + 1 / new_precision, sums


@pytest.mark.parametrize(("dtype", "rel"), [(np.float64, 1e-9), (np.float32, 2e-5)])
@pytest.mark.parametrize("mode", [1, 2, 4])
def test_sweep_is_the_natural_gradient_step_written_out(dtype: type, rel: float, mode: int) -> None:
    shape, offsets, mean, precision, coords, label = _problem(dtype)
    weight, bias, rho = 1.7, -0.3, 0.4
    prior = np.array([1.0, 2.0, 4.0])
    extra_rows = np.array([1, 3], dtype=np.int64)  # two rows get extra (label) terms
    extra_p, extra_l = np.full((2, 3), 0.5), np.array([[0.2, -0.1, 0.3], [1.0, 0.0, -2.0]])
    expected = _reference_step(shape, offsets, mean, precision, coords, label, weight, mode, bias,
                               prior, rho, extra_rows, extra_p, extra_l)  # fmt: skip
    order = np.argsort(coords[:, mode], kind="stable")
    second = (mean.astype(np.float64) ** 2 + 1.0 / precision.astype(np.float64)).astype(dtype)
    column_second = np.zeros(3)
    sums = sweep_mode(
        coords[order], label[order], weight, mean, second, precision, offsets, mode, shape[mode],
        bias, prior, rho, extra_rows, extra_p, extra_l, column_second,
    )  # fmt: skip
    block = slice(offsets[mode], offsets[mode] + shape[mode])
    for got, want in zip((mean[block], precision[block], second[block]), expected[:3], strict=True):
        np.testing.assert_allclose(got, want, rtol=rel, atol=rel)
    np.testing.assert_allclose(column_second, expected[2].sum(axis=0), rtol=rel)
    np.testing.assert_allclose(sums, expected[3], rtol=rel)
    others = np.ones(mean.shape[0], dtype=bool)
    others[block] = False
    assert np.array_equal(mean[others], _problem(dtype)[2][others])  # other modes untouched


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_stable_order_is_numpys_stable_argsort(size: int) -> None:
    keys = np.random.default_rng(size).integers(0, size, 5000).astype(np.int32)
    assert np.array_equal(stable_order(keys, size), np.argsort(keys, kind="stable"))
