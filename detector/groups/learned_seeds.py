"""Seeds learned from the labels: which co-reviewed pairs look like a confirmed pool's.

Why: a label reaches an unlabelled campaign only through what it shares with a labelled one
(label seeds start on the confirmed accounts; the CP's targets pull factor rows already on a
component). A campaign of another pool is missed when no candidate holds it on its own: on
eval_groups' markets its pairs do make the pair budget, but the greedy merge joins them with a
neighbouring block's (``seeds._merged``: a pair sharing a product and a grid block joins the seed),
and the merged seed's candidate is judged on the union — independent generator seed 1,
campaign 8 (33 members, 3 products) sits in a 13-product seed of 63 reviewers, while the block
of its own three products scores 91.9 against the floor of 25.

So the labels teach the seed search what a paid pool's *pairs* look like, and the pairs most
like them start seeds of their own, unmerged. Each chosen pair (``seeds.grid_pairs``, both
grids) gets features ``pair_features``: its co-reviews and expectation, its products'
popularity, whether one seller sells both, and its members' activity, rows, star agreement and
weeks apart. A pair is *labelled* when at least ``LABELLED_MEMBERS`` of its members, and half of
them, are confirmed accounts; every other pair is unlabelled. A logistic regression of labelled
against unlabelled (L2, balanced classes, standardised features; ``fit_logistic``) is
positive–unlabelled learning: with labels drawn at random from the paid pairs, P(labelled | x)
= c · P(paid | x) (Elkan & Noto, 2008), so it ranks pairs as P(paid | x) does, whatever c. The
``MAX_LEARNED_SEEDS`` unlabelled pairs (none of their members confirmed) with the highest fitted
probability become seeds: the pair's products and the products of its block that half its members
reviewed there, its members, its grid block.

The judge decides on the data alone: a learned seed is one more candidate block, judged and
scored like every other, under the same floor (labels never put anyone in a group); its group
is kept only when it holds ``min_reviewers`` members no other group holds
(``detector.groups._with_learned``). An earlier attempt learned what accepted *blocks* look
like and accepted look-alikes under the floor: it cost precision (0.996 -> 0.889 on
independent seed 1), since honest 5–6-member blocks have a campaign's shape; here the labels
only choose where to look.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from detector.groups.seeds import GridPairs, Seed, by_reviewer, grid_pairs, grid_width
from detector.groups.tensor import ReviewTensor

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
MAX_LEARNED_SEEDS = 32  # seeds started on the pairs most like the confirmed pools'
LABELLED_MEMBERS = 2  # confirmed members that make a pair a confirmed pool's
MEMBER_SHARE = 0.5  # a product joins a learned seed when this share of its pair's members rate it
L2 = 1.0  # the logistic regression's penalty on the standardised weights (sklearn's C = 1)

FEATURES = (
    "log_count", "log_expected", "log_min_degree", "log_max_degree", "same_seller",
    "log_member_activity", "log_member_row", "star_agreement", "weeks_apart", "same_week",
)  # fmt: skip

__all__ = ["FEATURES", "LogisticFit", "fit_logistic", "learned_seeds", "pair_features"]


@dataclass(frozen=True)
class LogisticFit:
    """P(y = 1 | x) = σ(((x − mean) / scale) · weights + intercept)."""

    mean: FloatArray
    scale: FloatArray
    weights: FloatArray
    intercept: float

    def probability(self, x: FloatArray) -> FloatArray:
        z = ((x - self.mean) / self.scale) @ self.weights + self.intercept
        return np.asarray(special.expit(z), dtype=np.float64)


def fit_logistic(x: FloatArray, y: npt.NDArray[np.bool_], l2: float = L2) -> LogisticFit:
    """L2-penalised logistic regression with balanced class weights, by L-BFGS (scipy).

    Features are standardised; each class's rows weigh n / (2 n_class) (sklearn's
    ``class_weight="balanced"``: a few dozen confirmed pairs against thousands of others); the
    loss is Σ_i w_i [log(1 + e^{z_i}) − y_i z_i] + ½ ``l2`` ‖β‖² (intercept unpenalised), the
    objective of sklearn's ``LogisticRegression(C=1/l2)``."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    target = y.astype(np.float64)
    positives = max(int(y.sum()), 1)
    negatives = max(int(y.size - y.sum()), 1)
    weight = np.where(y, y.size / (2 * positives), y.size / (2 * negatives))

    def loss(theta: FloatArray) -> tuple[float, FloatArray]:
        logit = z @ theta[:-1] + theta[-1]
        value = float(np.sum(weight * (np.logaddexp(0.0, logit) - target * logit)))
        value += 0.5 * l2 * float(theta[:-1] @ theta[:-1])
        residual = weight * (special.expit(logit) - target)
        gradient = np.concatenate([z.T @ residual + l2 * theta[:-1], [residual.sum()]])
        return value, gradient

    start = np.zeros(x.shape[1] + 1)
    result = optimize.minimize(loss, start, jac=True, method="L-BFGS-B", tol=1e-10)
    theta = np.asarray(result.x, dtype=np.float64)
    return LogisticFit(mean, scale, theta[:-1], float(theta[-1]))


