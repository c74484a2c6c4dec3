"""Absolute-scale suspicion: a latent-class (honest / suspect) mixture fitted across the graph.

Percentile ranks (:func:`detector.reviewers.suspicion.calibrated_rank`) put some reviewers of every
graph at the top, so on an honest product its honest critics always look most suspect. Here every
reviewer u instead gets a *posterior probability* of belonging to a suspect class of a latent-class
model fitted by EM on the graph itself (naive Bayes with categorical likelihoods). Classes
c ∈ {H honest, S suspect} (default), or {H, B boosting, D bad-mouthing} (``directional=True``):

    P(c | u) ∝ π_c ℓ_c(u),    ℓ_c(u) = Π_f θ_c,f[bin_f(u)] · Π_{r ∈ u} φ_c[bin(e_r)]
    suspicion(u) = 1 − P(H | u)

- ``e_r = r − x̂^(−u)``: each of u's ratings against the reinforced leave-one-out quality of its
  product, in signed bins (:data:`RESIDUAL_EDGES`). Every review is one factor, so the evidence
  grows with the history: a reviewer who agreed with the crowd on twenty products is not undone by
  one disagreement, while an account with one extreme rating carries only that one rating's ratio.
  The honest residual distribution is learnt, not assumed Gaussian: on real Amazon data honest
  critics of a 5-star product are common, and a categorical table learns that heavy tail.
- ``θ`` per reviewer feature: history length (1, 2, 3–4, 5–9, ≥ 10 reviews), burstiness (0,
  ≤ ½, > ½) where the graph has dates, share of verified purchases (0, between, 1) where it has
  them. Constant features drop out.

Each suspect class's likelihood ratio against the honest class is held monotone (isotonic,
pool-adjacent-violators): for S non-decreasing away from the centre residual bin on both sides;
in every feature in the direction of :data:`DIRECTION` (shorter histories, more bursts, fewer
verified purchases never make a reviewer less suspect).

**Directional classes, tried and not the default.** A campaign pushes one way, while an honest
critic disagrees in both directions, so a class per direction (B's ratio non-decreasing in e, D's
non-increasing) should tell "−2 then −2" from "+2 then −2". On the RGMining synthetic benchmark it
does not: P@57 0.649 either way, AUC 0.937 (one class) against 0.920 (two), because the boosting
class fills with honest reviewers who simply rate above the crowd. Kept as an option; the
benchmark prints both.

EM starts from the rank-based suspicion (its top decile as suspect; with directional classes
split between B and D by the sign of the reviewer's mean residual), keeps Dirichlet(1)
pseudo-counts on every table, π_H in [0.5, 0.999] and each suspect π_c ≥ 0.0005, and checks
that the honest class is the one with the smallest mean |e| (a guard against label switching).
The posterior is a probability: where the model sees no reason for suspicion it says so (most
honest reviewers sit near 0, not at 0.5).

**Cost.** The residuals are fixed during one EM run, so each reviewer is summarised once by its
*pattern*: its count of ratings in each residual bin plus its feature codes. Reviewers with equal
patterns have equal posteriors, so EM runs on the distinct patterns weighted by how many reviewers
share each (exact, not an approximation); at 10⁷ ratings there are a few hundred thousand patterns
at most, and an EM step is a (patterns × bins) matrix product.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RESIDUAL_EDGES = np.array([-2.5, -1.5, -0.75, -0.25, 0.25, 0.75, 1.5, 2.5])
HISTORY_EDGES = np.array([2, 3, 5, 10])
N_BINS = RESIDUAL_EDGES.size + 1
CLASSES = ("honest", "boosting", "bad-mouthing")
#: Per suspect class: +1 its residual likelihood ratio against honest rises with e, −1 it falls.
RESIDUAL_DIRECTION = {1: 1, 2: -1}
#: The direction in which each feature's bins make a reviewer more suspect (+1: later bins more
#: suspect, −1: earlier bins more suspect). The likelihood ratio is held monotone in that direction.
DIRECTION = {"history": -1, "burstiness": 1, "verified": -1}


@dataclass(frozen=True)
class MixtureFit:
    """The fitted model: class priors and likelihood tables (rows: honest first, then the suspect
    class, or boosting and bad-mouthing: :data:`CLASSES`)."""

    class_prior: FloatArray  # (K,)
    residual_table: FloatArray  # (K, N_BINS)
    feature_tables: dict[str, FloatArray] = field(default_factory=dict)  # name -> (K, bins)
    iterations: int = 0
    # per reviewer: log(π_c ℓ_c(u) / π_H ℓ_H(u)) of each suspect class c, (n_reviewers, K − 1)
    log_odds: FloatArray = field(default_factory=lambda: np.zeros((0, 1)), repr=False)

    @property
    def prior_suspect(self) -> float:
        return float(1.0 - self.class_prior[0])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready tables (what an online update needs to score new reviewers)."""
        return {
            "classes": list(CLASSES) if self.class_prior.size == 3 else ["honest", "suspect"],
            "class_prior": self.class_prior.tolist(),
            "prior_suspect": self.prior_suspect,
            "residual_table": self.residual_table.tolist(),
            "feature_tables": {name: t.tolist() for name, t in self.feature_tables.items()},
        }

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> MixtureFit:
        """The inverse of :meth:`to_dict`; also reads fits stored with one suspect class."""
        if "class_prior" in stored:
            prior = np.asarray(stored["class_prior"], dtype=np.float64)
        else:
            pi = float(stored["prior_suspect"])
            prior = np.array([1.0 - pi, pi])
        return cls(
            class_prior=prior,
            residual_table=np.asarray(stored["residual_table"], dtype=np.float64),
            feature_tables={
                name: np.asarray(t, dtype=np.float64)
                for name, t in stored.get("feature_tables", {}).items()
            },
        )


