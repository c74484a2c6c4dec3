"""SENTINEL's base: Bayesian Logistic CP decomposition of the binary review tensor, semi-supervised.

**Model** (Wang et al., "Detection of Review Abuse via Semi-Supervised Binary Multi-Target Tensor
Decomposition", KDD 2019, §3). For a cell c = (seller, reviewer, product, rating, window),
P(x_c = 1) = σ(ψ_c), ψ_c = b + Σ_{r=1..R} Π_{n=1..5} a_{n,c_n,r}. Priors:
a_{n,i,r} ~ N(0, 1/(γ_n τ_r)) with the multiplicative gamma process τ_r = Π_{l≤r} δ_l,
δ_1 ~ Ga(a₁, 1), δ_l ~ Ga(a₂, 1)
(Bhattacharya & Dunson 2011; the variances follow the multiplicative inverse-gamma process, so
higher ranks shrink to zero unless the data need them), and γ_n ~ Ga(1, 1) per mode (an
inverse-gamma hyper-prior on the variances: an adaptive L2).

**Targets** (the multi-target extension). Every (kind, target) of the labels is a logistic
regression on that mode's factor rows: P(abusive_i) = σ(w_t · a_i + c_t) for the labelled
reviewers (or sellers) i, with w_t ~ N(0, I). Each label counts ``LABEL_WEIGHT`` times, so a
handful of confirmed accounts pull the factors of their mode toward a direction the decomposition
then follows through the cells they share with others.

**Inference: variational Pólya-Gamma, stochastic partial natural gradient.** Mean-field Gaussians
on every entry; the Pólya-Gamma augmentation makes every entry's update Gaussian with closed-form
E[ω] = tanh(ψ̃/2)/(2ψ̃) (``detector.groups.pg_kernel``). Why variational and not Gibbs draws from
the ``polyagamma`` package: the fit must be deterministic for a seed and fast at 10⁷ reviews
(a sampler needs many sweeps and gives a different answer per chain), and the natural gradient of
the paper's inference is the variational update itself; the ``polyagamma`` package checks the
E[ω] formula in the tests. Each step takes ONE mode (partial) and a random batch of cells, forms
the target natural parameters (prior + N/|batch| × the batch statistics) and moves the entries'
natural parameters (Λ, h) a step ρ_t = (2 + t)^−0.6 toward them (Hoffman et al. 2013: the
natural gradient of the ELBO in these coordinates); the shrinkage and the targets are refitted
after every cycle over the modes. A step is one pass over its mode's rows with the batch sorted by
row (``pg_kernel.sweep_mode``); E[a], E[a²] and Λ are stored as float32 (the cells' random rows
are most of a step's memory traffic), every sum is float64. At 10⁷ reviews (8.7·10⁶ cells, rank
96) that took the fit from 44.6 to ~15 s of CPU here (``benchmarks/bench_logistic_cp.py``).
The sweep asks for the random rows of its cells a few cells early (``pg_kernel.prefetch``), the
batch is gathered and counting-sorted in one compiled pass (``pg_kernel.sorted_batch``) and the
start's |z|-transpose and E[a²] are compiled passes writing E[a²] into the draws' memory; the
values are those of numpy's formulation to the bit (the tests hold both), and at 10⁷ reviews
the fit took 7.2 instead of 10.0 s of CPU on a quiet machine (``benchmarks/bench_groups.py``
market draw 9; draw 3: 8.7 instead of 12.1 s).

**Zeros.** The tensor has ~10¹³ zero cells. They are represented by ``negatives`` cells per
non-zero, drawn from the product of the reviewer's marginal and the (seller, product, rating,
window) marginal (noise-contrastive sampling; Levy & Goldberg 2014): the logits then measure how
much more often a reviewer meets a product at a rating and time than their activities predict,
so components go to interactions — who reviews what, when, how — and not to popular products.
This differs from the paper, which weights all zeros; uniform zeros at this sparsity make every
sampled zero stand for a million others.

**Labels as seeds.** A target only pulls factor rows that already load on a component; a pool's
next campaign whose co-reviews rank below the marketplace's honest look-alikes has no component
to pull. So confirmed abusive reviewers also start components (``seeds.label_seeds``: the
products two or more of them reviewed in the same grid block), and each such seed is judged as
its neighbourhood too — one alternating step of a rank-1 decomposition on the seed's slice:
every reviewer with two or more of its products in its weeks (``neighbourhood``), split by
sellers when the pool ran campaigns for more than ``max_sellers`` sellers in the same weeks.
The judge decides on the data alone (labels never put anyone in a group).

**Start.** Components start on their seeds (entries 1 there, ``SEED_BACKGROUND`` elsewhere) with
precision ``START_PRECISION``, so E[a²] ≈ ā² and the first steps follow the data, not the
start's variance (with precision 1, E[ψ²] of a seeded cell is 32 and E[ω] a third of its value).

**Groups** are read from large factor entries: for a component, the reviewers and products with
entries ≥ ``ENTRY_SHARE`` × the component's largest, the windows in contiguous runs above that
share; each run is a ``Candidate`` for ``detector.groups.blocks``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

from detector.groups.blocks import Candidate
from detector.groups.events import Label, ReviewEvents
from detector.groups.pg_kernel import (
    cell_table,
    pg_weight,
    second_moments,
    sorted_batch,
    stable_order,
    start_means,
    sweep_mode,
)
from detector.groups.result import GroupParams
from detector.groups.seeds import Seed, label_seeds, seeds
from detector.groups.tensor import ReviewTensor

FloatArray = npt.NDArray[np.float64]
FactorArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
CodeArray = npt.NDArray[np.int32]
FACTOR_DTYPE = np.float32  # E[a], E[a²], Λ stored; every sum is float64 (``pg_kernel``)
LABEL_WEIGHT = 20.0
ENTRY_SHARE = 0.3
SEED_BACKGROUND = 0.01  # scale of the entries outside a component's seed at the start
MAX_SPLIT_SELLERS = 6  # a label seed over more sellers is split into seller sets up to this
START_PRECISION = 100.0  # the start is sure: E[a²] ≈ ā², so the first steps follow the data
_A1, _A2 = 2.0, 3.0  # multiplicative gamma process shapes (a₂ > 1: higher ranks shrink)
_REVIEWER, _SELLER = 1, 0  # modes the labels target

__all__ = ["LogisticCPFit", "logistic_cp", "logistic_cp_candidates"]


@dataclass(frozen=True)
class CodedLabels:
    """Labels as tensor rows: mode, entity row, target index, 1/0."""

    mode: IntArray
    entity: IntArray
    target: IntArray
    abusive: FloatArray
    targets: tuple[tuple[str, str], ...]  # (kind, target) per target index


@dataclass(frozen=True)
class LogisticCPFit:
    """Posterior means and precisions of the factors (one I_n × R array per mode; ``variance``
    is 1/precision, formed when asked: at 10⁷ reviews an array of 0.4 GB), the bias,
    the shrinkage τ_r, the targets' weights ((kind, target) -> R + 1, intercept last) and the
    batch log-likelihood per step (to check convergence)."""

    mean: list[FactorArray]
    precision: list[FactorArray]
    bias: float
    shrinkage: FloatArray
    target_weights: dict[tuple[str, str], FloatArray]
    loglik: list[float]

    @property
    def variance(self) -> list[FactorArray]:
        return [np.reciprocal(p) for p in self.precision]


def code_labels(labels: Sequence[Label], tensor: ReviewTensor, events: ReviewEvents) -> CodedLabels:
    """Labels whose entity is in the tensor, as rows (others cannot shape the factors)."""
    reviewer_index = {label: code for code, label in enumerate(events.reviewer_labels)}
    seller_index = {label: code for code, label in enumerate(events.seller_labels)}
    targets: dict[tuple[str, str], int] = {}
    rows: list[tuple[int, int, int, float]] = []
    for label in labels:
        if label.kind == "reviewer":
            mode, codes, code = _REVIEWER, tensor.reviewer_codes, reviewer_index.get(label.id)
        else:
            mode, codes, code = _SELLER, tensor.seller_codes, seller_index.get(label.id)
        if code is None:
            continue
        row = int(np.searchsorted(codes, code))
        if row >= codes.size or codes[row] != code:
            continue
        index = targets.setdefault((label.kind, label.target), len(targets))
        rows.append((mode, row, index, 1.0 if label.abusive else 0.0))
    array = np.array(rows, dtype=np.float64).reshape(-1, 4)
    return CodedLabels(
        mode=array[:, 0].astype(np.int64),
        entity=array[:, 1].astype(np.int64),
        target=array[:, 2].astype(np.int64),
        abusive=array[:, 3],
        targets=tuple(targets),
    )


class _State:
    """Moments E[a], E[a²] and precision Λ of every entry (stacked over modes; h = Λ E[a] is
    not stored), Σ_i E[a²] per mode and component, and the hyper-parameters."""

    def __init__(
        self, tensor: ReviewTensor, rank: int, rng: np.random.Generator, starts: list[Seed]
    ) -> None:
        self.sizes = np.array(tensor.shape, dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)[:-1]]).astype(np.int64)
        total = int(self.sizes.sum())
        # component-major draws: adding components (labels) leaves the others' start alone
        draws = rng.standard_normal((rank, total), dtype=FACTOR_DTYPE)
        self.mean = np.empty((total, rank), dtype=FACTOR_DTYPE)
        start_means(draws, FACTOR_DTYPE(SEED_BACKGROUND if starts else 1.0), self.mean)
        for component, seed in enumerate(starts[:rank]):
            self._start(tensor, component, seed)
        self.precision = np.full((total, rank), START_PRECISION, dtype=FACTOR_DTYPE)
        # E[a²] = E[a]² + 1/Λ, in the draws' memory (a fresh 0.4 GB costs its page faults)
        self.second = draws.reshape(total, rank)
        second_moments(self.mean, FACTOR_DTYPE(1.0 / START_PRECISION), self.second)
        # Σ_i E[a²] per mode: every step's sweep writes its mode's row before the first refit
        self.column_second = np.zeros((self.sizes.size, rank))
        self.gamma = np.ones(self.sizes.size)
        self.delta = np.ones(rank)
        self.bias = 0.0

    def _start(self, tensor: ReviewTensor, component: int, seed: Seed) -> None:
        """Component ``component`` on the seed's block: entries 1 there (all star levels)."""
        products = np.fromiter(seed.products, dtype=np.int64)
        windows = np.arange(seed.first_window, min(seed.last_window + 1, tensor.shape[4]))
        rows_by_mode = [
            np.unique(tensor.product_seller[products]),
            np.fromiter(seed.reviewers, dtype=np.int64),
            products,
            np.arange(5),
            windows,
        ]
        for mode, rows in enumerate(rows_by_mode):
            self.mean[self.offsets[mode] + rows, component] = 1.0

    @property
    def tau(self) -> FloatArray:
        return np.asarray(np.cumprod(self.delta), dtype=np.float64)

    def rows(self, mode: int) -> slice:
        start = int(self.offsets[mode])
        return slice(start, start + int(self.sizes[mode]))

    def prior_precision(self, mode: int) -> FloatArray:
        return np.asarray(self.gamma[mode] * self.tau, dtype=np.float64)

    def refit_shrinkage(self) -> None:
        """Closed-form updates of γ_n and δ_l (the multiplicative gamma process), in turn, from
        Σ_i E[a²] per mode and component (``column_second``, kept by every step's sweep)."""
        rank = self.delta.size
        per_rank = self.column_second
        for mode in range(self.sizes.size):
            self.gamma[mode] = (1.0 + self.sizes[mode] * rank / 2.0) / (
                1.0 + 0.5 * float((self.tau * per_rank[mode]).sum())
            )
        weighted = (self.gamma[:, None] * per_rank).sum(axis=0)
        entries = float(self.sizes.sum())
        for level in range(rank):
            tau_without = self.tau / self.delta[level]
            shape = (_A1 if level == 0 else _A2) + entries * (rank - level) / 2.0
            rate = 1.0 + 0.5 * float((tau_without[level:] * weighted[level:]).sum())
            self.delta[level] = shape / rate


