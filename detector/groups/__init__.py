"""Collusion groups across products and sellers (issue 17; DESIGN §4 "Groups"; SENTINEL, 2019).

Array-level API, in the order a caller uses it::

    from detector.groups import Label, GroupParams, find_groups, review_events

    events = review_events(reviewer_id=[...], product_id=[...], seller_id=[...] or None,
                           rating=[...], timestamp_ms=[...])          # ReviewEvents
    # or ReviewEvents.from_codes(reviewer=, product=, seller=, rating=, timestamp_ms=)
    labels = [Label(kind="reviewer", id="A1…", target="paid_reviews", abusive=True), ...]
    groups = find_groups(events, labels, params=GroupParams())       # list[Group], best first
    groups[0].to_dict()  # {"reviewers", "products", "sellers", "start", "end", "rating",
                         #  "score", "evidence"}  (ms; mean stars; −log10 tail probability)
    groups[0].review_rows  # rows of ``events`` the group covers

    product_group_evidence(events, groups)  # {product id: ProductGroupEvidence} (no names):
        # .reviewers_in_groups, .other_products, .other_sellers, .window_weeks, .sentence
    review_membership(events, groups)  # per review row: index of its group, -1 for none

Pipeline: ``review_tensor`` builds the sparse binary tensor over (seller, reviewer, product,
rating, window) (COO arrays, never dense); a search proposes candidate blocks —
``method="logistic_cp"`` (SENTINEL's base: Bayesian Logistic CP by variational Pólya-Gamma,
semi-supervised by the labels; ``detector.groups.logistic_cp``) or ``method="dense_block"`` (the
greedy D-Cube/M-Zoom peel; ``detector.groups.dense_block``) — and ``detector.groups.blocks``
judges every candidate by one rule and scores it. With ``params.refine`` every candidate is also
proposed after a rank-1 decomposition of its slice of the tensor against the judge's null
(``detector.groups.refine``: what co-review seeds miss — members who share no seed pair, weeks
across a grid border). Labels never put an entity in a group by
themselves; they shape the factors (the paper's multi-target extension).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from detector.groups.admission import admit
from detector.groups.blocks import BlockJudge, Candidate
from detector.groups.dense_block import dense_block_candidates
from detector.groups.events import (
    BadLabels,
    GroupInputError,
    Label,
    ReviewEvents,
    read_labels,
    review_events,
)
from detector.groups.learned_seeds import learned_seeds
from detector.groups.logistic_cp import ProductCells, logistic_cp_candidates, neighbourhood
from detector.groups.membership import (
    ProductGroupEvidence,
    product_group_evidence,
    review_membership,
)
from detector.groups.refine import refine
from detector.groups.result import Group, GroupParams
from detector.groups.tensor import ReviewTensor, review_tensor

LINKED_MEMBERS = 2  # confirmed accounts that make a block a known pool's (``_judged``)

__all__ = [
    "BadLabels",
    "Group",
    "GroupInputError",
    "GroupParams",
    "Label",
    "ProductGroupEvidence",
    "ReviewEvents",
    "ReviewTensor",
    "confirmed_accounts",
    "find_groups",
    "product_group_evidence",
    "read_labels",
    "review_events",
    "review_membership",
    "review_tensor",
    "score_bar",
]


def find_groups(
    events: ReviewEvents, labels: Sequence[Label] = (), *, params: GroupParams | None = None
) -> list[Group]:
    """The collusion groups among ``events``, strongest first, none overlapping in reviews."""
    params = params or GroupParams()
    tensor = review_tensor(
        events, window_days=params.window_days, min_reviewer_products=params.min_reviewer_products
    )
    if tensor.nnz == 0:
        return []
    judge = BlockJudge(tensor, events, params)
    candidates = _candidates(tensor, events, labels, params)
    if params.refine:
        candidates += [r for c in candidates if (r := refine(judge, c)) is not None]
    confirmed = confirmed_accounts(labels)
    groups = _judged(judge, candidates, params, confirmed)
    if confirmed:
        groups = _label_groups_on_own_evidence(judge, groups, confirmed, params)
    if params.learned_seeds and params.method == "logistic_cp" and confirmed:
        learned = _learned(judge, confirmed, params)
        if params.refine:
            learned += [r for c in learned if (r := refine(judge, c)) is not None]
        learned_groups = _judged(judge, learned, params, confirmed)

        def dense(group: Group, held: frozenset[str]) -> bool:
            return _new_members_dense(judge, group, held | confirmed, params)

        groups = _with_learned(groups, learned_groups, params, dense)
    return groups


def _with_learned(
    groups: list[Group], learned: list[Group], params: GroupParams,
    dense: Callable[[Group, frozenset[str]], bool] | None = None,
) -> list[Group]:  # fmt: skip
    """``groups`` and, strongest first, each group found on the learned seeds that holds
    ``min_reviewers`` members no group before it holds, when those are ``dense`` on their own
    (``find_groups`` passes ``_new_members_dense`` with the confirmed accounts also left out;
    None: no such test). Why apart from the other candidates: a learned seed is
    meant for a campaign the search missed; judged with the others, learned blocks around
    campaigns already found won the overlap pass with honest co-reviewers of their popular
    products in them (own generator seed 1, label draw 2: precision of the labelled fit 0.959
    -> 0.930, no member gained)."""
    members = {r for g in groups for r in g.reviewers}
    kept = list(groups)
    for group in learned:
        if len(set(group.reviewers) - members) < params.min_reviewers:
            continue
        if dense is not None and not dense(group, frozenset(members)):
            continue
        members |= set(group.reviewers)
        kept.append(group)
    kept.sort(key=lambda g: (-g.score, g.start_ms, g.products))
    return kept


def _new_members_dense(
    judge: BlockJudge, group: Group, known: frozenset[str], params: GroupParams
) -> bool:
    """Whether the members of a group the labels proposed that ``known`` leaves out (members
    of other groups, confirmed accounts) score ``params.learned_new_score`` on their own
    (``BlockJudge.score_without``). Why: a learned or label seed that lands beside a campaign
    already found or labelled makes a block whose score is that campaign's, with a few honest
    co-reviewers of its popular products as its only new members — the labels said where to
    look, the data must still show that the new ones belong. Measured on the tuning draws
    (eval_groups, own and indep generators, seeds 1–3, 3 random label draws each): the new
    members of such blocks scored 5.4, 5.7 and 9.5 (all honest; own s1 draw 2, own s3 draw 3),
    those of blocks that found a missed campaign 19.4 (5 of 7 paid; own s2 draws 1–2), 72.0
    and 114.9."""
    return judge.score_without(group, known) >= params.learned_new_score


def _label_groups_on_own_evidence(
    judge: BlockJudge, groups: list[Group], confirmed: frozenset[str], params: GroupParams
) -> list[Group]:
    """``groups`` without those proposed from a label seed (``logistic_cp``'s ``label:``
    candidates, started on confirmed accounts) that hold no confirmed account outside the other
    groups and whose members outside them and the confirmed accounts are not dense on their own
    (``_new_members_dense``): a second block of a pool already found, widened by honest
    co-reviewers (own generator seed 3, label draw 3: 28 confirmed accounts all in another
    group, 8 honest new members scoring 9.5). A label seed's block that holds confirmed
    accounts no other group holds is that pool's own group and stays."""
    kept = []
    for index, group in enumerate(groups):
        if str(group.evidence.get("source", "")).startswith("label:"):
            others = frozenset(r for j, g in enumerate(groups) if j != index for r in g.reviewers)
            alone = confirmed.intersection(group.reviewers) - others
            if not alone and not _new_members_dense(judge, group, others | confirmed, params):
                continue
        kept.append(group)
    return kept