def residual_bins(residual: FloatArray) -> IntArray:
    result: IntArray = np.digitize(residual, RESIDUAL_EDGES).astype(np.int64)
    return result


@njit(cache=True, inline="always")
def residual_bin(residual: float) -> int:
    """One residual's bin, as :func:`residual_bins` (``np.digitize``: the number of edges ≤ e;
    NaN past the last edge), for compiled loops that bin as they go. Counted without branches:
    residuals fall in unpredictable bins, and a search's mispredicted branches cost ten times
    the comparisons."""
    b = 0
    for edge in RESIDUAL_EDGES:
        b += not residual < edge
    return b


def feature_bins(
    reviews: IntArray, burstiness: FloatArray, verified_share: FloatArray, has_dates: bool
) -> dict[str, tuple[IntArray, int]]:
    """Per-reviewer categorical codes and bin counts of the features that carry information."""
    out: dict[str, tuple[IntArray, int]] = {
        "history": (np.digitize(reviews, HISTORY_EDGES).astype(np.int64), HISTORY_EDGES.size + 1)
    }
    if has_dates:
        burst = np.where(burstiness <= 0, 0, np.where(burstiness <= 0.5, 1, 2)).astype(np.int64)
        out["burstiness"] = (burst, 3)
    if not np.isnan(verified_share).all():
        share = np.nan_to_num(verified_share, nan=0.5)
        out["verified"] = (
            np.where(share >= 1, 2, np.where(share <= 0, 0, 1)).astype(np.int64),
            3,
        )
    return {name: (codes, n) for name, (codes, n) in out.items() if np.unique(codes).size > 1}


