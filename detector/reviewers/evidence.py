"""Who wrote the reviews: a product's reviewer evidence and the rule that uses it (DESIGN §3.4, §4).

The third analysis of a verdict, beside consistency and ERO. Per review, in the product's arrival
order: its star rating r; the history length h of its account — the reviewer's reviews in the whole
review graph when one was fitted (a review without a user id is its own one-review reviewer), else
the file's ``reviewer_review_count``, else unknown; whether the purchase was verified; and, from a
graph-wide fit (``ProductReviewerScores``), its suspicion s in [0, 1] and the graph's base share q̄
of suspect reviews (suspicion weight w < ½, ``detector.reviewers.suspicion_weight``).

**Doubtful reviews.** A review is doubtful when its account has no other review (h ≤ 1). Not the
suspect reviews of a graph fit: their suspicion ranks how far a rating lies from the product's
other ratings, so on a well-rated product the honest 1-star reviews are suspect by construction
and a lean counted on them would call every critic a bad-mouther. A short history says nothing
about the rating, which is what makes its lean across star groups evidence.

**Lean.** The suspect reviews of a boost sit on 5 stars: with d₅ the share of doubtful reviews among
the 5-star reviews and d₁₋₄ among the 1- to 4-star ones, the *boost lean* holds when d₅ ≥ 2·d₁₋₄ and
the one-sided Fisher exact test of the 2 × 2 table (``scipy.stats.fisher_exact``, "greater") gives
p < 0.01. The *bad-mouthing lean* mirrors it: d₁ against d₂₋₅.

**Adjusted rating** (with its interval: the weighted mean's sandwich standard error, ±1.96 se,
clipped to [1, 5]). With a graph fit: the reviewer layer's gated suspicion-weighted mean
(``detector.reviewers.adjusted_rating`` with q̄; chosen there by measurement). Without a graph the
product's own reviews cannot rank its reviewers against anyone, so only the lean moves the rating:
when a lean holds, each doubtful review of the leaning star group weighs
ω = odds(d_rest)/odds(d_lean) — as many doubtful reviews as that group would hold if it drew them as
often as the others — and every other review weighs 1; with no lean the adjusted rating is the
plain mean.

**The broken-product guard** (the robust-estimation warning of issue 15: a product that really is
bad collects many 1-star ratings). *Established* reviews are those from accounts with other reviews
(h ≥ 2) and, with a graph fit, suspicion below ``SUSPICION_LOW`` (0.70). Their 1- and 2-star reviews
always keep weight 1. When at least ``GUARD_MIN_REVIEWS`` (5) established reviews exist and the
share of 1-star ratings among them is at least half (``GUARD_SHARE``) the share among all reviews,
they agree with the 1-star reviews: the product is treated as genuinely disliked, its 1-star reviews
are not discounted and no bad-mouthing evidence is strong. (Bad-mouthing puts the 1-star reviews on
accounts without histories: a product rated 4.2 by its established reviewers, 5% of them 1-star,
and 25% 1-star overall.)

**The rule** (``reviewer_adjustment``, applied after ``detector.verdict.categorize``). The evidence
is *strong* when

1. with a graph fit, the product's suspect share q ≥ 2·q̄ (without one this test cannot be made);
2. |adjusted − plain| ≥ 0.15 stars;
3. the interval excludes the plain mean;
4. a lean holds in the direction of the adjustment — adjusted < plain (the suspect reviews
   *inflated* the rating) needs the boost lean, adjusted > plain (*deflated*) the bad-mouthing lean
   and no broken-product guard.

**Star-group leans as evidence for the verdict** (issue 13: fakes spread evenly over a product's
life form no change interval): ``detector.leans`` tests whether the reviews of one star level
come from one-review accounts or unverified purchases more often than honest products' do
(calibrated against the reference products); those p-values join the verdict's evidence E
(``detector.direction``).

Strong evidence raises ``normal`` → ``suspicious``, and ``suspicious`` → ``highly_suspicious`` only
when consistency (a change interval in the same direction: up for inflated) or ERO (a flagged
feature whose driving pair includes the leaning star level) agrees. Reviewer evidence alone never
reaches ``highly_suspicious``, never lowers a category, and ``insufficient_data`` stays as it is
(its reviewer block carries counts, no judgement). Public output never names a reviewer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from numba import njit
from scipy.special import _ufuncs
from scipy.stats import fisher_exact

from detector.consistency.kernel import pairwise_sum
from detector.reviewers.adjusted import gated_weights
from detector.stats.moments import mean
from detector.verdict import Category

__all__ = [
    "Direction",
    "Finding",
    "Lean",
    "ProductReviewerScores",
    "ReviewerEvidence",
    "RuleParams",
    "reviewer_adjustment",
    "reviewer_evidence",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Direction = Literal["inflated", "deflated", "none"]

SUSPICION_LOW = 0.70
GUARD_MIN_REVIEWS = 5
GUARD_SHARE = 0.5


@dataclass(frozen=True)
class RuleParams:
    """The cut-offs of the rule (module docstring)."""

    base_ratio: float = 2.0  # product's suspect share against the graph's base share
    min_shift: float = 0.15  # stars between adjusted and plain mean
    lean_ratio: float = 2.0  # doubtful share of the leaning star group against the rest
    lean_p: float = 0.01  # one-sided Fisher exact p of the lean


@dataclass(frozen=True)
class ProductReviewerScores:
    """A graph-wide fit's scores of one product's reviews, aligned with its review arrays.

    ``review_suspicion``: per review, in [0, 1]. ``reviewer_reviews``: per review, its reviewer's
    number of reviews in the graph. ``base_suspect_share``: the share of suspect reviews (suspicion
    weight < ½) over the whole graph.
    """

    review_suspicion: FloatArray
    reviewer_reviews: npt.NDArray[np.int64]
    base_suspect_share: float

    @classmethod
    def coerce(cls, value: ProductReviewerScores | Mapping[str, Any]) -> ProductReviewerScores:
        if isinstance(value, ProductReviewerScores):
            return value
        return cls(
            review_suspicion=np.asarray(value["review_suspicion"], dtype=np.float64),
            reviewer_reviews=np.asarray(value["reviewer_reviews"], dtype=np.int64),
            base_suspect_share=float(value["base_suspect_share"]),
        )

    def reordered(self, order: npt.NDArray[np.intp], n: int) -> ProductReviewerScores:
        """The scores of the reviews at ``order`` (``n``: how many reviews the product has)."""
        for name in ("review_suspicion", "reviewer_reviews"):
            if getattr(self, name).shape != (n,):
                raise ValueError(
                    f"reviewer_scores {name!r} has {getattr(self, name).size} values "
                    f"for {n} ratings"
                )
        return ProductReviewerScores(
            self.review_suspicion[order], self.reviewer_reviews[order], self.base_suspect_share
        )


@dataclass(frozen=True)
class Lean:
    """Doubtful reviews in the leaning star group against the rest (module docstring)."""

    stars: Literal["5", "1"]
    lean_reviews: int
    lean_doubtful: int
    rest_reviews: int
    rest_doubtful: int
    p: float
    lean_verified: float | None  # verified share of the leaning group, None when unknown
    rest_verified: float | None

    @property
    def lean_share(self) -> float:
        return self.lean_doubtful / self.lean_reviews if self.lean_reviews else 0.0

    @property
    def rest_share(self) -> float:
        return self.rest_doubtful / self.rest_reviews if self.rest_reviews else 0.0

    def holds(self, params: RuleParams) -> bool:
        return (
            self.lean_doubtful > 0
            and self.lean_share >= params.lean_ratio * self.rest_share
            and self.p < params.lean_p
        )


@dataclass(frozen=True)
class Finding:
    """One piece of evidence: a code, and the figures ``detector.words`` writes a sentence from."""

    code: str
    figures: Mapping[str, float | int | str | None]


@dataclass(frozen=True)
class ReviewerEvidence:
    """What the reviewer analysis found for one product (``to_dict``: the verdict's block)."""

    reviews: int
    counts: Mapping[str, Any]  # reviews, one-review accounts and verified purchases, per star
    plain_mean: float
    adjusted_rating: float | None = None
    interval: tuple[float, float] | None = None
    suspect_share: float | None = None
    base_suspect_share: float | None = None  # None without a graph fit
    direction: Direction = "none"
    strong: bool = False
    leans: tuple[Lean, ...] = ()
    findings: tuple[Finding, ...] = ()
    # Per input review (input order; NaN for a review left out): what the adjusted rating gives it.
    weights: FloatArray | None = field(default=None, repr=False, compare=False)

    @property
    def judged(self) -> bool:
        return self.adjusted_rating is not None

    @property
    def doubted(self) -> int:
        """Reviews the adjusted rating gives less than half their weight."""
        if self.weights is None:
            return 0
        return int(np.count_nonzero(self.weights < 0.5))

    def lean(self, direction: Direction) -> Lean | None:
        stars = {"inflated": "5", "deflated": "1"}.get(direction)
        return next((lean for lean in self.leans if lean.stars == stars), None)

    def to_dict(self, sentences: tuple[str, ...] = ()) -> dict[str, Any]:
        """The ``reviewers`` block; ``sentences`` are the findings' sentences, in order."""
        interval = None if self.interval is None else [_round(v, 3) for v in self.interval]
        return {
            "adjusted_rating": _round(self.adjusted_rating, 3),
            "adjusted_interval": interval,
            "plain_mean": _round(self.plain_mean, 3),
            "suspect_share": _round(self.suspect_share, 4),
            "base_suspect_share": _round(self.base_suspect_share, 4),
            "direction": self.direction if self.judged else None,
            "strong": self.strong if self.judged else None,
            "counts": dict(self.counts),
            "evidence": [
                {"code": finding.code, "sentence": sentence, "figures": dict(finding.figures)}
                for finding, sentence in zip(self.findings, sentences, strict=True)
            ],
        }


def _round(value: float | None, digits: int) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


# --- the analysis -----------------------------------------------------------------------------


def _star_tables_of(
    ratings: npt.NDArray[np.int64],
    history: FloatArray,
    verified: BoolArray | None,
    suspicion: FloatArray | None = None,
) -> list[list[int]]:
    """``_star_tables`` of one product's aligned arrays, as lists (``verified`` None: no column;
    ``suspicion`` None: no graph fit)."""
    flags = _NO_FLAGS if verified is None else verified
    scores = _NO_SCORES if suspicion is None else suspicion
    return _star_tables(  # type: ignore[no-any-return]
        np.ascontiguousarray(ratings, dtype=np.int64),
        np.ascontiguousarray(history, dtype=np.float64),
        np.ascontiguousarray(flags, dtype=np.bool_),
        verified is not None,
        np.ascontiguousarray(scores, dtype=np.float64),
        suspicion is not None,
    ).tolist()


_NO_FLAGS = np.zeros(0, dtype=np.bool_)
_NO_SCORES = np.zeros(0, dtype=np.float64)


@njit(cache=True)
def _star_tables(
    ratings: npt.NDArray[np.int64],
    history: FloatArray,
    verified: BoolArray,
    has_verified: bool,
    suspicion: FloatArray,
    has_scores: bool,
) -> npt.NDArray[np.int64]:
    """Per star bin (0: a rating outside 1–5, then 1–5) the reviews (row 0), the reviews of
    one-review accounts (h ≤ 1; NaN compares False, row 1), the verified purchases (row 2),
    the reviews of established accounts (h ≥ 2, row 3) and, with a graph fit, of established
    reviews (h ≥ 2 and suspicion below ``SUSPICION_LOW``, row 5); [4, 0]: the reviews whose
    history is known (not NaN). One pass for the counts, the leans and the guard (three
    ``np.bincount`` and a dozen boolean sums before)."""
    tables = np.zeros((6, 6), dtype=np.int64)
    for i in range(ratings.shape[0]):
        star = ratings[i]
        level = star if 1 <= star <= 5 else 0
        h = history[i]
        tables[0, level] += 1
        tables[1, level] += h <= 1.0
        if has_verified:
            tables[2, level] += verified[i]
        tables[3, level] += h >= 2.0
        tables[4, 0] += not np.isnan(h)
        if has_scores:
            tables[5, level] += h >= 2.0 and suspicion[i] < SUSPICION_LOW
    return tables


@njit(cache=True)
def _critics_kept(
    weights: FloatArray,
    ratings: npt.NDArray[np.int64],
    history: FloatArray,
    suspicion: FloatArray,
    has_scores: bool,
) -> tuple[float, int, int]:
    """Weight 1 for the established reviews' 1- and 2-star ratings (h ≥ 2 and, with a graph
    fit, suspicion below ``SUSPICION_LOW``), in place; then (Σ w in numpy's pairwise order,
    how many weights are not 0, how many are below ½)."""
    nonzero = 0
    below = 0
    for i in range(weights.shape[0]):
        established = history[i] >= 2.0 and (not has_scores or suspicion[i] < SUSPICION_LOW)
        if established and ratings[i] <= 2:
            weights[i] = 1.0
        nonzero += weights[i] != 0.0
        below += weights[i] < 0.5
    return pairwise_sum(weights, 0, weights.shape[0]), nonzero, below


@njit(cache=True)
def _sandwich_sum(weights: FloatArray, stars: FloatArray, mean: float) -> float:
    """Σ w² (r − m)² in numpy's order (``np.sum(weights**2 * (stars - mean) ** 2)``: each
    square, their product, the pairwise sum)."""
    n = weights.shape[0]
    terms = np.empty(n)
    for i in range(n):
        d = stars[i] - mean
        terms[i] = (weights[i] * weights[i]) * (d * d)
    return pairwise_sum(terms, 0, n)


def _counts_block(tables: list[list[int]], has_verified: bool) -> dict[str, Any]:
    """The ``counts`` of the reviewers block from ``_star_tables``."""
    reviews = tables[0]
    ones = tables[1] if tables[4][0] else None  # every history unknown: no count
    verifieds = tables[2] if has_verified else None

    def block(level: int | None) -> dict[str, int | None]:
        def count(column: list[int] | None) -> int | None:
            if column is None:
                return None
            return sum(column) if level is None else column[level]

        return {
            "reviews": count(reviews),
            "one_review_accounts": count(ones),
            "verified": count(verifieds),
        }

    return {**block(None), "by_star": {str(s): block(s) for s in range(1, 6)}}


def reviewer_evidence(
    ratings: npt.NDArray[np.int64],
    *,
    history: FloatArray,
    verified: BoolArray | None = None,
    scores: ProductReviewerScores | None = None,
    judge: bool = True,
    params: RuleParams | None = None,
) -> ReviewerEvidence:
    """The reviewer evidence of one product's reviews (aligned arrays; ``history`` NaN where
    unknown). ``judge=False`` (too few reviews): counts and the plain mean only.

    Issue 18: the per-review work is three compiled passes (``_star_tables``, ``_critics_kept``,
    ``_sandwich_sum``) beside the graph weights' two (``gated_weights``), with numpy's pairwise
    sums, so every figure is the one the boolean masks and numpy reductions gave."""
    params = params or _RULE_PARAMS
    n = int(ratings.size)
    stars = ratings.astype(np.float64)
    plain = mean(stars) if n else float("nan")
    suspicion = None if scores is None else scores.review_suspicion
    tables = _star_tables_of(ratings, history, verified, suspicion)
    counts = _counts_block(tables, verified is not None)
    if not judge or n == 0:
        return ReviewerEvidence(n, counts, plain)
    has_verified = verified is not None
    leans = (_lean(tables, 5, n, has_verified), _lean(tables, 1, n, has_verified))
    established = tables[3] if scores is None else tables[5]
    guard = _guard(sum(established), established[1], tables[0][1], n)
    if scores is not None:
        weights, suspect_share = gated_weights(
            scores.review_suspicion, base_suspect_share=scores.base_suspect_share
        )
        if weights.shape != stars.shape:
            raise ValueError(f"{weights.size} review suspicions for {n} ratings")
    else:
        weights = _lean_weights(ratings, history <= 1, leans, guard, params)
        suspect_share = int(np.count_nonzero(weights < 0.5)) / weights.size  # their mean, exactly
    total, nonzero, doubted = _critics_kept(  # never discount established critics
        weights,
        np.ascontiguousarray(ratings, dtype=np.int64),
        np.ascontiguousarray(history, dtype=np.float64),
        _NO_SCORES if suspicion is None else np.ascontiguousarray(suspicion, dtype=np.float64),
        suspicion is not None,
    )
    adjusted, se = _weighted_mean_se(stars, weights, total, nonzero)
    interval = (max(1.0, adjusted - 1.96 * se), min(5.0, adjusted + 1.96 * se))
    base = None if scores is None else scores.base_suspect_share
    direction, strong = _judgement(
        plain, adjusted, interval, suspect_share, base, leans, guard is not None, params
    )
    findings = _findings(
        plain, adjusted, interval, suspect_share, base, leans, doubted, guard, params
    )
    return ReviewerEvidence(
        reviews=n,
        counts=counts,
        plain_mean=plain,
        adjusted_rating=adjusted,
        interval=interval,
        suspect_share=suspect_share,
        base_suspect_share=base,
        direction=direction,
        strong=strong,
        leans=leans,
        findings=findings,
        weights=weights,
    )


_RULE_PARAMS = RuleParams()  # frozen: one instance serves every default call


# The hypergeometric cdf behind scipy.stats.fisher_exact (Boost's), taken as the ufunc: the
# public function's argument handling cost ~0.12 ms a call, twice a product (issue 18).
_HYPERGEOM_CDF = getattr(_ufuncs, "_hypergeom_cdf", None)


def fisher_greater(a: int, n_group: int, b: int, n_rest: int) -> float:
    """``scipy.stats.fisher_exact([[a, n_group − a], [b, n_rest − b]], "greater")``'s p-value.

    scipy computes it as P(X ≤ n_group − a), X ~ Hypergeom(M = n_group + n_rest, n = n_group,
    N = (n_group − a) + (n_rest − b)) (the table's second column), 1 for a table with an empty
    row or column and at the top of X's support, at most 1; here the same cdf ufunc is called
    directly with those edge cases (tests/detector/reviewers compare the two on a grid of tables).
    """
    table = ((a, n_group - a), (b, n_rest - b))
    if _HYPERGEOM_CDF is None:  # pragma: no cover - a scipy without the ufunc
        return float(fisher_exact(np.array(table), alternative="greater")[1])
    k = n_group - a
    drawn = k + n_rest - b
    if min(n_group, n_rest, a + b, drawn) == 0 or k >= min(n_group, drawn):
        return 1.0
    cdf = float(_HYPERGEOM_CDF(k, n_group, drawn, n_group + n_rest))
    # np.clip(cdf, 0, 1) without its per-call overhead (its comparisons: NaN passes)
    cdf = 0.0 if cdf < 0.0 else 1.0 if cdf > 1.0 else cdf
    return min(cdf, 1.0)


def _lean(tables: list[list[int]], level: Literal[5, 1], n: int, has_verified: bool) -> Lean:
    """The lean of the ``level``-star group against the other reviews, from ``_star_tables``:
    its doubtful (h ≤ 1) reviews against the rest's, and the verified shares (count / reviews,
    the mean of the booleans exactly; None without flags or reviews)."""
    n_group = tables[0][level]
    n_rest = n - n_group
    a = tables[1][level]
    b = sum(tables[1]) - a
    p = 1.0
    if n_group and n_rest and a:
        p = fisher_greater(a, n_group, b, n_rest)
    group_verified = tables[2][level]
    rest_verified = sum(tables[2]) - group_verified
    lean_verified = group_verified / n_group if has_verified and n_group else None
    rest_share = rest_verified / n_rest if has_verified and n_rest else None
    stars: Literal["5", "1"] = "5" if level == 5 else "1"
    return Lean(stars, n_group, a, n_rest, b, p, lean_verified, rest_share)


def _guard(
    established: int, ones_established: int, ones: int, n: int
) -> tuple[float, float] | None:
    """(established reviews' 1-star share, everyone's) when the established reviewers agree with
    the 1-star reviews (module docstring), else None: ``established`` reviews, of them
    ``ones_established`` 1-star, ``ones`` 1-star reviews of ``n``."""
    if established < GUARD_MIN_REVIEWS:
        return None
    # shares as count / n: numpy's mean of booleans, exactly
    theirs = ones_established / established
    everyone = ones / n
    return (theirs, everyone) if everyone > 0 and theirs >= GUARD_SHARE * everyone else None


def _lean_weights(
    ratings: npt.NDArray[np.int64],
    doubtful: BoolArray,
    leans: tuple[Lean, ...],
    guard: tuple[float, float] | None,
    params: RuleParams,
) -> FloatArray:
    """Without a graph: ω for the doubtful reviews of a leaning star group (module docstring)."""
    weights = np.ones(ratings.size)
    for lean in leans:
        if not lean.holds(params) or (lean.stars == "1" and guard is not None):
            continue
        odds_lean = lean.lean_share / max(1.0 - lean.lean_share, 1e-9)
        odds_rest = lean.rest_share / max(1.0 - lean.rest_share, 1e-9)
        rows = doubtful & (ratings == int(lean.stars))
        weights[rows] = min(1.0, odds_rest / odds_lean)
    return weights


def _weighted_mean_se(
    stars: FloatArray, weights: FloatArray, total: float, nonzero: int
) -> tuple[float, float]:
    """Σ w r / Σ w and its sandwich standard error (Σ w² (r − m)² / (Σ w)² · n/(n − 1))½, n the
    nonzero weights; ``total`` (Σ w) and ``nonzero`` from ``_critics_kept``. All weights 0:
    the plain mean and its se."""
    if total <= 0:
        weights, total, nonzero = np.ones_like(stars), float(stars.size), int(stars.size)
    average = float(np.dot(weights, stars) / total)
    if nonzero < 2:
        return average, 0.0
    squares = _sandwich_sum(weights, np.ascontiguousarray(stars, dtype=np.float64), average)
    variance = float(squares) / total**2 * nonzero / (nonzero - 1)
    return average, math.sqrt(variance)


def _judgement(
    plain: float,
    adjusted: float,
    interval: tuple[float, float],
    suspect_share: float | None,
    base: float | None,
    leans: tuple[Lean, ...],
    guarded: bool,
    params: RuleParams,
) -> tuple[Direction, bool]:
    """(direction of the suspect reviews, whether the evidence is strong): rule items 1–4."""
    shift = plain - adjusted
    boost, badmouth = (lean.holds(params) for lean in leans)
    direction: Direction = "none"
    if boost and (not badmouth or shift > 0):
        direction = "inflated"
    elif badmouth and not guarded:
        direction = "deflated"
    if direction == "none" or (shift > 0) != (direction == "inflated"):
        return direction, False
    enough = base is None or (
        suspect_share is not None and suspect_share >= params.base_ratio * base
    )
    low, high = interval
    excludes = not low <= plain <= high
    return direction, enough and abs(shift) >= params.min_shift and excludes


def _findings(
    plain: float,
    adjusted: float,
    interval: tuple[float, float],
    share: float | None,
    base: float | None,
    leans: tuple[Lean, ...],
    doubted: int,
    guard: tuple[float, float] | None,
    params: RuleParams,
) -> tuple[Finding, ...]:
    """The figures behind the evidence, most telling first (``doubted``: the reviews weighted
    below ½)."""
    found: list[Finding] = []
    for lean in leans:
        if lean.holds(params):
            found.append(
                Finding(
                    "boost_lean" if lean.stars == "5" else "badmouth_lean",
                    {
                        "stars": lean.stars,
                        "share": round(lean.lean_share, 4),
                        "rest_share": round(lean.rest_share, 4),
                        "reviews": lean.lean_reviews,
                        "rest_reviews": lean.rest_reviews,
                        "p": float(f"{lean.p:.3g}"),
                        "graph": base is not None,
                        "verified_share": _round(lean.lean_verified, 4),
                        "rest_verified_share": _round(lean.rest_verified, 4),
                    },
                )
            )
    if base is not None and share is not None and share >= params.base_ratio * base:
        found.append(Finding("suspect_share", {"share": round(share, 4), "base": round(base, 4)}))
    if abs(adjusted - plain) >= 0.05:
        found.append(
            Finding(
                "adjusted_rating",
                {
                    "adjusted": round(adjusted, 2),
                    "low": round(interval[0], 2),
                    "high": round(interval[1], 2),
                    "plain": round(plain, 2),
                    "doubted": doubted,
                },
            )
        )
    if guard is not None and leans[1].holds(params):  # why 1-star reviews still count
        found.append(
            Finding("established_agree", {"share": round(guard[0], 4), "all": round(guard[1], 4)})
        )
    return tuple(found)


# --- the rule ---------------------------------------------------------------------------------


def reviewer_adjustment(
    category: Category, evidence: ReviewerEvidence, *, agrees: bool
) -> tuple[Category, bool]:
    """(the category after the reviewer evidence, whether it moved). ``agrees``: consistency or
    ERO points the same way as ``evidence.direction`` (module docstring)."""
    if not evidence.strong or category == "insufficient_data":
        return category, False
    if category == "normal":
        return "suspicious", True
    if category == "suspicious" and agrees:
        return "highly_suspicious", True
    return category, False