def _chunks(start: int, stop: int, size: int = 16_384) -> list[slice]:
    """Blocks of rows (bounded temporaries, cache-sized transposes)."""
    return [slice(i, min(i + size, stop)) for i in range(start, stop, size)]


def logistic_cp(
    tensor: ReviewTensor,
    labels: CodedLabels | None = None,
    *,
    rank: int = 16,
    iterations: int = 30,
    batch: int = 200_000,
    negatives: int = 4,
    seed: int = 0,
    starts: list[Seed] | None = None,
) -> LogisticCPFit:
    """Fit the model of the module docstring; ``iterations`` cycles over the five modes."""
    rng = np.random.default_rng([seed, 2])  # the batches: one stream whatever the rank
    starts = seeds(tensor, rank) if starts is None else starts
    if starts:
        rank = len(starts)
    state = _State(tensor, rank, np.random.default_rng([seed, 1]), starts)
    state.bias = -float(np.log(negatives))
    # one row per cell (a batch's gathers), int32: half of int64's memory traffic
    positives = cell_table(tuple(tensor.coordinates()), np.dtype(np.int32))
    n_targets = len(labels.targets) if labels is not None else 0
    target_w = np.zeros((n_targets, rank + 1))
    loglik: list[float] = []
    step = 0
    for cycle in range(iterations):
        for mode in range(len(tensor.shape)):
            coords, label, weight = _batch(
                positives, batch, negatives, rng, mode, int(tensor.shape[mode])
            )
            rho = (2.0 + step) ** -0.6
            loglik.append(_step(state, coords, label, weight, mode, rho, labels, target_w))
            step += 1
        state.refit_shrinkage()
        if labels is not None and n_targets:
            target_w = _refit_targets(state, labels, target_w)
        del cycle
    return LogisticCPFit(
        mean=[state.mean[state.rows(m)] for m in range(len(tensor.shape))],
        precision=[state.precision[state.rows(m)] for m in range(len(tensor.shape))],
        bias=state.bias,
        shrinkage=state.tau.copy(),
        target_weights={t: target_w[i].copy() for i, t in enumerate(labels.targets)}
        if labels is not None
        else {},
        loglik=loglik,
    )