def _candidates(
    tensor: ReviewTensor, events: ReviewEvents, labels: Sequence[Label], params: GroupParams
) -> list[Candidate]:
    if params.method == "dense_block":
        return dense_block_candidates(tensor, params.blocks, params.max_sellers)
    return logistic_cp_candidates(tensor, events, labels, params)


def _learned(judge: BlockJudge, confirmed: frozenset[str], params: GroupParams) -> list[Candidate]:
    """Candidates on the seeds learned from the confirmed accounts (``learned_seeds``): the
    pairs most like the confirmed pools', each grown by one step (``neighbourhood``)."""
    t, e = judge.tensor, judge.events
    if not confirmed:
        return []
    names = np.asarray(e.reviewer_labels, dtype=object)[t.reviewer_codes]
    rows = np.flatnonzero(np.isin(names, sorted(confirmed)))
    index = ProductCells(t)
    return [
        candidate
        for i, seed in enumerate(learned_seeds(t, rows, judge.activity))
        for candidate in neighbourhood(t, seed, params.max_sellers, f"learned:{i}", index)
    ]


def score_bar(tested: int, params: GroupParams, *, linked: bool = False) -> float:
    """−log10 of the Bonferroni level α/m for ``tested`` = m candidate blocks, floored at
    ``params.min_score`` unless the block is ``linked`` to confirmed accounts (``_judged``)."""
    bonferroni = math.log10(max(tested, 1) / params.alpha)
    return bonferroni if linked else max(params.min_score, bonferroni)