def isotonic(values: FloatArray, weight: FloatArray) -> FloatArray:
    """Pool-adjacent-violators: the weighted least-squares nondecreasing fit."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for v, w in zip(values.tolist(), weight.tolist(), strict=True):
        blocks.append([v, w, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            total = w1 + w2
            mean = (m1 * w1 + m2 * w2) / total if total > 0 else (m1 + m2) / 2
            blocks.append([mean, total, c1 + c2])
    out = np.concatenate([np.full(int(c), m) for m, _, c in blocks])
    return out


def monotone_ratio(honest: FloatArray, suspect: FloatArray, direction: int) -> FloatArray:
    """The suspect class's table (normalised) whose ratio to ``honest`` is monotone.

    The suspect share n_S/(n_S + n_H) per bin is fitted isotonically (weights n_S + n_H) along
    the bins (reversed for ``direction`` −1); the table is then p_H · odds, renormalised, so its
    likelihood ratio against the honest table is the fitted odds up to a constant.
    """
    total = honest + suspect
    share = suspect / total
    order = np.arange(share.size) if direction > 0 else np.arange(share.size)[::-1]
    fitted = share.copy()
    fitted[order] = isotonic(share[order], total[order])
    fitted = np.clip(fitted, 1e-9, 1 - 1e-9)
    table = honest / honest.sum() * fitted / (1.0 - fitted)
    result: FloatArray = table / table.sum()
    return result


@dataclass(frozen=True)
class Patterns:
    """Reviewers collapsed to distinct (residual-bin counts, feature codes) patterns."""

    counts: FloatArray  # (P, N_BINS): ratings per residual bin
    codes: dict[str, IntArray]  # name -> (P,) feature code
    weight: FloatArray  # (P,) reviewers sharing the pattern
    inverse: IntArray  # (n_reviewers,) pattern of each reviewer
    # the table columns: residual bins 0..N_BINS−1, then each feature's bins (sorted names);
    # cells[p, f] = the column of pattern p's code of feature f
    cells: IntArray
    columns: dict[str, slice]


def reviewer_patterns(
    reviewer: IntArray,
    bins: npt.NDArray[np.integer[Any]],
    n_reviewers: int,
    features: dict[str, tuple[IntArray, int]],
) -> Patterns:
    """Collapse reviewers with equal residual-bin counts and feature codes (exact).

    A reviewer's row is (its ratings per residual bin, its feature codes); the distinct rows are
    found through each row's mixed-radix key (``_pattern_keys``), accumulated straight from the
    ratings, so no reviewers × columns matrix is built (at 958,742 reviewers it was 84 MB, and
    the bin counts it was filled from another 61 MB, in each of the fit's three rounds)."""
    names = sorted(features)
    codes_in = [np.asarray(features[name][0], dtype=np.int64) for name in names]
    unique, inverse, weight = _pattern_rows(reviewer, bins, n_reviewers, codes_in)
    codes = {k: unique[:, N_BINS + j] for j, k in enumerate(names)}
    columns = {"residual": slice(0, N_BINS)}
    cells = np.zeros((unique.shape[0], len(names)), dtype=np.int64)
    at = N_BINS
    for j, name in enumerate(names):
        size = features[name][1]
        cells[:, j] = at + codes[name]
        columns[name] = slice(at, at + size)
        at += size
    return Patterns(
        counts=unique[:, :N_BINS].astype(np.float64),
        codes=codes,
        weight=weight.astype(np.float64),
        inverse=inverse,
        cells=cells,
        columns=columns,
    )


def _pattern_rows(
    reviewer: IntArray,
    bins: npt.NDArray[np.integer[Any]],
    n_reviewers: int,
    codes: list[IntArray],
) -> tuple[IntArray, IntArray, IntArray]:
    """``_unique_rows`` of the matrix [bin counts | codes] (one row per reviewer), without it.

    The key of a row is Σ_j row_j · place_j (mixed radix, place_j = Π_{k>j} span_k, span_j the
    column's largest value + 1) and is linear in the counts, so it is accumulated review by
    review: key_u = Σ_{reviews of u} place[bin] + Σ_f place_f · code_f(u) — the same integers
    the matrix product gave, hence the same distinct rows, inverse and counts. Key spaces past
    2^62 (never met in practice) build the matrix for ``_unique_rows``' np.unique(axis=0)."""
    if n_reviewers == 0:
        width = N_BINS + len(codes)
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros((0, width), dtype=np.int64), empty, empty
    span = np.concatenate(
        [_bin_spans(reviewer, bins, n_reviewers, N_BINS), [int(c.max()) + 1 for c in codes]]
    ).astype(np.int64)
    if float(np.prod(span.astype(np.float64))) >= 2.0**62:
        matrix = np.empty((n_reviewers, N_BINS + len(codes)), dtype=np.int64)
        matrix[:, :N_BINS] = _bin_counts(reviewer, bins, n_reviewers)
        for j, column in enumerate(codes):
            matrix[:, N_BINS + j] = column
        return _unique_rows(matrix)
    place = np.ones(span.size, dtype=np.int64)
    place[:-1] = np.cumprod(span[::-1])[::-1][1:]
    key = _pattern_keys(reviewer, bins, n_reviewers, place[:N_BINS])
    for j, column in enumerate(codes):
        key += column * place[N_BINS + j]
    keys, inverse, weight = _unique_keys(key, int(np.prod(span)))
    unique = (keys[:, None] // place[None, :]) % span[None, :]
    return unique.astype(np.int64), inverse.astype(np.int64), weight.astype(np.int64)


@njit(cache=True)
def _bin_spans(
    reviewer: IntArray, bins: npt.NDArray[np.integer[Any]], n_reviewers: int, n_bins: int
) -> IntArray:
    """(n_bins,): 1 + the most ratings any reviewer has in each residual bin (one bin at a
    time, one reviewers-sized counter)."""
    spans = np.ones(n_bins, dtype=np.int64)
    counts = np.zeros(n_reviewers, dtype=np.int64)
    for b in range(n_bins):
        counts[:] = 0
        top = 0
        for k in range(reviewer.shape[0]):
            if bins[k] == b:
                u = reviewer[k]
                counts[u] += 1
                if counts[u] > top:
                    top = counts[u]
        spans[b] = top + 1
    return spans


@njit(cache=True)
def _pattern_keys(
    reviewer: IntArray, bins: npt.NDArray[np.integer[Any]], n_reviewers: int, place: IntArray
) -> IntArray:
    """(n_reviewers,): Σ over each reviewer's ratings of ``place[bin]``."""
    key = np.zeros(n_reviewers, dtype=np.int64)
    for k in range(reviewer.shape[0]):
        key[reviewer[k]] += place[bins[k]]
    return key


@njit(cache=True)
def _bin_counts(
    reviewer: IntArray, bins: npt.NDArray[np.integer[Any]], n_reviewers: int
) -> IntArray:
    """(reviewers, N_BINS): each reviewer's ratings per residual bin."""
    out = np.zeros((n_reviewers, N_BINS), dtype=np.int64)
    for k in range(reviewer.shape[0]):
        out[reviewer[k], bins[k]] += 1
    return out


def _unique_rows(matrix: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """np.unique(axis=0) by mixed-radix keys where they fit in int64 (much faster), else rows."""
    if matrix.shape[0] == 0:
        return matrix, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    span = matrix.max(axis=0) + 1
    if float(np.prod(span.astype(np.float64))) < 2.0**62:
        # key = Σ_j row_j · Π_{k>j} span_k (mixed radix, one pass over the rows); the distinct
        # rows are the distinct keys' digits
        place = np.ones(span.size, dtype=np.int64)
        place[:-1] = np.cumprod(span[::-1])[::-1][1:]
        key = matrix @ place
        keys, inverse, weight = _unique_keys(key, int(np.prod(span)))
        unique = (keys[:, None] // place[None, :]) % span[None, :]
        return unique.astype(matrix.dtype), inverse.astype(np.int64), weight.astype(np.int64)
    unique, inverse, weight = np.unique(matrix, axis=0, return_inverse=True, return_counts=True)
    return unique, inverse.reshape(-1).astype(np.int64), weight.astype(np.int64)


def _unique_keys(key: IntArray, span: int) -> tuple[IntArray, IntArray, IntArray]:
    """``np.unique(key, return_inverse=True, return_counts=True)`` for keys in [0, span).

    When the key space is no larger than a few times the rows (the usual case: a million
    reviewers share ~90 patterns out of ~8,000 possible keys), one ``bincount`` and a look-up
    table give the same three arrays in O(rows + span) instead of a sort (0.33 -> ~0.02 s per
    call at a million reviewers). Otherwise np.unique (without return_index it may use an
    unstable sort: every row of a group is the same, so the caller scatters all rows)."""
    if span <= max(4 * key.size, 1 << 16):
        counts = np.bincount(key, minlength=span)
        keys = np.flatnonzero(counts)
        lookup = np.zeros(span, dtype=np.int64)
        lookup[keys] = np.arange(keys.size)
        return keys, lookup[key], counts[keys]
    keys, inverse, weight = np.unique(key, return_inverse=True, return_counts=True)
    return keys, inverse, weight


def _log_ratios(
    prior: FloatArray,
    residual_table: FloatArray,
    feature_tables: dict[str, FloatArray],
    patterns: Patterns,
) -> tuple[FloatArray, FloatArray]:
    """(K − 1, columns) log θ_c/θ_H per table column, and (K − 1,) log π_c/π_H."""
    width = N_BINS + sum(t.shape[1] for t in feature_tables.values())
    ratio = np.zeros((prior.size - 1, width))
    ratio[:, patterns.columns["residual"]] = np.log(residual_table[1:]) - np.log(residual_table[0])
    for name, table in feature_tables.items():
        ratio[:, patterns.columns[name]] = np.log(table[1:]) - np.log(table[0])
    return ratio, np.log(prior[1:]) - np.log(prior[0])


def _log_odds(
    prior: FloatArray,
    residual_table: FloatArray,
    feature_tables: dict[str, FloatArray],
    patterns: Patterns,
) -> FloatArray:
    """(P, K − 1): log(π_c ℓ_c / π_H ℓ_H) of every suspect class c against honest,
    = log π_c/π_H + Σ_b counts_b log φ_c[b]/φ_H[b] + Σ_f log θ_c,f/θ_H,f [code_f]."""
    ratio, prior_odds = _log_ratios(prior, residual_table, feature_tables, patterns)
    out: FloatArray = patterns.counts @ ratio[:, :N_BINS].T + prior_odds[None, :]
    for j in range(patterns.cells.shape[1]):
        out += ratio.T[patterns.cells[:, j]]
    return out


def _class_responsibilities(log_odds: FloatArray) -> FloatArray:
    """(rows, K − 1): P(c | u) of each suspect class from the log odds against honest."""
    if log_odds.shape[1] == 1:
        result: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * log_odds))
        return result
    top = np.maximum(log_odds.max(axis=1, keepdims=True), 0.0)
    odds = np.exp(log_odds - top)
    result = odds / (np.exp(-top) + odds.sum(axis=1, keepdims=True))
    return result


def _suspicion(log_odds: FloatArray) -> FloatArray:
    """P(suspect | u) = 1 − P(H | u)."""
    if log_odds.shape[1] == 1:
        result: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * log_odds[:, 0]))
        return result
    result = _class_responsibilities(log_odds).sum(axis=1)
    return result