def _batch(
    positives: CodeArray, batch: int, negatives: int, rng: np.random.Generator, mode: int,
    size: int,
) -> tuple[CodeArray, FloatArray, float]:  # fmt: skip
    """Positive cells (all, or a random ``batch/(1+negatives)``) and their noise cells, sorted by
    their ``mode`` row (stable: a row's cells sum in batch order; ``pg_kernel.sorted_batch``),
    with the weight N/|batch| that makes the batch's statistics unbiased for the whole tensor.
    A noise cell is a random cell's (seller, product, rating, window) with another random
    cell's reviewer."""
    nnz = positives.shape[0]
    n_pos = min(nnz, max(1, batch // (1 + negatives)))
    chosen = np.arange(nnz) if n_pos == nnz else rng.integers(0, nnz, n_pos)
    noise = rng.integers(0, nnz, n_pos * negatives)
    noise_reviewer = rng.integers(0, nnz, n_pos * negatives)
    coords, label = sorted_batch(positives, chosen, noise, noise_reviewer, _REVIEWER, mode, size)
    return coords, label, nnz / n_pos


def _step(
    state: _State,
    coords: CodeArray,
    label: FloatArray,
    weight: float,
    mode: int,
    rho: float,
    labels: CodedLabels | None,
    target_w: FloatArray,
) -> float:
    """One partial natural-gradient step on ``mode``'s entries (and the bias): one sweep over the
    mode's rows (``pg_kernel.sweep_mode``) with the batch sorted by its ``mode`` row."""
    rank = state.delta.size
    extra_rows = np.zeros(0, dtype=np.int64)
    extra_precision, extra_linear = np.zeros((0, rank)), np.zeros((0, rank))
    if labels is not None and labels.mode.size:
        extra_rows, extra_precision, extra_linear = _label_statistics(state, labels, target_w, mode)
    bias_precision, bias_linear, loglik = sweep_mode(
        coords, label, weight, state.mean, state.second, state.precision,
        state.offsets, mode, int(state.sizes[mode]), state.bias, state.prior_precision(mode),
        rho, extra_rows, extra_precision, extra_linear, state.column_second[mode],
    )  # fmt: skip
    if bias_precision > 0:
        state.bias = (1 - rho) * state.bias + rho * bias_linear / bias_precision
    return float(loglik)


def _label_statistics(
    state: _State, labels: CodedLabels, target_w: FloatArray, mode: int
) -> tuple[IntArray, FloatArray, FloatArray]:
    """The targets' Pólya-Gamma terms on the labelled rows of ``mode`` (same form as cells):
    the rows (sorted, distinct) and their precision and linear terms, summed per row."""
    rank = state.delta.size
    mine = labels.mode == mode
    if not mine.any():
        return np.zeros(0, dtype=np.int64), np.zeros((0, rank)), np.zeros((0, rank))
    entity, target = labels.entity[mine], labels.target[mine]
    rows = state.mean[state.offsets[mode] + entity].astype(np.float64)
    weights, intercept = target_w[target, :-1], target_w[target, -1]
    psi = intercept + (rows * weights).sum(axis=1)
    omega = np.array([pg_weight(float(v)) for v in psi])
    kappa = labels.abusive[mine] - 0.5
    partial = psi[:, None] - rows * weights
    distinct_rows, at = np.unique(entity, return_inverse=True)
    precision = np.zeros((distinct_rows.size, rank))
    linear = np.zeros((distinct_rows.size, rank))
    np.add.at(precision, at, LABEL_WEIGHT * omega[:, None] * weights**2)
    np.add.at(linear, at, LABEL_WEIGHT * weights * (kappa[:, None] - omega[:, None] * partial))
    return distinct_rows.astype(np.int64), precision, linear


def _refit_targets(state: _State, labels: CodedLabels, target_w: FloatArray) -> FloatArray:
    """Each target's weights by one variational PG step of Bayesian logistic regression on the
    labelled rows' factor means (prior N(0, I)): (Σ ω x xᵀ + I) w = Σ κ x, x = [a_i, 1]."""
    out = target_w.copy()
    rank = state.delta.size
    for index in range(len(labels.targets)):
        mine = labels.target == index
        rows = state.mean[state.offsets[labels.mode[mine]] + labels.entity[mine]].astype(np.float64)
        x = np.hstack([rows, np.ones((rows.shape[0], 1))])
        psi = x @ target_w[index]
        omega = np.array([pg_weight(float(v)) for v in psi]) * LABEL_WEIGHT
        kappa = (labels.abusive[mine] - 0.5) * LABEL_WEIGHT
        matrix = (x * omega[:, None]).T @ x + np.eye(rank + 1)
        out[index] = np.linalg.solve(matrix, x.T @ kappa)
    return out


def logistic_cp_candidates(
    tensor: ReviewTensor, events: ReviewEvents, labels: Sequence[Label], params: GroupParams
) -> list[Candidate]:
    """Fit, then read a candidate block per component and window run (module docstring)."""
    coded = code_labels(labels, tensor, events) if labels else None
    found = seeds(tensor, params.rank + params.extra_seeds)
    starts, beyond = found[: params.rank], found[params.rank :]
    from_labels: list[Seed] = []
    if coded is not None:
        abusive = coded.entity[(coded.mode == _REVIEWER) & (coded.abusive > 0.5)]
        from_labels = label_seeds(tensor, abusive, starts)
        starts = starts + from_labels
    fit = logistic_cp(
        tensor,
        coded,
        rank=params.rank,
        iterations=params.iterations,
        batch=params.batch,
        negatives=params.negatives,
        seed=params.seed,
        starts=starts,
    )
    index = ProductCells(tensor)
    spread = [
        candidate
        for i, seed in enumerate(from_labels)
        for candidate in neighbourhood(tensor, seed, params.max_sellers, f"label:{i}", index)
    ]
    # Seeds past the decomposition's rank: a campaign whose co-reviews rank below the
    # marketplace's honest look-alikes still gets its block proposed (and judged like any other).
    tail = [
        candidate
        for i, seed in enumerate(beyond, start=params.rank)
        for candidate in neighbourhood(tensor, seed, params.max_sellers, f"seed:{i}", index)
    ]
    return candidates_from_fit(fit) + spread + tail


class ProductCells:
    """The tensor's cells grouped by product (one argsort), so a seed's slice costs its
    products' cells and not a pass over every cell of the tensor per seed."""

    def __init__(self, tensor: ReviewTensor) -> None:
        self.order = stable_order(tensor.product, tensor.shape[2])
        counts = np.bincount(tensor.product, minlength=tensor.shape[2])
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def __call__(self, products: IntArray) -> IntArray:
        parts = [self.order[self.offsets[p] : self.offsets[p + 1]] for p in products.tolist()]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def neighbourhood(
    tensor: ReviewTensor, seed: Seed, max_sellers: int, source: str,
    cells_of: ProductCells | None = None,
) -> list[Candidate]:  # fmt: skip
    """The seed's block grown by one alternating step (a rank-1 power step on its slice of the
    tensor): every reviewer with cells on two or more of the seed's products inside its windows;
    the judge then keeps the core (``detector.groups.blocks`` steps 1–2). A pool that ran two
    campaigns in the same weeks gives a seed over both campaigns' sellers, which no group may
    span (``max_sellers``): then one candidate per set of at most ``max_sellers`` of its sellers
    (up to ``MAX_SPLIT_SELLERS`` sellers), each judged on its own."""
    products = np.fromiter(sorted(seed.products), dtype=np.int64)
    last = min(seed.last_window, tensor.shape[4] - 1)
    sellers = np.unique(tensor.product_seller[products])
    if sellers.size <= max_sellers:
        subsets = [sellers]
    elif sellers.size <= MAX_SPLIT_SELLERS:
        subsets = [
            np.array(chosen, dtype=np.int64)
            for size in range(1, max_sellers + 1)
            for chosen in combinations(sellers.tolist(), size)
        ]
    else:
        return []
    cells_of = cells_of or ProductCells(tensor)
    out = []
    for subset in subsets:
        part = products[np.isin(tensor.product_seller[products], subset)]
        if part.size < 2:
            continue
        cells = cells_of(part)
        window = tensor.window[cells]
        inside = cells[(window >= seed.first_window) & (window <= last)]
        key = tensor.reviewer[inside] * np.int64(tensor.shape[2]) + tensor.product[inside]
        reviewers, counts = np.unique(np.unique(key) // tensor.shape[2], return_counts=True)
        out.append(Candidate(reviewers[counts >= 2], part, seed.first_window, last, source))
    return out


def candidates_from_fit(fit: LogisticCPFit) -> list[Candidate]:
    """Large entries of every component whose signs make its block a positive logit: per mode the
    sign s of the component's largest-magnitude side, entries with s·a ≥ ``ENTRY_SHARE`` ×
    max s·a. The factor matrices are read row-major, all components at once (a component's column
    of a million reviewers is a strided pass of cache misses per component)."""
    peaks = [m.max(axis=0) for m in fit.mean]
    troughs = [m.min(axis=0) for m in fit.mean]
    signs = [
        np.where(p >= -t, 1.0, -1.0).astype(m.dtype)
        for p, t, m in zip(peaks, troughs, fit.mean, strict=True)
    ]
    tops = [np.where(s > 0, p, -t) for s, p, t in zip(signs, peaks, troughs, strict=True)]
    rank = fit.shrinkage.size
    reviewers = _large_rows(fit.mean[_REVIEWER], signs[_REVIEWER], tops[_REVIEWER], rank)
    products = _large_rows(fit.mean[2], signs[2], tops[2], rank)
    windows = fit.mean[4] * signs[4] >= ENTRY_SHARE * tops[4]
    blocks = np.prod(np.array(signs, dtype=np.float64), axis=0) > 0
    out = []
    for component in np.flatnonzero(blocks).tolist():  # else it lowers its block's logit
        for first, last in _runs(windows[:, component]):
            out.append(
                Candidate(
                    reviewers[component], products[component], first, last,
                    f"logistic_cp:{component}",
                )
            )  # fmt: skip
    return out


def _large_rows(
    matrix: FactorArray, signs: FactorArray, tops: FactorArray, rank: int
) -> list[IntArray]:
    """Per component, the rows (ascending) with sign · entry ≥ ``ENTRY_SHARE`` × top, from
    blocks of rows (bounded temporaries)."""
    threshold = ENTRY_SHARE * tops
    rows, components = [], []
    for part in _chunks(0, matrix.shape[0], 65_536):
        row, component = np.nonzero(matrix[part] * signs >= threshold)
        rows.append(row + part.start)
        components.append(component)
    row, component = np.concatenate(rows), np.concatenate(components)
    order = stable_order(component, rank)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(component, minlength=rank))])
    grouped = row[order].astype(np.int64)
    return [grouped[bounds[c] : bounds[c + 1]] for c in range(rank)]


def _runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Contiguous runs of True (a gap of one window inside a run is bridged)."""
    marked = np.flatnonzero(mask)
    if marked.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(marked) > 2)
    starts = np.concatenate([[marked[0]], marked[breaks + 1]])
    ends = np.concatenate([marked[breaks], [marked[-1]]])
    return [(int(s), int(e)) for s, e in zip(starts, ends, strict=True)]
