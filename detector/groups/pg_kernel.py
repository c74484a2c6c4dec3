"""Compiled inner loop of the variational Pólya-Gamma Logistic CP (numba).

For the cells of a batch and one mode m, it accumulates the sufficient statistics of the Gaussian
update of every factor entry a_{m,i,r} (mean field: one Gaussian per entry). With ψ_c = b +
Σ_r Π_n a_{n,c_n,r}, the Pólya-Gamma identity (Polson, Scott & Windle 2013)
σ(ψ)^y (1 − σ(ψ))^{1−y} = ½ e^{κψ} E_ω[e^{−ωψ²/2}], κ = y − ½, ω ~ PG(1, 0), makes the
likelihood Gaussian in any one entry given ω; the variational E-step has the closed form
E[ω_c] = tanh(ψ̃_c/2)/(2ψ̃_c) with ψ̃_c² = E[ψ_c²] (the PG(1, ψ̃) mean). With k_{c,r} =
Π_{n≠m} a_{n,c_n,r} the entry's precision and linear terms are

    Λ_{i,r} += w_c ω_c E[k_{c,r}²],   h_{i,r} += w_c k̄_{c,r} (κ_c − ω_c (ψ̄_c − ā_{i,r} k̄_{c,r})),

summed over the batch cells c with c_m = i (E[k²] = Π_{n≠m} E[a²]; entries are independent
under the mean field, so Var ψ_c = Σ_r (E[a²]E[k²] − ā²k̄²) exactly). The bias b gets
Σ w ω and Σ w (κ − ω (ψ̄ − b)).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def pg_weight(psi: float) -> float:
    """E[ω] for ω ~ PG(1, ψ): tanh(ψ/2)/(2ψ), 1/4 at ψ = 0 (its limit)."""
    x = abs(psi)
    if x < 1e-6:
        return 0.25 - x * x / 48.0
    return math.tanh(x / 2.0) / (2.0 * x)


@njit(cache=True)
def compact_statistics(
    coords: np.ndarray,
    local: np.ndarray,
    label: np.ndarray,
    weight: np.ndarray,
    mean: np.ndarray,
    entry_precision: np.ndarray,
    offsets: np.ndarray,
    mode: int,
    bias: float,
    precision: np.ndarray,
    linear: np.ndarray,
) -> tuple[float, float, float]:
    """Add the batch's statistics for ``mode`` to ``precision``/``linear``: cell c's to row
    ``local[c]``, a compact numbering of the mode's rows the batch touches, so a step on a mode
    of millions of rows needs accumulators of the batch's size only.

    ``coords`` is cells × modes, ``mean``/``entry_precision`` hold E[a] and the posterior
    precision of every entry, all modes stacked (mode n's rows start at ``offsets[n]``); E[a²] =
    E[a]² + 1/precision is formed for the batch's cells only (no array of all entries).
    Returns (Σ w ω, Σ w (κ − ω (ψ̄ − b)), the batch's weighted log-likelihood at ψ̄)."""
    n_cells, n_modes = coords.shape
    rank = mean.shape[1]
    k = np.empty(rank)
    k2 = np.empty(rank)
    bias_precision = 0.0
    bias_linear = 0.0
    loglik = 0.0
    for c in range(n_cells):
        row = offsets[mode] + coords[c, mode]
        psi = bias
        variance = 0.0
        for r in range(rank):
            k[r] = 1.0
            k2[r] = 1.0
        for n in range(n_modes):
            if n == mode:
                continue
            other = offsets[n] + coords[c, n]
            for r in range(rank):
                a = mean[other, r]
                k[r] *= a
                k2[r] *= a * a + 1.0 / entry_precision[other, r]
        for r in range(rank):
            a = mean[row, r]
            term = a * k[r]
            psi += term
            variance += (a * a + 1.0 / entry_precision[row, r]) * k2[r] - term * term
        omega = pg_weight(math.sqrt(psi * psi + max(variance, 0.0)))
        kappa = label[c] - 0.5
        w = weight[c]
        at = local[c]
        for r in range(rank):
            precision[at, r] += w * omega * k2[r]
            linear[at, r] += w * k[r] * (kappa - omega * (psi - mean[row, r] * k[r]))
        bias_precision += w * omega
        bias_linear += w * (kappa - omega * (psi - bias))
        # log σ(ψ) for y = 1, log σ(−ψ) for y = 0, computed stably
        signed = psi if label[c] > 0.5 else -psi
        loglik += w * (
            -math.log1p(math.exp(-signed)) if signed > 0 else signed - math.log1p(math.exp(signed))
        )
    return bias_precision, bias_linear, loglik


@njit(cache=True)
def blend_rows(
    precision: np.ndarray,
    linear: np.ndarray,
    mean: np.ndarray,
    start: int,
    size: int,
    prior: np.ndarray,
    slot: np.ndarray,
    batch_precision: np.ndarray,
    batch_linear: np.ndarray,
    rho: float,
) -> None:
    """The natural-gradient move of every entry of one mode (rows ``start..start+size`` of the
    stacked arrays), in place, in one pass: Λ ← (1−ρ)Λ + ρ(prior + P), h ← (1−ρ)h + ρL,
    E[a] = h/Λ, with (P, L) the batch's statistics in row ``slot[i]`` of ``batch_*`` for the rows
    the batch touched (slot −1: P = L = 0). Evaluated as (1−ρ)·Λ + ρ·(prior + P), the same
    operations in the same order as the array expressions it replaces."""
    rank = prior.shape[0]
    keep = 1.0 - rho
    for i in range(size):
        row = start + i
        s = slot[i]
        for r in range(rank):
            p = prior[r] + batch_precision[s, r] if s >= 0 else prior[r] + 0.0
            h = batch_linear[s, r] if s >= 0 else 0.0
            lam = precision[row, r] * keep + rho * p
            lin = linear[row, r] * keep + rho * h
            precision[row, r] = lam
            linear[row, r] = lin
            mean[row, r] = lin / lam