def fit_mixture(
    reviewer: IntArray,
    residual: FloatArray,
    features: dict[str, tuple[IntArray, int]],
    start: FloatArray,
    *,
    iterations: int = 100,
    tol: float = 1e-6,
    directional: bool = False,
    warm: MixtureFit | None = None,
    bins: npt.NDArray[np.integer[Any]] | None = None,
) -> tuple[FloatArray, MixtureFit]:
    """EM from the initial suspect responsibilities ``start`` (per reviewer); posterior and fit.

    ``directional=True`` splits the suspect class into boosting and bad-mouthing (docstring).
    ``warm``: a fit of the same model on (nearly) the same data, whose tables give the first E
    step instead of ``start`` (the reinforcement rounds of ``reviewer_scores``: fewer steps to
    the same fixed point). ``bins``: :func:`residual_bins` of ``residual`` if already known
    (``ReviewerFeatures.review_bins``).
    """
    n = start.shape[0]
    if bins is None:
        bins = residual_bins(residual)
    patterns = reviewer_patterns(reviewer, bins, n, features)
    k = 3 if directional else 2
    weight = patterns.weight
    if (
        warm is not None
        and warm.class_prior.size == k
        and set(warm.feature_tables) == set(features)
    ):
        resp = _class_responsibilities(
            _log_odds(warm.class_prior, warm.residual_table, warm.feature_tables, patterns)
        )
    else:
        s = np.clip(start, 1e-3, 1 - 1e-3)
        resp_reviewer = s[:, None]
        if directional:
            count = np.maximum(np.bincount(reviewer, minlength=n), 1)
            up = np.where(np.bincount(reviewer, residual, n) / count > 0, 0.9, 0.1)
            resp_reviewer = np.column_stack([s * up, s * (1.0 - up)])
        # start responsibilities per pattern: the mean over its reviewers
        resp = (
            np.column_stack(
                [np.bincount(patterns.inverse, column, weight.size) for column in resp_reviewer.T]
            )
            / np.maximum(weight, 1.0)[:, None]
        )
    resp = np.ascontiguousarray(resp)  # the E step rewrites it in place through flat views
    width = N_BINS + sum(size for _, size in features.values())
    counts = patterns.counts
    column_major = (
        (np.ascontiguousarray(counts.T), np.ascontiguousarray(patterns.cells.T)) if k == 2 else None
    )
    sums, totals, _ = _em_pass(
        counts,
        patterns.cells,
        weight,
        resp,
        np.zeros((k - 1, width)),
        np.zeros(k - 1),
        False,
        column_major,
    )
    residual_table = np.full((k, N_BINS), 1.0 / N_BINS)
    tables: dict[str, FloatArray] = {}
    prior = np.full(k, 1.0 / k)
    done = 0
    for step in range(1, iterations + 1):
        done = step
        residual_table, tables, prior = _m_step(patterns, sums, totals, features, directional)
        ratio, prior_odds = _log_ratios(prior, residual_table, tables, patterns)
        sums, totals, change = _em_pass(
            counts, patterns.cells, weight, resp, ratio, prior_odds, True, column_major
        )
        if change < tol:
            break
    order = _class_order(residual_table)
    if not np.array_equal(order, np.arange(k)):  # label switch: honest is the tightest class
        residual_table, prior = residual_table[order], prior[order]
        tables = {name: t[order] for name, t in tables.items()}
    log_odds = _log_odds(prior, residual_table, tables, patterns)
    fit = MixtureFit(
        class_prior=prior,
        residual_table=residual_table,
        feature_tables=tables,
        iterations=done,
        log_odds=log_odds[patterns.inverse],
    )
    return _suspicion(fit.log_odds), fit


