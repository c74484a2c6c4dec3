"""A candidate block refined by a rank-1 decomposition of its slice of the tensor, against the null.

Why: a candidate read from a seed (co-review pairs inside one 12-week grid block) keeps what
co-review counting saw — the products whose pairs reached ``MIN_CO_REVIEWS`` and the reviewers
who co-reviewed such a pair inside the grid block. A campaign whose members each rate only part
of its products (so most product pairs have few co-reviewers) or whose weeks straddle two grid
blocks is seen in part. The decomposition sees the whole block: a member who rated two of the
campaign's products that no seed pair holds still loads on the component through the products
and weeks it shares with the others.

**Slice.** The candidate's windows widened by ``MARGIN`` on both sides, and its products plus
every product its reviewers rated inside those windows; X is the slice's binary tensor over
(reviewer, product, star level, window) (the seller follows from the product).

**Null and residual.** Under the block judge's null (``detector.groups.blocks``, step 3) a review
of product p at level k in window w is by reviewer u with probability d_u / D (d_u: all of u's
reviews, D: all reviews), so E[X_{u,p,k,w}] ≈ d_u · n_{p,k,w} / D, n counting every review of the
marketplace. The residual R = X − E is positive where reviewers meet products at a level and
time more often than their activity and the products' own reviews predict.

**Rank 1.** Non-negative higher-order power iterations (De Lathauwer et al. 2000, HOPM) on R:
for each mode in turn, a ← max(0, R ×_{other modes} (their vectors)), scaled to max 1. The
expectation term is separable — Σ E a_u a_p a_k a_w = (Σ_u d_u a_u / D)(Σ_{p,k,w} n_{p,k,w}
a_p a_k a_w) — so it costs the slice's product × level × window counts, never a dense tensor.
``STEPS`` sweeps from the candidate's own entries (1 on its reviewers, products and windows).

**Reading.** Reviewers and products with entries ≥ ``ENTRY_SHARE`` of the largest, windows in
the longest contiguous run above that share. The block judge then decides, by the
same rule as for every candidate.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from detector.groups.blocks import BlockJudge, Candidate

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MARGIN = 2  # windows added on both sides of the candidate's
STEPS = 4  # power sweeps
ENTRY_SHARE = 0.3
MAX_SLICE_PRODUCTS = 60  # a slice wider than this (a busy reviewer's sale) keeps the candidate's

__all__ = ["refine"]


def refine(judge: BlockJudge, candidate: Candidate) -> Candidate | None:
    """The candidate's block after a rank-1 decomposition of its slice (module docstring), or
    None when the slice is empty."""
    t = judge.tensor
    first = max(0, candidate.first_window - MARGIN)
    last = min(t.shape[4] - 1, candidate.last_window + MARGIN)
    products = _slice_products(judge, candidate, first, last)
    cells = judge.cells_of(products)
    cells = cells[(t.window[cells] >= first) & (t.window[cells] <= last)]
    if cells.size == 0:
        return None
    reviewers, u = np.unique(t.reviewer[cells], return_inverse=True)
    p = np.searchsorted(products, t.product[cells])
    k = t.rating[cells]
    w = t.window[cells] - first
    n_windows = last - first + 1
    counts = _market_counts(judge, products, first, n_windows)  # n_{p,k,w}
    activity = judge.activity[reviewers] / judge.total  # d_u / D
    a_u = np.isin(reviewers, candidate.reviewers).astype(np.float64)
    a_p = np.isin(products, candidate.products).astype(np.float64)
    a_k = np.ones(5)
    a_w = np.zeros(n_windows)
    a_w[candidate.first_window - first : candidate.last_window - first + 1] = 1.0
    for _ in range(STEPS):
        expected_rest = np.einsum("pkw,p,k,w->", counts, a_p, a_k, a_w)
        a_u = _scaled(np.bincount(u, a_p[p] * a_k[k] * a_w[w], reviewers.size)
                      - activity * expected_rest)  # fmt: skip
        weight = float(activity @ a_u)
        a_p = _scaled(np.bincount(p, a_u[u] * a_k[k] * a_w[w], products.size)
                      - weight * np.einsum("pkw,k,w->p", counts, a_k, a_w))  # fmt: skip
        a_w = _scaled(np.bincount(w, a_u[u] * a_p[p] * a_k[k], n_windows)
                      - weight * np.einsum("pkw,p,k->w", counts, a_p, a_k))  # fmt: skip
        a_k = _scaled(np.bincount(k, a_u[u] * a_p[p] * a_w[w], 5)
                      - weight * np.einsum("pkw,p,w->k", counts, a_p, a_w))  # fmt: skip
    if a_u.max() <= 0 or a_p.max() <= 0 or a_w.max() <= 0:
        return None
    start, stop = _longest_run(a_w >= ENTRY_SHARE)
    return Candidate(
        reviewers=reviewers[a_u >= ENTRY_SHARE],
        products=products[a_p >= ENTRY_SHARE],
        first_window=first + start,
        last_window=first + stop,
        source=candidate.source + "+refined",
    )


def _slice_products(judge: BlockJudge, candidate: Candidate, first: int, last: int) -> IntArray:
    """The candidate's products and those its reviewers rated in windows ``first..last``."""
    t = judge.tensor
    own = np.unique(candidate.products)
    theirs = judge.cells_by(np.unique(candidate.reviewers))
    theirs = theirs[(t.window[theirs] >= first) & (t.window[theirs] <= last)]
    wider = np.union1d(own, t.product[theirs])
    return wider if wider.size <= MAX_SLICE_PRODUCTS else own


def _market_counts(judge: BlockJudge, products: IntArray, first: int, n_windows: int) -> FloatArray:
    """n_{p,k,w}: every review of the slice's products by level and window (the null's counts)."""
    out = np.zeros((products.size, 5, n_windows))
    for index, product in enumerate(products.tolist()):
        part = slice(judge.market_offsets[product], judge.market_offsets[product + 1])
        window = judge.market_window[part] - first
        inside = (window >= 0) & (window < n_windows)
        np.add.at(out[index], (judge.market_rating[part][inside], window[inside]), 1.0)
    return out


def _scaled(values: FloatArray) -> FloatArray:
    clipped = np.maximum(values, 0.0)
    peak = float(clipped.max()) if clipped.size else 0.0
    return clipped / peak if peak > 0 else clipped


def _longest_run(mask: npt.NDArray[np.bool_]) -> tuple[int, int]:
    """The longest contiguous run of True (a gap of one window bridged)."""
    marked = np.flatnonzero(mask)
    if marked.size == 0:
        return 0, mask.size - 1
    runs = np.split(marked, np.flatnonzero(np.diff(marked) > 2) + 1)
    longest = max(runs, key=lambda run: run.size)
    return int(longest[0]), int(longest[-1])
