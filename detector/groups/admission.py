"""Who belongs to an accepted group: every reviewer tested on the group's block, by one rule.

Why: the block judge (``detector.groups.blocks``) decides whether a candidate *is* a collusion
block, on the members a search proposed and after rules that keep honest co-reviewers out of the
block (a member must have a share ``MEMBER_SHARE`` of its products, mostly at its star level).
Those rules are about the block, not about each account: a paid account that rated two of a
campaign's seven products (members rate only part of them), or whose first review fell in the
week before the search's windows, is left out of a block that is plainly a campaign.

Once a group is accepted, each reviewer u with reviews of its products P in its windows W
(widened by ``MARGIN`` windows on both sides: the campaign's weeks do not follow the tensor's
7-day grid; when a margin window holds at least a share ``CONTINUED`` of the admitted
block's cells in its busiest window — the share at which ``detector.groups.refine`` reads a
window as part of a block — W is widened by ``MARGIN`` on that side and the test repeated, at
most ``MAX_PASSES`` times and never past ``max_windows``: a 12-week campaign whose search saw
9 of its weeks; a few honest admissions in a margin do not walk the weeks away) is tested
under the judge's null: each review of P on the group's side L of the star scale
(``blocks.side_levels``: its level and, for 5 or 1 stars, the next one towards the middle)
in W is by u with probability d_u / D, and u's own habit adds its reviews of the group's sellers
outside W at their rate (``BlockJudge.loyal``: a brand's fan reviews it all year), so u's count
is Poisson(λ_u), λ_u = (d_u / D) · n_{P,L}(W) + o_u · |W| / (T − |W|), and
p_u = P(Poisson(λ_u) ≥ c_u). c_u counts u's *sessions* (``BlockJudge.sessions``: one seller's
reviews within a ``SESSION_DAYS`` span count once — a multi-item order is one draw, not five; a
paid account rates each product on its own day of the campaign's weeks); c_u < 2 or fewer than
``min_member_products`` products of P never admit. Reviewers who rated a product of P in W on
the other side of the scale are not tested (an honest buyer who gave one of them 2 stars).

The admitted reviewers are those Benjamini–Hochberg admits at false-discovery rate
``params.member_fdr`` among m = every reviewer with a review of P in W (sorted p-values
p₍₁₎ ≤ … ≤ p₍ₘ₎: the k smallest for the largest k with p₍ₖ₎ ≤ k·q/m), joined to the proposed
members that are tested (the block was judged a group as a whole; the test adds, it does not
re-judge). The bar follows the block (m: its reviewers) and the evidence (a group of 30 sure
members admits its 31st at 31·q/m, not q/m). The group's score and evidence are recomputed on
the admitted block (``proposed_score``, ``proposed_members`` keep the judged ones); a group
left with fewer than ``min_reviewers`` members is dropped.

Measured with ``benchmarks/eval_groups.py``'s markets (q = 0.05): see the commit that added this
module for the before/after figures. Simulated offline on the same p-values, BH over every
reviewer of the tensor (m ≈ 15,000) admitted almost no one: paid accounts with two products
score p ≈ 10⁻² – 10⁻⁴, the honest co-reviewers of the blocks p ≥ 10⁻³.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy import stats

from detector.groups.blocks import BlockJudge, side_levels
from detector.groups.result import Group

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
MARGIN = 1  # windows added on both sides of the group's
MAX_PASSES = 4  # widenings of the tested windows (``admit``)
CONTINUED = 0.1  # margin window: this share of the busiest window's block cells widens W
_LN10 = math.log(10.0)

__all__ = ["admit", "benjamini_hochberg", "member_p_values"]


def benjamini_hochberg(log_p: FloatArray, tests: int, rate: float) -> npt.NDArray[np.bool_]:
    """Which of the natural-log p-values ``log_p`` BH admits at rate ``rate`` among ``tests``
    hypotheses (the others, not listed, have p = 1)."""
    if log_p.size == 0:
        return np.zeros(0, dtype=np.bool_)
    order = np.argsort(log_p, kind="stable")
    ranks = np.arange(1, log_p.size + 1, dtype=np.float64)
    passing = log_p[order] <= np.log(ranks * rate / max(tests, log_p.size))
    out = np.zeros(log_p.size, dtype=np.bool_)
    if passing.any():
        k = int(np.flatnonzero(passing).max()) + 1
        out[order[:k]] = True
    return out


def member_p_values(
    judge: BlockJudge, products: IntArray, first: int, last: int, level: int
) -> tuple[IntArray, FloatArray, IntArray, int]:
    """(tensor reviewers tested, ln p_u, their on-side cells, m: reviewers with any cell
    there) for the block of ``products`` in
    windows ``first..last`` at star level ``level`` (0–4): see the module docstring."""
    t = judge.tensor
    cells = judge.cells_of(products)
    cells = cells[(t.window[cells] >= first) & (t.window[cells] <= last)]
    tested = int(np.unique(t.reviewer[cells]).size)
    levels = side_levels(level)
    on_side = t.rating[cells] >= 3 if level >= 3 else t.rating[cells] <= 1
    off = np.unique(t.reviewer[cells[~on_side]])
    cells = cells[np.isin(t.rating[cells], levels) & ~np.isin(t.reviewer[cells], off)]
    if cells.size == 0:
        return np.zeros(0, np.int64), np.zeros(0), cells, tested
    reviewers, inverse = np.unique(t.reviewer[cells], return_inverse=True)
    pairs = np.unique(inverse * np.int64(t.shape[2]) + t.product[cells])
    distinct_products = np.bincount(pairs // t.shape[2], minlength=reviewers.size)
    sessions = judge.sessions(judge._rows(cells))
    n_side = sum(judge.market_reviews(products, first, last, k) for k in levels)
    sellers = np.unique(t.product_seller[products])
    lam = judge.activity[reviewers] / judge.total * n_side
    lam = lam + judge.loyal(reviewers, sellers, first, last, levels)
    log_p = np.asarray(stats.poisson.logsf(sessions - 1, lam), dtype=np.float64)
    need = judge.params.min_member_products
    log_p[(distinct_products < need) | (sessions < need)] = 0.0
    return reviewers, log_p, cells, tested


def admit(judge: BlockJudge, group: Group, products: IntArray, rate: float) -> Group | None:
    """``group`` with the members BH admits (module docstring), its block, score and evidence
    recomputed; None when fewer than ``min_reviewers`` are admitted."""
    t = judge.tensor
    level = int(group.evidence["star_level"]) - 1
    first = max(0, (group.start_ms - t.origin_ms) // t.window_ms - MARGIN)
    last = min(t.shape[4] - 1, (group.end_ms - t.origin_ms) // t.window_ms - 1 + MARGIN)
    rows = np.asarray(group.review_rows, dtype=np.int64)
    # the proposed members who are tested stay (their block was judged a group as a whole)
    kept = np.unique(np.searchsorted(t.reviewer_codes, judge.events.reviewer[rows]))
    for _ in range(MAX_PASSES):
        reviewers, log_p, cells, tested = member_p_values(judge, products, first, last, level)
        admitted = reviewers[benjamini_hochberg(log_p, tested, rate)]
        admitted = np.union1d(admitted, np.intersect1d(kept, reviewers))
        if admitted.size < judge.params.min_reviewers:
            return None
        block = cells[np.isin(t.reviewer[cells], admitted)]
        per_window = np.bincount(t.window[block] - first, minlength=last - first + 1)
        bar = CONTINUED * float(per_window.max())
        # a margin window as busy as the campaign's own weeks: its weeks go on past it
        wider_first = max(0, first - MARGIN) if per_window[0] >= bar else first
        wider_last = min(t.shape[4] - 1, last + MARGIN) if per_window[-1] >= bar else last
        grown = wider_first < first or wider_last > last
        if not grown or wider_last - wider_first + 1 - 2 * MARGIN > judge.params.max_windows:
            break
        first, last, kept = wider_first, wider_last, admitted
    members = np.unique(t.reviewer[block])
    block_products = np.unique(t.product[block])
    sellers = np.unique(t.product_seller[block_products])
    windows = t.window[block]
    lo, hi = int(windows.min()), int(windows.max())
    rows = judge._rows(block)
    score, tail = judge.side_score(block, rows, level)
    evidence = dict(group.evidence)
    evidence.update(judge._evidence(block, members, block_products, sellers, rows))
    evidence.update(
        **tail,
        admitted_members=int(members.size),
        proposed_members=len(group.reviewers),
        proposed_score=round(group.score, 4),
    )
    return judge._make(members, block_products, sellers, lo, hi, rows, score, evidence)