def _m_step(
    patterns: Patterns,
    sums: FloatArray,
    totals: FloatArray,
    features: dict[str, tuple[IntArray, int]],
    directional: bool,
) -> tuple[FloatArray, dict[str, FloatArray], FloatArray]:
    """Tables from the expected counts ``sums`` (K, columns) and class sizes ``totals`` (K,)."""
    k = sums.shape[0]
    sums = sums + 1.0  # Dirichlet(1) pseudo-counts
    counts = sums[:, patterns.columns["residual"]]
    residual_table = np.empty_like(counts)
    residual_table[0] = counts[0] / counts[0].sum()
    for c in range(1, k):
        if directional:
            residual_table[c] = monotone_ratio(counts[0], counts[c], RESIDUAL_DIRECTION[c])
        else:
            residual_table[c] = _v_shaped(counts[0], counts[c])
    tables: dict[str, FloatArray] = {}
    for name in features:
        table = sums[:, patterns.columns[name]]
        fitted = np.empty_like(table)
        fitted[0] = table[0] / table[0].sum()
        for c in range(1, k):
            fitted[c] = monotone_ratio(table[0], table[c], DIRECTION.get(name, 1))
        tables[name] = fitted
    prior = totals / max(float(totals.sum()), 1e-300)
    prior[1:] = np.maximum(prior[1:], 5e-4)
    prior[0] = min(max(prior[0], 0.5), 0.999)
    prior[1:] *= (1.0 - prior[0]) / prior[1:].sum()
    return residual_table, tables, prior


