"""Stage 2: weighted probabilistic matrix factorisation by alternating least squares.

    r_ui ~ N(μ + b_u + c_i + U_u·V_i, 1/(τ w_ui)),   U_u, V_i ~ N(0, I/λ),  b, c ~ N(0, 1/λ_b)

Each rating's quality weight w_ui (stage 1, :mod:`detector.reviewers.quality`) scales its
precision; w ≡ 1 is vanilla PMF (with biases). MAP by ALS: given V (and c), every reviewer's
(b_u, U_u) is one (k + 1)-dimensional ridge solve,

    [b_u, U_u] = (Σ_i w_ui ṽ_i ṽ_iᵀ + Λ)⁻¹ Σ_i w_ui (r_ui − μ − c_i) ṽ_i,   ṽ_i = [1, V_i]

and symmetrically for products; all rows' normal equations are accumulated with bincounts over
the ratings (k² + k sums, memory linear in the ratings) and solved at once by a batched
``numpy.linalg.solve``. μ is the weighted mean rating. :func:`pmf_residuals` gives r − r̂ per
rating: a rating far from what the reviewer's and product's other ratings predict is evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detector.reviewers.graph import ReviewGraph

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PMFFit:
    mean: float
    reviewer_bias: FloatArray
    product_bias: FloatArray
    reviewer_factors: FloatArray  # (n_reviewers, k)
    product_factors: FloatArray  # (n_products, k)
    sweeps: int

    def predict(self, reviewer: IntArray, product: IntArray) -> FloatArray:
        """r̂ for code pairs (codes of the graph it was fitted on), clipped to [1, 5]."""
        raw = (
            self.mean
            + self.reviewer_bias[reviewer]
            + self.product_bias[product]
            + np.einsum("ij,ij->i", self.reviewer_factors[reviewer], self.product_factors[product])
        )
        result: FloatArray = np.clip(raw, 1.0, 5.0)
        return result


def pmf_fit(
    graph: ReviewGraph,
    weight: FloatArray | None = None,
    *,
    rank: int = 5,
    regularization: float = 5.0,
    bias_regularization: float = 2.0,
    sweeps: int = 20,
    seed: int = 0,
    rows: IntArray | None = None,
) -> PMFFit:
    """Weighted PMF on ``graph`` (or on its ``rows`` only: a training split keeps the codes)."""
    index = np.arange(graph.n_reviews, dtype=np.int64) if rows is None else rows
    u, i, r = graph.reviewer[index], graph.product[index], graph.rating[index]
    w = np.ones(index.shape[0]) if weight is None else np.asarray(weight, np.float64)[index]
    mu = float(np.dot(w, r) / w.sum()) if w.size else 3.0
    rng = np.random.default_rng(seed)
    users = np.zeros((graph.n_reviewers, rank + 1))
    items = np.zeros((graph.n_products, rank + 1))
    users[:, 1:] = 0.1 * rng.standard_normal((graph.n_reviewers, rank))
    items[:, 1:] = 0.1 * rng.standard_normal((graph.n_products, rank))
    penalty = np.diag([bias_regularization] + [regularization] * rank)
    for _ in range(sweeps):
        # reviewers: regressors [1, V_i], offset μ + c_i
        users = _solve_rows(
            u, i, r - mu - items[:, 0][i], w, items[:, 1:], graph.n_reviewers, penalty
        )
        items = _solve_rows(
            i, u, r - mu - users[:, 0][u], w, users[:, 1:], graph.n_products, penalty
        )
    return PMFFit(
        mean=mu,
        reviewer_bias=users[:, 0].copy(),
        product_bias=items[:, 0].copy(),
        reviewer_factors=users[:, 1:].copy(),
        product_factors=items[:, 1:].copy(),
        sweeps=sweeps,
    )


def pmf_residuals(fit: PMFFit, graph: ReviewGraph) -> FloatArray:
    """Per rating: r − r̂ (stars)."""
    result: FloatArray = graph.rating - fit.predict(graph.reviewer, graph.product)
    return result


def _solve_rows(
    own: IntArray,
    other: IntArray,
    target: FloatArray,
    weight: FloatArray,
    other_factors: FloatArray,
    n_rows: int,
    penalty: FloatArray,
) -> FloatArray:
    """Every row's ridge solve of [bias, factors] given the other side's factors."""
    design = np.hstack([np.ones((other.shape[0], 1)), other_factors[other]])  # (m, k+1)
    size = design.shape[1]
    gram = np.empty((n_rows, size, size))
    for a in range(size):
        for b in range(a, size):
            gram[:, a, b] = gram[:, b, a] = np.bincount(
                own, weight * design[:, a] * design[:, b], n_rows
            )
    rhs = np.column_stack(
        [np.bincount(own, weight * target * design[:, a], n_rows) for a in range(size)]
    )
    solution: FloatArray = np.linalg.solve(gram + penalty, rhs[:, :, None])[:, :, 0].astype(
        np.float64
    )
    return solution
