"""From a candidate block (reviewers, products, a window) to a judged ``Group``, or nothing.

Both searches (the Logistic CP's large factor entries, the greedy dense-block peel) propose
candidates; this module decides, by one rule, whether a candidate is a collusion group and what
makes it dense.

1. **The block.** The cells of the candidate's products inside its window whose reviewer is a
   candidate member. Members with fewer than ``min_member_products`` of the block's products, and
   products with fewer than two members, are dropped until nothing changes.
2. **Its rating.** The dominant star level k of the block's reviews and its side L of the scale
   (``side_levels``: k, and for 5 or 1 stars the next level in — a paid campaign gives some 4s,
   a bad-mouthing one some 2s; the admission pass uses the same side); ``rating_share`` is the
   share of the block's reviews on L. Paid campaigns push one side; honest co-reviewers —
   fans, multi-item orders, deal hunters — rate like everyone else. So members who rated the
   block's products on the other side of k, and members with fewer than half of their block
   cells at k (an honest co-reviewer of a campaign's popular products who gave 4 stars to two
   of them), leave the block before it is judged.
3. **The score.** Under the null, each review of a block product on side L in the window is
   written by a member with probability S = Σ_{u∈R} d_u / D (d_u: all of the member's reviews,
   D: all reviews of the marketplace — one-product reviewers and anonymous reviews included,
   though they never enter the tensor): members review popular products as often as their
   activity predicts, no more. The expected count is λ = S · Σ_{p∈P} n_{p,L}(W) + Σ_{u∈R} ℓ_u
   + λ_b, n_{p,L}(W) every review of p on side L in the window, λ_b the members' bursts
   (``bursts``: their other reviews in the weeks they wrote block reviews, at the share of that
   week's marketplace they make — a deal hunter's sale week), ℓ_u the member's own habit with the
   block's sellers (``loyal``: its reviews of them on L outside the window, at their rate per
   window — a brand's fan reviews it all year, so the window holds some of its reviews of the
   brand by habit); the observed c counts the members' *sessions* among the block's reviews on
   L (``sessions``: one seller's products reviewed by one member within a ``SESSION_DAYS``
   span count once, as in the admission pass), and ``score = −log10 P(Poisson(λ) ≥ c)``
   (scipy's ``poisson.logsf``). Why sessions: a shopper who reviews a multi-item order writes
   its reviews together, over a few days — one draw, not five (with member-days instead, five
   honest buyers of one seller's four-product bundle scored 50.7 on the independent
   generator's seed 1, above any campaign-sized bar; with sessions 13.8); a campaign's member
   rates each product on its own day of the campaign's weeks. λ still counts reviews, so the
   score only becomes more cautious. Popular products do not make a block dense (n_{p,L} grows
   λ); busy reviewers do not either (d_u grows λ). Counting only the tensor's cells
   (multi-product reviewers) would overstate S on a small shop where most shoppers write one
   review, and understate every score there.
4. **Acceptance.** Sizes (``min_reviewers``, ``min_products``, ``max_sellers``), and
   ``min_reviewers`` of the members with block reviews in two or more sessions (``sessions``):
   a block whose members each wrote one session is buyers of a popular seller's multi-item
   orders, not a campaign, whose members rate its products on their own days over weeks — the
   admission pass never admits a reviewer with fewer than two sessions either. On bench_groups'
   10⁷ market (draw 3) five blocks of 7–12 order buyers, 0–1 of them with two sessions, scored
   27.9–36.3 against the floor 25 once the seeds stopped being deal hunters'
   (``seeds._SeedTable.focus``); the rule also drops two 2-product campaigns of 12 and 5
   members there (1 and 4 with two sessions; member recall 0.918 -> 0.904, precision 0.918 ->
   0.994, measured with a row-size-aware seed null since dropped); dropping the one-session
   members from blocks instead cost more (recall 0.884). One star level
   (``min_rating_share``), the bipartite core with sellers (``min_seller_density``: the share of
   member × seller pairs where the member reviewed one of the seller's block products); the
   score bar (Bonferroni over the candidates judged, with a floor: ``detector.groups.score_bar``)
   is applied by ``find_groups`` once every candidate is judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from detector.groups.events import ReviewEvents
from detector.groups.pg_kernel import stable_order
from detector.groups.result import Group, GroupParams
from detector.groups.tensor import DAY_MS, ReviewTensor

IntArray = npt.NDArray[np.int64]
_LN10 = math.log(10.0)
SELLER_COVERAGE = 0.25
MEMBER_SHARE = 0.3  # a member reviewed at least this share of the block's products
SESSION_DAYS = 7.0  # one seller's products reviewed within this span: one draw (an order)
OFF_LEVEL_MEMBERS = True  # drop members mostly off the block's star level (``_on_level``)

__all__ = ["BlockJudge", "Candidate", "side_levels"]


@dataclass(frozen=True)
class Candidate:
    """Tensor indices of the proposed members and products, windows ``first..last`` inclusive."""

    reviewers: IntArray
    products: IntArray
    first_window: int
    last_window: int
    source: str


def side_levels(level: int) -> list[int]:
    """The star level (index 0–4) and, for an extreme one, the next towards the middle: a paid
    campaign gives 5 stars with some 4s (or 1 star with some 2s, bad-mouthing a rival)."""
    if level == 4:
        return [4, 3]
    if level == 0:
        return [0, 1]
    return [level]


class BlockJudge:
    """Judges candidates against one tensor (holds product-sorted indexes of its cells and of
    every review of the marketplace, for the null)."""

    def __init__(self, tensor: ReviewTensor, events: ReviewEvents, params: GroupParams) -> None:
        self.tensor = tensor
        self.events = events
        self.params = params
        self.order = stable_order(tensor.product, tensor.shape[2])
        counts = np.bincount(tensor.product, minlength=tensor.shape[2])
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.by_reviewer = stable_order(tensor.reviewer, tensor.shape[1])
        counts = np.bincount(tensor.reviewer, minlength=tensor.shape[1])
        self.reviewer_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.is_member = np.zeros(tensor.shape[1], dtype=np.bool_)
        # review rows grouped by cell (rows ascending within a cell): a block's rows in
        # O(its reviews), not a pass over every review of the marketplace per candidate
        covered = np.flatnonzero(tensor.cell_of_review >= 0)
        by_cell = stable_order(tensor.cell_of_review[covered], tensor.nnz)
        self.rows_by_cell = covered[by_cell].astype(np.int64)
        counts = np.bincount(tensor.cell_of_review[covered], minlength=tensor.nnz)
        self.row_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._activity_by_code: npt.NDArray[np.float64] | None = None
        self._market_index(tensor, events)

    def _market_index(self, tensor: ReviewTensor, events: ReviewEvents) -> None:
        """The null's whole-marketplace counts (step 3): every review, one-product reviewers
        and anonymous reviews included, by product (sorted), with its window and star level."""
        known = events.reviewer >= 0
        activity = np.bincount(events.reviewer[known], minlength=len(events.reviewer_labels))
        self.activity = activity[tensor.reviewer_codes].astype(np.float64)  # d_u, tensor order
        self.total = float(max(events.n_reviews, 1))  # D
        product_of = np.full(len(events.product_labels), -1, dtype=np.int64)
        product_of[tensor.product_codes] = np.arange(tensor.product_codes.size)
        product = product_of[events.product]
        rows = np.flatnonzero(product >= 0)
        rows = rows[stable_order(product[rows], tensor.shape[2])]
        self.market_window = (events.timestamp_ms[rows] - tensor.origin_ms) // tensor.window_ms
        self.market_rating = events.rating[rows] - 1
        counts = np.bincount(product[rows], minlength=tensor.shape[2])
        self.market_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        every_window = (events.timestamp_ms - tensor.origin_ms) // tensor.window_ms
        self.window_total = np.maximum(
            np.bincount(every_window, minlength=tensor.shape[4]), 1
        ).astype(np.float64)  # D(w): every review of the marketplace in window w

    def market_reviews(
        self, products: IntArray, first: int, last: int, level: int | list[int]
    ) -> int:
        """n_{P,L}(W): every review of ``products`` at star level(s) ``level`` in windows
        ``first..last``, whoever wrote it."""
        levels = [level] if isinstance(level, int) else level
        total = 0
        for p in products.tolist():
            part = slice(self.market_offsets[p], self.market_offsets[p + 1])
            window = self.market_window[part]
            inside = (window >= first) & (window <= last)
            inside &= np.isin(self.market_rating[part], levels)
            total += int(np.count_nonzero(inside))
        return total

    def focus(self, block: IntArray, members: IntArray, first: int, last: int) -> float:
        """The block's share of its members' cells in windows ``first..last``: a collusion
        block is where its members' activity of those weeks goes (a paid account adds some
        camouflage); deal hunters who met on three products of a sale reviewed twenty others
        in the same weeks. Measured: planted campaigns' groups ≥ 0.34 (both generators, seeds
        1–3), the bench market's deal-hunter groups at 3·10⁶ 0.11–0.16."""
        t = self.tensor
        cells = self.cells_by(members)
        inside = np.count_nonzero((t.window[cells] >= first) & (t.window[cells] <= last))
        return float(np.unique(block).size) / float(max(int(inside), 1))

    def bursts(self, block: IntArray, members: IntArray, levels: list[int]) -> float:
        """The members' other reviews in their block weeks, as expected block reviews: λ_b =
        Σ_w R(w) / D(w) · n_{P,L}(w), R(w) the members' reviews in window w of products outside
        the block, by members who wrote block reviews in w, D(w) every review of window w,
        n_{P,L}(w) the block products' reviews at the star ``levels`` L in w. A deal hunter
        reviews ten products of a sale in its week: in that week it writes a large share of the
        marketplace's reviews, and that share (not its two-year average d_u / D) is its chance
        to write a block review there; a paid account's other reviews are camouflage spread
        over months (R(w) ≈ 0 in the campaign's weeks)."""
        t = self.tensor
        windows = t.window[block]
        first, last = int(windows.min()), int(windows.max())
        width = last - first + 1
        cells = self.cells_by(members)
        inside = cells[(t.window[cells] >= first) & (t.window[cells] <= last)]
        in_block = np.isin(inside, block)
        # only the weeks in which the member wrote block reviews: a burst is the same week
        week_key = t.reviewer[inside] * np.int64(width) + (t.window[inside] - first)
        burst = ~in_block & np.isin(week_key, week_key[in_block])
        other = np.bincount(t.window[inside[burst]] - first, minlength=width)
        products = np.unique(t.product[block])
        reviews = np.zeros(width)
        for p in products.tolist():
            part = slice(self.market_offsets[p], self.market_offsets[p + 1])
            window = self.market_window[part] - first
            keep = (window >= 0) & (window < width) & np.isin(self.market_rating[part], levels)
            reviews += np.bincount(window[keep], minlength=width)
        share = other / self.window_total[first : last + 1]
        return float((share * reviews).sum())

    def loyal(
        self, reviewers: IntArray, sellers: IntArray, first: int, last: int, levels: list[int]
    ) -> npt.NDArray[np.float64]:
        """Per reviewer: the reviews of the ``sellers``' products at ``levels`` its own habit
        predicts in windows ``first..last`` — its reviews of those sellers outside the windows,
        at the rate per window it wrote them there: o_u · |W| / (T − |W|), T the tensor's
        windows. The null knows sellers: a fan of one brand reviews its products all year, so
        the weeks of a block hold some of them by habit, not by collusion; a paid account
        reviews the campaign's sellers in its weeks only (o_u ≈ 0)."""
        t = self.tensor
        width = last - first + 1
        outside_windows = t.shape[4] - width
        if outside_windows <= 0 or reviewers.size == 0:
            return np.zeros(reviewers.size)
        cells = self.cells_by(reviewers)
        window = t.window[cells]
        keep = (
            ((window < first) | (window > last))
            & np.isin(t.seller[cells], sellers)
            & np.isin(t.rating[cells], levels)
        )
        index = np.searchsorted(reviewers, t.reviewer[cells[keep]])
        counts = np.bincount(index, minlength=reviewers.size).astype(np.float64)
        return counts * width / outside_windows

    def cells_of(self, products: IntArray) -> IntArray:
        """Cells of the given products (all reviewers, all windows)."""
        parts = [self.order[self.offsets[p] : self.offsets[p + 1]] for p in products.tolist()]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def cells_by(self, reviewers: IntArray) -> IntArray:
        """Cells of the given reviewers (all products, all windows)."""
        o = self.reviewer_offsets
        parts = [self.by_reviewer[o[r] : o[r + 1]] for r in reviewers.tolist()]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def judge(self, candidate: Candidate) -> Group | None:
        t = self.tensor
        cells = self.cells_of(np.unique(candidate.products))
        window = t.window[cells]
        cells = cells[(window >= candidate.first_window) & (window <= candidate.last_window)]
        members = np.unique(candidate.reviewers)
        block = self._refine(cells, members)
        if block.size == 0:
            return None
        return self._group(cells, block, candidate)

    def _refine(self, cells: IntArray, members: IntArray) -> IntArray:
        """The block's cells after dropping thin members and products (step 1), and members who
        rated the block's products on both sides of its star level (step 2)."""
        t = self.tensor
        self.is_member[:] = False
        self.is_member[members] = True
        block = self._thin(cells[self.is_member[t.reviewer[cells]]])
        if block.size == 0:
            return block
        level = int(np.bincount(t.rating[block], minlength=5).argmax())
        side = t.rating[block] >= 3 if level >= 3 else t.rating[block] <= 1
        off_side = np.unique(t.reviewer[block][~side])
        block = self._thin(block[~np.isin(t.reviewer[block], off_side)])
        if OFF_LEVEL_MEMBERS and block.size:
            block = self._thin(self._on_level(block))
        return self._thin(self._core_sellers(block))

    def _on_level(self, block: IntArray) -> IntArray:
        """Drop members most of whose block cells are off the block's star level: a paid
        account gives the campaign's stars (now and then the next level), an honest co-reviewer
        of the same popular products rates like everyone else."""
        t = self.tensor
        level = int(np.bincount(t.rating[block], minlength=5).argmax())
        inverse = np.unique(t.reviewer[block], return_inverse=True)[1]
        on = np.bincount(inverse, weights=(t.rating[block] == level).astype(np.float64))
        total = np.bincount(inverse)
        return block[(2 * on >= total)[inverse]]

    def _core_sellers(self, block: IntArray) -> IntArray:
        """Keep the sellers that a share ``SELLER_COVERAGE`` of the members reviewed (step 2:
        a pool's other campaign in the same weeks belongs to another group)."""
        t = self.tensor
        if block.size == 0:
            return block
        members = np.unique(t.reviewer[block])
        pairs = np.unique(t.seller[block] * np.int64(t.shape[1]) + t.reviewer[block])
        sellers, counts = np.unique(pairs // t.shape[1], return_counts=True)
        weak = sellers[counts < SELLER_COVERAGE * members.size]
        return block[~np.isin(t.seller[block], weak)]

    def _thin(self, block: IntArray) -> IntArray:
        t, p = self.tensor, self.params
        while block.size:
            pairs = np.unique(t.reviewer[block] * np.int64(t.shape[2]) + t.product[block])
            reviewer_of, product_of = pairs // t.shape[2], pairs % t.shape[2]
            r_codes, r_counts = np.unique(reviewer_of, return_counts=True)
            p_codes, p_counts = np.unique(product_of, return_counts=True)
            need = max(p.min_member_products, math.ceil(MEMBER_SHARE * p_codes.size))
            thin_r = r_codes[r_counts < need]
            thin_p = p_codes[p_counts < 2]
            if thin_r.size == 0 and thin_p.size == 0:
                break
            keep = ~np.isin(t.reviewer[block], thin_r) & ~np.isin(t.product[block], thin_p)
            block = block[keep]
        return block

    def _group(self, cells: IntArray, block: IntArray, candidate: Candidate) -> Group | None:
        t, p = self.tensor, self.params
        members = np.unique(t.reviewer[block])
        products = np.unique(t.product[block])
        sellers = np.unique(t.product_seller[products])
        windows = t.window[block]
        first, last = int(windows.min()), int(windows.max())
        if (
            members.size < p.min_reviewers
            or products.size < p.min_products
            or sellers.size > p.max_sellers
            or last - first + 1 > p.max_windows
        ):
            return None
        ratings = t.rating[block]
        level_counts = np.bincount(ratings, minlength=5)
        level = int(level_counts.argmax())
        rating_share = int(level_counts[side_levels(level)].sum()) / block.size
        rows = self._rows(block)
        several = int(np.count_nonzero(self.sessions(rows) >= 2))
        if several < p.min_reviewers:
            return None
        seller_density = self._seller_density(block, members, sellers)
        score, tail = self.side_score(block, rows, level)
        focus = self.focus(block, members, first, last)
        if (
            rating_share < p.min_rating_share
            or seller_density < p.min_seller_density
            or focus < p.min_focus
        ):
            return None
        evidence = self._evidence(block, members, products, sellers, rows)
        evidence.update(
            star_level=level + 1,
            rating_share=round(rating_share, 4),
            seller_density=round(seller_density, 4),
            focus=round(focus, 4),
            **tail,
            source=candidate.source,
        )
        return self._make(members, products, sellers, first, last, rows, score, evidence)

    def side_score(
        self, block: IntArray, rows: IntArray, level: int
    ) -> tuple[float, dict[str, Any]]:
        """Step 3 on the block's side L of the star scale (``side_levels(level)``): the score
        −log10 P(Poisson(λ) ≥ c), c the members' sessions among the block's reviews at L
        (``sessions``), λ = S · n_{P,L}(W) + Σ_u ℓ_u + λ_b; and the evidence that says so."""
        t = self.tensor
        levels = side_levels(level)
        members = np.unique(t.reviewer[block])
        products = np.unique(t.product[block])
        sellers = np.unique(t.product_seller[products])
        windows = t.window[block]
        first, last = int(windows.min()), int(windows.max())
        side_rows = rows[np.isin(self.events.rating[rows] - 1, levels)]
        observed = int(self.sessions(side_rows).sum())
        on_side = self.market_reviews(products, first, last, levels)
        share = float(self.activity[members].sum() / self.total)
        habit = float(self.loyal(members, sellers, first, last, levels).sum())
        expected = share * on_side + habit + self.bursts(block, members, levels)
        score = _tail_score(observed, expected)
        return score, {
            "expected_reviews": round(expected, 4),
            "observed_reviews": int(side_rows.size),
            "observed_sessions": observed,
            "product_reviews_in_window": on_side,
        }

    def score_without(self, group: Group, accounts: frozenset[str]) -> float:
        """The group's score (step 3) with ``accounts`` taken out of it: S over the other
        members, c their sessions on the group's side of the scale, λ = S · n_{P,L}(W) as
        before — whether the rest of the block is dense on its own evidence."""
        e = self.events
        if self._activity_by_code is None:
            known = e.reviewer >= 0
            self._activity_by_code = np.bincount(
                e.reviewer[known], minlength=len(e.reviewer_labels)
            ).astype(np.float64)
        rows = np.asarray(group.review_rows, dtype=np.int64)
        names = np.asarray(e.reviewer_labels, dtype=object)[e.reviewer[rows]]
        rest = rows[~np.isin(names, list(accounts))]
        codes = np.unique(e.reviewer[rest])
        share = float(self._activity_by_code[codes].sum() / self.total)
        levels = side_levels(int(group.evidence["star_level"]) - 1)
        observed = int(self.sessions(rest[np.isin(e.rating[rest] - 1, levels)]).sum())
        expected = share * float(group.evidence["product_reviews_in_window"])
        if observed == 0 or expected <= 0:
            return 0.0 if observed == 0 else 1e6
        return _tail_score(observed, expected)

    def sessions(self, rows: IntArray) -> IntArray:
        """Per distinct reviewer of the review ``rows`` (ascending code): its sessions — its
        reviews of one seller's products in spans of ``SESSION_DAYS`` counted from its first
        review of that seller among ``rows`` (day 0–6 one session, 7–13 the next, ...). A
        multi-item order is reviewed in one sitting or over a few days (one draw of the null,
        not one per product); a paid account rates each product on its own day of the
        campaign's weeks (distinct sessions, unless two fall in one span)."""
        e, t = self.events, self.tensor
        if rows.size == 0:
            return np.zeros(0, dtype=np.int64)
        _, who = np.unique(e.reviewer[rows], return_inverse=True)
        seller = t.product_seller[t.product[t.cell_of_review[rows]]]
        moment = e.timestamp_ms[rows]
        pair = who.astype(np.int64) * np.int64(t.shape[0]) + seller
        pairs, index = np.unique(pair, return_inverse=True)
        first = np.full(pairs.size, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, index, moment)
        span = (moment - first[index]) // int(SESSION_DAYS * DAY_MS)
        keys = np.unique(index.astype(np.int64) * np.int64(1 << 20) + span)
        return np.bincount(pairs[keys >> 20] // t.shape[0], minlength=int(who.max()) + 1)

    def _seller_density(self, block: IntArray, members: IntArray, sellers: IntArray) -> float:
        t = self.tensor
        pairs = np.unique(t.reviewer[block] * np.int64(t.shape[0]) + t.seller[block])
        return float(pairs.size / (members.size * sellers.size))

    def _rows(self, block: IntArray) -> IntArray:
        """Review rows of the events falling in the block's cells (ascending)."""
        cells = np.unique(block)
        start, stop = self.row_offsets[cells], self.row_offsets[cells + 1]
        lengths = stop - start
        # every row index of the cells' runs in rows_by_cell: start of its run + position in it
        steps = np.arange(int(lengths.sum()), dtype=np.int64)
        steps -= np.repeat(np.cumsum(lengths) - lengths, lengths)
        return np.sort(self.rows_by_cell[np.repeat(start, lengths) + steps])

    def _evidence(
        self, block: IntArray, members: IntArray, products: IntArray, sellers: IntArray,
        rows: IntArray,
    ) -> dict[str, Any]:  # fmt: skip
        t = self.tensor
        pairs = np.unique(t.reviewer[block] * np.int64(t.shape[2]) + t.product[block])
        moments = self.events.timestamp_ms[rows]
        reviewer = self.events.reviewer[rows]
        order = np.lexsort((moments, reviewer))
        gaps = np.diff(moments[order]) / DAY_MS
        same_member = np.diff(reviewer[order]) == 0
        member_gaps = gaps[same_member]
        return {
            "reviews": int(rows.size),
            "members": int(members.size),
            "products": int(products.size),
            "sellers": int(sellers.size),
            "pair_density": round(pairs.size / (members.size * products.size), 4),
            "median_gap_days": round(float(np.median(member_gaps)), 2) if member_gaps.size else 0.0,
        }

    def _make(
        self, members: IntArray, products: IntArray, sellers: IntArray, first: int, last: int,
        rows: IntArray, score: float, evidence: dict[str, Any],
    ) -> Group:  # fmt: skip
        t, e = self.tensor, self.events
        seller_codes = t.seller_codes[sellers]
        return Group(
            reviewers=tuple(e.reviewer_labels[c] for c in t.reviewer_codes[members].tolist()),
            products=tuple(e.product_labels[c] for c in t.product_codes[products].tolist()),
            sellers=tuple(e.seller_labels[c] for c in seller_codes.tolist() if c >= 0),
            start_ms=t.window_start_ms(first),
            end_ms=t.window_start_ms(last + 1),
            rating=float(e.rating[rows].mean()),
            score=float(score),
            evidence=evidence,
            review_rows=tuple(rows.tolist()),
        )


def _tail_score(observed: int, expected: float) -> float:
    """−log10 P(Poisson(expected) ≥ observed) (scipy's ``poisson.logsf``), capped at 10⁶."""
    if observed <= 0:
        return 0.0
    log_tail = float(stats.poisson.logsf(observed - 1, expected)) if expected > 0 else -np.inf
    return min(-log_tail / _LN10, 1e6)
