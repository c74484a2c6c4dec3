"""The reviewer layer (DESIGN §4, issue 15): who wrote a product's reviews. Pure numpy/scipy/numba.

Array-level API, in the order a caller uses it::

    from detector.reviewers import review_graph, reviewer_scores, adjusted_rating

    graph = review_graph(user_id=..., product_id=..., rating=..., timestamp_ms=...,
                         verified=None, helpful_votes=None, text_length=None,
                         reported_reviews=None)  # the profiles' review counts, if known
    scores = reviewer_scores(graph)  # ReviewerScores
    scores.reliability  # ReliabilityFit: alpha, reliability, confidence, quality, quality_se
    scores.reviewer_suspicion  # per reviewer code: P(suspect) of a two-class mixture, [0, 1]
    scores.review_suspicion  # per review row, [0, 1]: with its product's campaign share as prior
    # (reviewer_scores(graph, scale="rank"): ranks)
    scores.features  # ReviewerFeatures: reviews, one_review, deviation, extremity, ...

    base = float((suspicion_weight(scores.review_suspicion) < 0.5).mean())
    rows = graph.product == graph.product_labels.index("B00…")
    result = adjusted_rating(graph.rating[rows], scores.review_suspicion[rows],
                             base_suspect_share=base)  # AdjustedRating
    result.to_dict()  # adjusted_rating, interval, plain_mean, suspect_share
    result.weights  # per review: what the adjusted rating gives it (--reviews-out "weight")

Stage 1/2 of quality-weighted matrix factorisation::

    quality = review_quality(graph)  # ReviewQuality: quality, observed, weight() (paper: w = q)
    vanilla = pmf_fit(graph)  # PMFFit; pmf_residuals(vanilla, graph): r − r̂ per rating
    weight = precision_weights(quality, pmf_residuals(vanilla, graph), strength=0.5)
    pmf = pmf_fit(graph, weight, regularization=10.0)  # w ∝ 1/E[e² | q], measured (quality.py)

Distributed (extra ``distributed``): ``reliability_fit_distributed(split_graph(graph, 8), client)``
gives the numbers of ``reliability_fit(graph)`` on a Dask cluster (tested to 1e-9).

Online: ``graph2 = graph_append(graph, ...)`` then
``reliability_update(scores.reliability, graph2, first_new_row=graph.n_reviews)`` re-solves only the
block the new ratings touch; ``reviewer_scores(graph2, fit=updated)`` recomputes the (cheap) rest.

Reviewer codes index ``graph.reviewer_labels`` (None for a review without a user id, which is its
own one-review reviewer); product codes index ``graph.product_labels``.
"""

from __future__ import annotations

from detector.reviewers.adjusted import AdjustedRating, adjusted_rating, suspicion_weight
from detector.reviewers.distributed import reliability_fit_distributed, split_graph
from detector.reviewers.features import ReviewerFeatures, reviewer_features
from detector.reviewers.graph import (
    GraphInputError,
    ReviewGraph,
    graph_append,
    review_graph,
    review_graph_from_codes,
)
from detector.reviewers.mixture import MixtureFit, fit_mixture
from detector.reviewers.pmf import PMFFit, pmf_fit, pmf_residuals
from detector.reviewers.quality import ReviewQuality, precision_weights, review_quality
from detector.reviewers.reliability import (
    ReliabilityFit,
    ReliabilityPrior,
    reliability_fit,
    reliability_update,
)
from detector.reviewers.suspicion import ReviewerScores, SuspicionWeights, reviewer_scores

__all__ = [
    "AdjustedRating",
    "GraphInputError",
    "MixtureFit",
    "PMFFit",
    "ReliabilityFit",
    "ReliabilityPrior",
    "ReviewGraph",
    "ReviewQuality",
    "ReviewerFeatures",
    "ReviewerScores",
    "SuspicionWeights",
    "adjusted_rating",
    "fit_mixture",
    "graph_append",
    "pmf_fit",
    "pmf_residuals",
    "precision_weights",
    "reliability_fit",
    "reliability_fit_distributed",
    "reliability_update",
    "review_graph",
    "review_graph_from_codes",
    "review_quality",
    "reviewer_features",
    "reviewer_scores",
    "split_graph",
    "suspicion_weight",
]