def _em_pass(
    counts: FloatArray,
    cells: IntArray,
    weight: FloatArray,
    resp: FloatArray,
    ratio: FloatArray,
    prior_odds: FloatArray,
    update: bool,
    column_major: tuple[FloatArray, IntArray] | None = None,
) -> tuple[FloatArray, FloatArray, float]:
    """One pass over the patterns: the E step (``update``: responsibilities ``resp`` (P, K − 1)
    rewritten in place from the log ratios) and the expected counts of the next M step.
    ``column_major``: ``counts.T`` and ``cells.T`` made contiguous once for all the passes.

    Returns sums (K, columns): Σ_p mass_pc · [count of column] (row 0 honest), totals (K,):
    Σ_p mass_pc, and the largest change of a responsibility. The E and M halves are two
    compiled loops (each accumulator is summed over the patterns in the same order as one fused
    loop would; split, each loop runs about twice as fast), the one-suspect-class case
    (the default) its own E loop.
    """
    change = 0.0
    if resp.shape[1] == 1:
        # the default, one suspect class: column-major loops over the patterns (the same terms
        # added in the same order; the E step's adds vectorise, the M step's sums run as six
        # independent chains instead of one memory read-modify-write per term)
        counts_t, cells_t = column_major if column_major is not None else (counts.T, cells.T)
        counts_t, cells_t = np.ascontiguousarray(counts_t), np.ascontiguousarray(cells_t)
        flat = resp.reshape(-1)  # a view: written in place
        if update:
            change = _e_step_one(counts_t, cells_t, flat, ratio[0], float(prior_odds[0]))
        sums, totals = _m_sums_one(counts_t, cells_t, weight, flat, ratio.shape[1])
        return sums, totals, change
    if update:
        change = _e_step(counts, cells, resp, ratio, prior_odds)
    sums, totals = _m_sums(counts, cells, weight, resp, ratio.shape[1])
    return sums, totals, change


@njit(cache=True)
def _e_step_one(
    counts_t: FloatArray, cells_t: IntArray, resp: FloatArray, ratio: FloatArray, prior_odds: float
) -> float:
    """The E step with one suspect class: P(S | p) = e^(o − t) / (e^(−t) + e^(o − t)),
    o = log π_S/π_H + Σ_b n_pb ρ_b + Σ_f ρ[cell_pf], t = max(o, 0) (the general loop's terms,
    added in its order), with the one exponential that is not e^0 = 1 taken per pattern.
    ``counts_t`` (bins, P) and ``cells_t`` (features, P) are column-major; ``resp`` (P,)."""
    n_bins, n_patterns = counts_t.shape
    odds = np.full(n_patterns, prior_odds)
    for b in range(n_bins):
        column = counts_t[b]
        r = ratio[b]
        for p in range(n_patterns):
            odds[p] += column[p] * r
    for f in range(cells_t.shape[0]):
        cell = cells_t[f]
        for p in range(n_patterns):
            odds[p] += ratio[cell[p]]
    change = 0.0
    for p in range(n_patterns):
        o = odds[p]
        if o > 0.0:  # t = o: e^(o − t) = 1
            value = 1.0 / (np.exp(-o) + 1.0)
        else:  # t = 0: e^(−t) = 1
            scaled = np.exp(o)
            value = scaled / (1.0 + scaled)
        change = max(change, abs(value - resp[p]))
        resp[p] = value
    return change


