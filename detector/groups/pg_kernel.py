"""Compiled inner loop of the variational Pólya-Gamma Logistic CP (numba).

For the cells of a batch and one mode m, it accumulates the sufficient statistics of the Gaussian
update of every factor entry a_{m,i,r} (mean field: one Gaussian per entry). With ψ_c = b +
Σ_r Π_n a_{n,c_n,r}, the Pólya-Gamma identity (Polson, Scott & Windle 2013)
σ(ψ)^y (1 − σ(ψ))^{1−y} = ½ e^{κψ} E_ω[e^{−ωψ²/2}], κ = y − ½, ω ~ PG(1, 0), makes the
likelihood Gaussian in any one entry given ω; the variational E-step has the closed form
E[ω_c] = tanh(ψ̃_c/2)/(2ψ̃_c) with ψ̃_c² = E[ψ_c²] (the PG(1, ψ̃) mean). With k_{c,r} =
Π_{n≠m} a_{n,c_n,r} the entry's precision and linear terms are

    Λ_{i,r} += w ω_c E[k_{c,r}²],   h_{i,r} += w k̄_{c,r} (κ_c − ω_c (ψ̄_c − ā_{i,r} k̄_{c,r})),

summed over the batch cells c with c_m = i (E[k²] = Π_{n≠m} E[a²]; entries are independent
under the mean field, so Var ψ_c = Σ_r (E[a²]E[k²] − ā²k̄²) exactly). The bias b gets
Σ w ω and Σ w (κ − ω (ψ̄ − b)).

**One pass per step** (``sweep_mode``): the batch comes sorted by its mode-m row, so a row's
cells are contiguous; a cell reads mode m only at its own row, so row i can take its
natural-gradient move as soon as its cells are summed — the statistics never need accumulators
for the rows a batch touches, the row's entries stay in cache while its cells are summed, and
the move, E[a²] and the shrinkage's Σ_i E[a²] are written in the same pass over the mode.
The factors are stored as E[a] and E[a²] (not the precision's reciprocal), so a cell costs
products and no divisions; they may be float32 (half the memory traffic of the cells' random
rows), the sums are float64.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit, types
from numba.core import cgutils as _cgutils
from numba.extending import intrinsic

cgutils: Any = _cgutils  # numba's code-generation helpers (untyped)
ir: Any = cgutils.ir  # llvmlite's IR builder, as numba uses it
PREFETCH_CELLS = 8  # cells ahead whose rows a sweep asks the memory for (``sweep_mode``)

# reassociation and contraction only (vectorised sums over the rank); no "no NaN/inf" promise
_FAST = {"reassoc", "contract", "nsz", "arcp"}


@njit(cache=True)
def pg_weight(psi: float) -> float:
    """E[ω] for ω ~ PG(1, ψ): tanh(ψ/2)/(2ψ), 1/4 at ψ = 0 (its limit)."""
    x = abs(psi)
    if x < 1e-6:
        return 0.25 - x * x / 48.0
    return math.tanh(x / 2.0) / (2.0 * x)


def _prefetch_typing(
    typingctx: object, array: types.Array, row: types.Integer, column: types.Integer
) -> tuple[object, object]:
    """Ask for the cache line of ``array[row, column]`` (a 2-d array; LLVM's ``prefetch``: a
    read, kept in every cache level): a hint to the memory, with no effect on any value. A
    sweep's cells read random rows of the factors; asked for a few cells early, they arrive
    while the cells before are summed (at 10⁶ reviews a window step's cells took 0.18 s, 0.06 s
    when their rows were in cache, 0.10 s with the prefetch)."""
    del typingctx

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer2(
            context, builder, data=view.data, shape=cgutils.unpack_tuple(builder, view.shape),
            strides=cgutils.unpack_tuple(builder, view.strides), layout=array_type.layout,
            inds=[args[1], args[2]],
        )  # fmt: skip
        byte_pointer = ir.IntType(8).as_pointer()
        int32 = ir.IntType(32)
        function_type = ir.FunctionType(ir.VoidType(), [byte_pointer, int32, int32, int32])
        name = "llvm.prefetch.p0i8"
        function = cgutils.get_or_insert_function(builder.module, function_type, name)
        read, all_levels, data = int32(0), int32(3), int32(1)
        builder.call(function, [builder.bitcast(pointer, byte_pointer), read, all_levels, data])
        return context.get_dummy_value()

    return types.void(array, row, column), codegen


prefetch: Any = intrinsic(_prefetch_typing)  # numba's typing of the call sees the 3 arguments


@njit(cache=True)
def _prefetch_row(array: np.ndarray, row: int) -> None:
    """Every cache line of ``array[row]`` (C order)."""
    width = array.shape[1]
    step = max(1, 64 // array.itemsize)
    for column in range(0, width, step):
        prefetch(array, row, column)
    prefetch(array, row, width - 1)  # the row need not start on a line


@njit(cache=True, fastmath=_FAST)
def sweep_mode(
    coords: np.ndarray,
    label: np.ndarray,
    weight: float,
    mean: np.ndarray,
    second: np.ndarray,
    precision: np.ndarray,
    offsets: np.ndarray,
    mode: int,
    size: int,
    bias: float,
    prior: np.ndarray,
    rho: float,
    extra_rows: np.ndarray,
    extra_precision: np.ndarray,
    extra_linear: np.ndarray,
    column_second: np.ndarray,
) -> tuple[float, float, float]:
    """One partial natural-gradient step on every entry of ``mode``, in place.

    ``coords`` (cells × modes) must be sorted by column ``mode``; every cell has weight
    ``weight`` (N/|batch|) and label 1/0. ``mean``, ``second`` and ``precision`` hold E[a], E[a²]
    and the posterior precision Λ of every entry, all modes stacked (mode n's rows start at
    ``offsets[n]``; mode ``mode`` has ``size`` rows). For each row i of the mode, with (P, L)
    its cells' statistics (module docstring) plus ``extra_*`` at the rows ``extra_rows``
    (sorted; the label targets' terms):
    Λ ← (1−ρ)Λ + ρ(prior + P), h ← (1−ρ)Λ_old E[a] + ρL, E[a] = h/Λ, E[a²] = E[a]² + 1/Λ;
    ``column_second`` gets Σ_i E[a²] per component. Returns (Σ w ω, Σ w (κ − ω (ψ̄ − b)), the
    batch's weighted log-likelihood at ψ̄), for the bias's move and the convergence record."""
    n_cells, n_modes = coords.shape
    rank = mean.shape[1]
    k = np.empty(rank, dtype=mean.dtype)
    k2 = np.empty(rank, dtype=mean.dtype)
    row_precision = np.zeros(rank)
    row_linear = np.zeros(rank)
    column_second[:] = 0.0
    keep = 1.0 - rho
    bias_precision = 0.0
    bias_linear = 0.0
    loglik = 0.0
    c = 0
    e = 0
    for i in range(size):
        row = offsets[mode] + i
        row_precision[:] = 0.0
        row_linear[:] = 0.0
        while c < n_cells and coords[c, mode] == i:
            ahead = c + PREFETCH_CELLS  # its rows in the other modes are random rows
            if ahead < n_cells:
                for n in range(n_modes):
                    if n != mode:
                        _prefetch_row(mean, offsets[n] + coords[ahead, n])
                        _prefetch_row(second, offsets[n] + coords[ahead, n])
            for r in range(rank):
                k[r] = 1.0
                k2[r] = 1.0
            for n in range(n_modes):
                if n == mode:
                    continue
                other = offsets[n] + coords[c, n]
                for r in range(rank):
                    k[r] *= mean[other, r]
                    k2[r] *= second[other, r]
            psi = bias
            variance = 0.0
            for r in range(rank):
                term = mean[row, r] * k[r]
                psi += term
                variance += second[row, r] * k2[r] - term * term
            omega = pg_weight(math.sqrt(psi * psi + max(variance, 0.0)))
            kappa = label[c] - 0.5
            for r in range(rank):
                row_precision[r] += weight * omega * k2[r]
                row_linear[r] += weight * k[r] * (kappa - omega * (psi - mean[row, r] * k[r]))
            bias_precision += weight * omega
            bias_linear += weight * (kappa - omega * (psi - bias))
            # log σ(ψ) for y = 1, log σ(−ψ) for y = 0, computed stably
            signed = psi if label[c] > 0.5 else -psi
            loglik += weight * (
                -math.log1p(math.exp(-signed))
                if signed > 0
                else signed - math.log1p(math.exp(signed))
            )
            c += 1
        while e < extra_rows.size and extra_rows[e] == i:
            for r in range(rank):
                row_precision[r] += extra_precision[e, r]
                row_linear[r] += extra_linear[e, r]
            e += 1
        for r in range(rank):
            old = np.float64(precision[row, r])
            lam = old * keep + rho * (prior[r] + row_precision[r])
            a = (old * mean[row, r] * keep + rho * row_linear[r]) / lam
            s = a * a + 1.0 / lam
            precision[row, r] = lam
            mean[row, r] = a
            second[row, r] = s
            column_second[r] += s
    return bias_precision, bias_linear, loglik


@njit(cache=True)
def sorted_batch(
    positives: np.ndarray,
    chosen: np.ndarray,
    noise: np.ndarray,
    noise_reviewer: np.ndarray,
    reviewer_mode: int,
    mode: int,
    size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """A step's batch, sorted by its ``mode`` row, and its labels: the positive cells
    ``positives[chosen]`` (label 1), then one noise cell per entry of ``noise`` (label 0),
    ``positives[noise]`` with its ``reviewer_mode`` column taken from ``positives[noise_reviewer]``.

    The cells are gathered in that order, then placed by a counting sort on column ``mode``
    (rows 0..size−1), so the result is ``cells[order]``, ``labels[order]`` with ``order`` the
    stable argsort of that column (``stable_order``) — in one pass of writes into the sorted
    batch instead of numpy's gather of the rows, the argsort and a second gather of the rows."""
    n_modes = positives.shape[1]
    n_pos = chosen.size
    n = n_pos + noise.size
    cells = np.empty((n, n_modes), dtype=positives.dtype)
    for j in range(n_pos):  # random rows of the cells: their lines asked for ahead
        if j + PREFETCH_CELLS < n_pos:
            prefetch(positives, chosen[j + PREFETCH_CELLS], 0)
        for d in range(n_modes):
            cells[j, d] = positives[chosen[j], d]
    for j in range(noise.size):
        if j + PREFETCH_CELLS < noise.size:
            prefetch(positives, noise[j + PREFETCH_CELLS], 0)
            prefetch(positives, noise_reviewer[j + PREFETCH_CELLS], reviewer_mode)
        for d in range(n_modes):
            cells[n_pos + j, d] = positives[noise[j], d]
        cells[n_pos + j, reviewer_mode] = positives[noise_reviewer[j], reviewer_mode]
    starts = np.zeros(size + 1, dtype=np.int64)
    for j in range(n):
        starts[cells[j, mode] + 1] += 1
    for i in range(size):
        starts[i + 1] += starts[i]
    out = np.empty_like(cells)
    label = np.empty(n)
    for j in range(n):
        at = starts[cells[j, mode]]
        starts[cells[j, mode]] += 1
        for d in range(n_modes):
            out[at, d] = cells[j, d]
        label[at] = 1.0 if j < n_pos else 0.0
    return out, label


@njit(cache=True)
def cell_table(columns: tuple[np.ndarray, ...], dtype: np.dtype[Any]) -> np.ndarray:
    """The cells' coordinates as one row per cell (cells × modes) in ``dtype`` from one array per
    mode, in one pass (a row is one cache line for a batch's random gathers)."""
    n_modes = len(columns)
    n = columns[0].size
    out = np.empty((n, n_modes), dtype=dtype)
    for d in range(n_modes):
        column = columns[d]
        for i in range(n):
            out[i, d] = column[i]
    return out


@njit(cache=True)
def start_means(draws: np.ndarray, scale: np.float32, mean: np.ndarray) -> None:
    """mean[i, r] = |draws[r, i]| · scale in the draws' precision (``draws`` component-major,
    ``mean`` row-major): numpy's ``np.abs(draws[:, rows].T) * scale`` a block of rows at a
    time, without the strided temporaries (at 10⁷ reviews, 10⁸ entries: ~2 s of CPU there)."""
    rank, total = draws.shape
    for start in range(0, total, 64):
        stop = min(start + 64, total)
        for r in range(rank):
            for i in range(start, stop):
                mean[i, r] = abs(draws[r, i]) * scale


@njit(cache=True)
def second_moments(mean: np.ndarray, variance: np.float32, second: np.ndarray) -> None:
    """E[a²] = E[a]² + variance, entry by entry in the arrays' precision (no fused multiply-add:
    numpy's ``np.square(mean) + variance`` to the bit)."""
    rows, rank = mean.shape
    for i in range(rows):
        for r in range(rank):
            second[i, r] = mean[i, r] * mean[i, r] + variance


@njit(cache=True)
def stable_order(keys: np.ndarray, size: int) -> np.ndarray:
    """The permutation that sorts ``keys`` (integers in 0..size-1) stably, by counting: O(n +
    size), the order ``np.argsort(keys, kind="stable")`` gives (a comparison sort there, as numpy
    radix-sorts only keys of 16 bits or less)."""
    starts = np.zeros(size + 1, dtype=np.int64)
    for key in keys:
        starts[key + 1] += 1
    for i in range(size):
        starts[i + 1] += starts[i]
    order = np.empty(keys.size, dtype=np.int64)
    for index in range(keys.size):
        key = keys[index]
        order[starts[key]] = index
        starts[key] += 1
    return order