def pair_features(tensor: ReviewTensor, pairs: GridPairs, activity: FloatArray) -> FloatArray:
    """Per pair (rows) the ``FEATURES`` (columns):

    - log C' and log E_pq (its co-reviews in different weeks, their expectation), the log
      degrees of its two products (popular products gather honest co-reviews), one seller or two;
    - its members' mean log activity (``activity``: reviews per tensor reviewer) and mean log
      row size (products in the grid block: a deal hunter's sale weeks, a fan's many products);
    - star agreement: the share of members who gave both products the same star level;
    - weeks apart: the members' mean |window(a) − window(b)|, and the share who rated both in
      the same window (a paid account rates each product on its own day of the campaign's
      weeks; honest co-reviews spread or bunch otherwise)."""
    n_products = tensor.shape[2]
    counts = np.diff(pairs.member_ptr)
    pair_of = np.repeat(np.arange(pairs.a.size), counts)
    rows = pairs.members
    reviewer = pairs.row_reviewer[rows]
    key = tensor.reviewer * np.int64(n_products) + tensor.product
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]

    def cell(products: IntArray) -> IntArray:  # the member's first cell on the product
        where = np.searchsorted(sorted_key, reviewer * np.int64(n_products) + products)
        return np.asarray(order[np.minimum(where, order.size - 1)], dtype=np.int64)

    on_a, on_b = cell(pairs.a[pair_of]), cell(pairs.b[pair_of])
    same_star = (tensor.rating[on_a] == tensor.rating[on_b]).astype(np.float64)
    apart = np.abs(tensor.window[on_a] - tensor.window[on_b]).astype(np.float64)
    row_size = np.diff(pairs.x.row_ptr)[rows].astype(np.float64)

    def mean(values: FloatArray) -> FloatArray:
        total = np.bincount(pair_of, weights=values, minlength=pairs.a.size)
        return np.asarray(total / np.maximum(counts, 1), dtype=np.float64)

    degree = pairs.x.product_degrees().astype(np.float64)
    da, db = degree[pairs.a], degree[pairs.b]
    return np.column_stack(
        [
            np.log(pairs.count.astype(np.float64)),
            np.log(np.maximum(pairs.expected, 1e-12)),
            np.log(np.minimum(da, db)),
            np.log(np.maximum(da, db)),
            (tensor.product_seller[pairs.a] == tensor.product_seller[pairs.b]).astype(float),
            mean(np.log(np.maximum(activity[reviewer], 1.0))),
            mean(np.log(row_size)),
            mean(same_star),
            mean(apart),
            mean((apart == 0).astype(np.float64)),
        ]
    )


def learned_seeds(
    tensor: ReviewTensor, confirmed: IntArray, activity: FloatArray,
    limit: int = MAX_LEARNED_SEEDS,
) -> list[Seed]:  # fmt: skip
    """Seeds on the unlabelled pairs most like the confirmed pools' (module docstring):
    ``confirmed`` are tensor reviewer rows a moderator confirmed abusive, ``activity`` every
    tensor reviewer's reviews. Empty when no pair is labelled."""
    if confirmed.size == 0:
        return []
    width = grid_width(tensor)
    grouped = by_reviewer(tensor)
    grids = [p for s in (0, width // 2) if (p := grid_pairs(tensor, grouped, width, s)) is not None]
    if not grids:
        return []
    is_confirmed = np.zeros(tensor.shape[1], dtype=np.bool_)
    is_confirmed[confirmed] = True
    features, known, grid_of, pair_index = [], [], [], []
    for number, pairs in enumerate(grids):
        counts = np.diff(pairs.member_ptr)
        pair_of = np.repeat(np.arange(pairs.a.size), counts)
        hits = np.bincount(
            pair_of, weights=is_confirmed[pairs.row_reviewer[pairs.members]],
            minlength=pairs.a.size,
        )  # fmt: skip
        features.append(pair_features(tensor, pairs, activity))
        known.append(hits)
        grid_of.append(np.full(pairs.a.size, number))
        pair_index.append(np.arange(pairs.a.size))
    x = np.concatenate(features)
    hits = np.concatenate(known)
    members = np.concatenate([np.diff(p.member_ptr) for p in grids])
    labelled = (hits >= LABELLED_MEMBERS) & (hits >= MEMBER_SHARE * members)
    if not labelled.any() or labelled.all():
        return []
    probability = fit_logistic(x, labelled).probability(x)
    unlabelled = np.flatnonzero(hits == 0)
    ranked = unlabelled[np.argsort(-probability[unlabelled], kind="stable")]
    grid = np.concatenate(grid_of)
    index = np.concatenate(pair_index)
    out: list[Seed] = []
    for k in ranked.tolist():
        seed = _pair_seed(tensor, grids[int(grid[k])], int(index[k]), float(probability[k]))
        if any(s.first_window == seed.first_window and seed.products <= s.products for s in out):
            continue
        out.append(seed)
        if len(out) == limit:
            break
    return out


def _pair_seed(tensor: ReviewTensor, pairs: GridPairs, k: int, probability: float) -> Seed:
    """Pair k's seed: its two products and those of its sellers that a share ``MEMBER_SHARE``
    of its members reviewed in its block (X's rows are (reviewer, block)), its members, its
    block."""
    rows = pairs.members[pairs.member_ptr[k] : pairs.member_ptr[k + 1]]
    x = pairs.x
    held = np.concatenate([x.row_products[x.row_ptr[r] : x.row_ptr[r + 1]] for r in rows.tolist()])
    products, counts = np.unique(held, return_counts=True)
    sellers = tensor.product_seller[[pairs.a[k], pairs.b[k]]]
    often = products[counts >= MEMBER_SHARE * rows.size]
    chosen = set(often[np.isin(tensor.product_seller[often], sellers)].tolist())
    chosen |= {int(pairs.a[k]), int(pairs.b[k])}
    first = int(pairs.first_window()[k])
    reviewers = set(pairs.row_reviewer[rows].tolist())
    return Seed(chosen, reviewers, first, first + pairs.width - 1, probability)