@njit(cache=True)
def _m_sums_one(
    counts_t: FloatArray, cells_t: IntArray, weight: FloatArray, resp: FloatArray, width: int
) -> tuple[FloatArray, FloatArray]:
    """:func:`_m_sums` with one suspect class on column-major patterns: every sum still adds its
    terms over the patterns in order, three bins (six sums) per pass."""
    n_bins, n_patterns = counts_t.shape
    suspect = np.empty(n_patterns)
    honest = np.empty(n_patterns)
    total_s = 0.0
    total_h = 0.0
    for p in range(n_patterns):
        w = weight[p]
        mass = w * resp[p]
        suspect[p] = mass
        honest[p] = w - mass
        total_s += mass
        total_h += w - mass
    sums = np.zeros((2, width))
    b = 0
    while b < n_bins:
        if b + 3 <= n_bins:
            c0, c1, c2 = counts_t[b], counts_t[b + 1], counts_t[b + 2]
            s0 = s1 = s2 = h0 = h1 = h2 = 0.0
            for p in range(n_patterns):
                ms, mh = suspect[p], honest[p]
                s0 += ms * c0[p]
                s1 += ms * c1[p]
                s2 += ms * c2[p]
                h0 += mh * c0[p]
                h1 += mh * c1[p]
                h2 += mh * c2[p]
            sums[1, b], sums[1, b + 1], sums[1, b + 2] = s0, s1, s2
            sums[0, b], sums[0, b + 1], sums[0, b + 2] = h0, h1, h2
            b += 3
        else:
            c0 = counts_t[b]
            s0 = h0 = 0.0
            for p in range(n_patterns):
                s0 += suspect[p] * c0[p]
                h0 += honest[p] * c0[p]
            sums[1, b], sums[0, b] = s0, h0
            b += 1
    for f in range(cells_t.shape[0]):
        cell = cells_t[f]
        for p in range(n_patterns):
            sums[1, cell[p]] += suspect[p]
            sums[0, cell[p]] += honest[p]
    totals = np.array([total_h, total_s])
    return sums, totals


@njit(cache=True)
def _e_step(
    counts: FloatArray,
    cells: IntArray,
    resp: FloatArray,
    ratio: FloatArray,
    prior_odds: FloatArray,
) -> float:
    """The E step with K − 1 suspect classes (softmax against the honest class's 0)."""
    n_patterns, n_bins = counts.shape
    n_features = cells.shape[1]
    suspect = resp.shape[1]
    odds = np.empty(suspect)
    change = 0.0
    for p in range(n_patterns):
        for c in range(suspect):
            odds[c] = prior_odds[c]
        for b in range(n_bins):
            n = counts[p, b]
            for c in range(suspect):
                odds[c] += n * ratio[c, b]
        for f in range(n_features):
            column = cells[p, f]
            for c in range(suspect):
                odds[c] += ratio[c, column]
        top = 0.0
        for c in range(suspect):
            top = max(top, odds[c])
        denominator = np.exp(-top)
        for c in range(suspect):
            odds[c] = np.exp(odds[c] - top)
            denominator += odds[c]
        for c in range(suspect):
            value = odds[c] / denominator
            change = max(change, abs(value - resp[p, c]))
            resp[p, c] = value
    return change


@njit(cache=True)
def _m_sums(
    counts: FloatArray, cells: IntArray, weight: FloatArray, resp: FloatArray, width: int
) -> tuple[FloatArray, FloatArray]:
    """Expected counts: class c's mass w_p·P(c | p) (honest: w_p less the suspect masses)
    times each pattern's bin counts and feature cells, summed over the patterns."""
    n_patterns, n_bins = counts.shape
    n_features = cells.shape[1]
    suspect = resp.shape[1]
    sums = np.zeros((suspect + 1, width))
    totals = np.zeros(suspect + 1)
    for p in range(n_patterns):
        w = weight[p]
        honest = w
        for c in range(1, suspect + 1):
            mass = w * resp[p, c - 1]
            honest -= mass
            totals[c] += mass
            row = sums[c]
            for b in range(n_bins):
                row[b] += mass * counts[p, b]
            for f in range(n_features):
                row[cells[p, f]] += mass
        totals[0] += honest
        row = sums[0]
        for b in range(n_bins):
            row[b] += honest * counts[p, b]
        for f in range(n_features):
            row[cells[p, f]] += honest
    return sums, totals