def confirmed_accounts(labels: Sequence[Label]) -> frozenset[str]:
    """Reviewer ids a moderator confirmed abusive (any target) and never cleared."""
    cleared = {x.id for x in labels if x.kind == "reviewer" and not x.abusive}
    return frozenset(x.id for x in labels if x.kind == "reviewer" and x.abusive) - cleared


def _admitted(judge: BlockJudge, groups: list[Group], rate: float) -> list[Group]:
    """Every accepted group with the members the admission test lets in
    (``detector.groups.admission``)."""
    t, e = judge.tensor, judge.events
    index_of = {e.product_labels[c]: i for i, c in enumerate(t.product_codes.tolist())}
    out = []
    for group in groups:
        products = np.array(sorted(index_of[p] for p in group.products), dtype=np.int64)
        admitted = admit(judge, group, products, rate)
        if admitted is not None:
            admitted.evidence.update(
                candidates_tested=group.evidence["candidates_tested"],
                score_bar=group.evidence["score_bar"],
            )
            if "confirmed_members" in group.evidence:
                admitted.evidence["confirmed_members"] = group.evidence["confirmed_members"]
            out.append(admitted)
    return out


def _judged(
    judge: BlockJudge, candidates: list[Candidate], params: GroupParams,
    confirmed: frozenset[str] = frozenset(),
) -> list[Group]:  # fmt: skip
    """Judge every candidate, keep those over the bar, then the strongest of overlapping groups
    (by review rows: a group with more than half its rows in stronger ones is dropped), unless
    the weaker one holds ``min_reviewers`` members no stronger group holds — a pool's two
    campaigns in the same weeks proposed as one block (a label seed of one of them starts on
    the pool) keep only the members with a share of all its products, and the smaller
    campaign's own group holds the rest (own generator seed 2, labels of campaigns 5 and 15:
    5 of campaign 10's 31 members). The bar is Bonferroni's over the candidates judged: a
    block's tail probability must be at most ``alpha / m``, i.e. ``score >= log10(m / alpha)``,
    so a search that proposes more blocks must show each one more surely.

    **The floor and the labels** (with ``params.lift_floor_for_confirmed``, off by default:
    see ``GroupParams``). ``min_score`` guards against what the null gets wrong, not
    against chance: honest shoppers review in bursts (a multi-item order, a sale week), and their
    blocks score far above any Bonferroni bar. A block holding ``LINKED_MEMBERS`` or more accounts
    a moderator confirmed abusive is not such a burst by an honest crowd: that pool was caught
    paying for reviews, and this block is where it worked again (SENTINEL's premise: abusive
    entities recur in the tensor). For such a block the floor is lifted and Bonferroni's bar
    alone applies — to the block without its confirmed accounts as well
    (``BlockJudge.score_without``): the confirmed accounts say where the pool worked, the data
    must still show that the others belong (four confirmed accounts and eight honest
    co-reviewers of two products make a block of score 18 whose other eight alone are not
    dense). The block's members are still whoever the data put in it, labels add no one,
    and every other rule (sizes, one star level, sellers, the core) is unchanged."""
    bar = score_bar(len(candidates), params)
    linked_bar = score_bar(len(candidates), params, linked=True)
    found = []
    for candidate in candidates:
        group = judge.judge(candidate)
        if group is None:
            continue
        known = len(confirmed.intersection(group.reviewers))
        linked = (
            params.lift_floor_for_confirmed
            and known >= LINKED_MEMBERS
            and group.score < bar
            and judge.score_without(group, confirmed) >= linked_bar
        )
        own_bar = linked_bar if linked else bar
        if group.score >= own_bar:
            group.evidence.update(candidates_tested=len(candidates), score_bar=round(own_bar, 4))
            if known:
                group.evidence.update(confirmed_members=known)
            found.append(group)
    if params.member_fdr > 0:
        found = _admitted(judge, found, params.member_fdr)
    found.sort(key=lambda g: (-g.score, g.start_ms, g.products))
    taken: set[int] = set()
    members: set[str] = set()
    kept = []
    for group in found:
        rows = set(group.review_rows)
        new_members = len(set(group.reviewers) - members)
        if len(rows & taken) > len(rows) // 2 and new_members < params.min_reviewers:
            continue
        taken |= rows
        members |= set(group.reviewers)
        kept.append(group)
    return kept