def _v_shaped(honest: FloatArray, suspect: FloatArray) -> FloatArray:
    """One suspect class: its ratio non-decreasing away from the centre bin on both sides."""
    centre = int(np.searchsorted(RESIDUAL_EDGES, 0.0))
    total = honest + suspect
    share = suspect / total
    fitted = share.copy()
    right = np.arange(centre, N_BINS)
    left = np.arange(centre, -1, -1)
    fitted[right] = isotonic(share[right], total[right])
    left_fit = isotonic(share[left], total[left])
    fitted[left[1:]] = left_fit[1:]
    fitted[centre] = min(fitted[centre], left_fit[0])
    fitted = np.clip(fitted, 1e-9, 1 - 1e-9)
    table = honest / honest.sum() * fitted / (1.0 - fitted)
    result: FloatArray = table / table.sum()
    return result


def _class_order(residual_table: FloatArray) -> IntArray:
    """Honest first (smallest mean |e|), then the suspect classes by mean e, upward first."""
    centre = (RESIDUAL_EDGES[1:] + RESIDUAL_EDGES[:-1]) / 2
    value = np.concatenate([[RESIDUAL_EDGES[0] - 0.5], centre, [RESIDUAL_EDGES[-1] + 0.5]])
    spread = residual_table @ np.abs(value)
    honest = int(np.argmin(spread))
    rest = [c for c in range(residual_table.shape[0]) if c != honest]
    rest.sort(key=lambda c: -float(residual_table[c] @ value))
    return np.array([honest, *rest], dtype=np.int64)


def mixture_posterior(
    fit: MixtureFit,
    reviewer: IntArray,
    residual: FloatArray,
    features: dict[str, tuple[IntArray, int]],
    n_reviewers: int,
) -> FloatArray:
    """Per reviewer: P(suspect) under ``fit``'s tables (the E step with the M step held)."""
    bins = residual_bins(residual)
    ratio = np.log(fit.residual_table[1:]) - np.log(fit.residual_table[0])
    prior = fit.class_prior
    log_odds = np.tile(np.log(prior[1:]) - np.log(prior[0]), (n_reviewers, 1))
    for c in range(ratio.shape[0]):
        log_odds[:, c] += np.bincount(reviewer, ratio[c][bins], n_reviewers)
    for name, table in fit.feature_tables.items():
        if name in features:
            log_odds += (np.log(table[1:]) - np.log(table[0])).T[features[name][0]]
    return _suspicion(log_odds)


def mixture_without_review(
    fit: MixtureFit,
    reviewer: IntArray,
    residual: FloatArray,
    bins: npt.NDArray[np.integer[Any]] | None = None,
) -> FloatArray:
    """Per review: P(reviewer suspect) from everything but that review's own residual
    (``bins``: :func:`residual_bins` of ``residual`` if already known)."""
    ratio = (np.log(fit.residual_table[1:]) - np.log(fit.residual_table[0])).T  # (bins, K − 1)
    if bins is None:
        bins = residual_bins(residual)
    if ratio.shape[1] == 1:
        return _without_review_one(
            np.ascontiguousarray(fit.log_odds[:, 0]),
            np.ascontiguousarray(ratio[:, 0]),
            reviewer,
            bins,
        )
    return _suspicion(fit.log_odds[reviewer] - ratio[bins])


@njit(cache=True)
def _without_review_one(
    log_odds: FloatArray,
    ratio: FloatArray,
    reviewer: IntArray,
    bins: npt.NDArray[np.integer[Any]],
) -> FloatArray:
    """:func:`_suspicion` of one suspect class, log odds less the review's own bin, per review
    in one pass (no 10⁷-row temporaries); the logistic as 1/(1 + e^−x), one exponential (a
    third of tanh's cost; the same value to rounding)."""
    out = np.empty(reviewer.shape[0])
    for k in range(reviewer.shape[0]):
        out[k] = 1.0 / (1.0 + np.exp(ratio[bins[k]] - log_odds[reviewer[k]]))
    return out
