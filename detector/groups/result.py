"""What a group fit returns, and its knobs: frozen dataclasses with ``to_dict``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Method = Literal["logistic_cp", "dense_block"]

__all__ = ["Group", "GroupParams", "Method"]


@dataclass(frozen=True)
class Group:
    """One collusion group: a dense block of reviewers × products (× sellers) in a time window.

    ``reviewers``, ``products`` and ``sellers`` are the ids the events carry (sellers the block's
    products belong to, unknown sellers left out); ``start_ms``/``end_ms`` bound the window (end
    exclusive); ``rating`` is the mean stars of the block's reviews; ``score`` is −log10 of the
    Poisson tail probability of the block's reviews at its dominant rating given the products'
    reviews in the window and the members' activity (see ``detector.groups.blocks``);
    ``evidence`` says what makes it dense (counts, densities, the expected count, timing).
    ``review_rows`` are the rows of the events the block covers (for per-review membership).
    """

    reviewers: tuple[str, ...]
    products: tuple[str, ...]
    sellers: tuple[str, ...]
    start_ms: int
    end_ms: int
    rating: float
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)
    review_rows: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The ``--groups-out`` line (issue 17's contract) plus ``evidence``."""
        return {
            "reviewers": list(self.reviewers),
            "products": list(self.products),
            "sellers": list(self.sellers),
            "start": self.start_ms,
            "end": self.end_ms,
            "rating": round(self.rating, 4),
            "score": round(self.score, 4),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class GroupParams:
    """Knobs of ``find_groups``; the defaults are the ones ``benchmarks/eval_groups.py`` reports.

    Tensor: ``window_days`` (width of a time window), reviewers need ``min_reviewer_products``
    distinct products to enter. Acceptance of a block: at least ``min_reviewers`` members (each
    with reviews of ``min_member_products`` of the block's products), ``min_products`` products,
    at most ``max_sellers`` sellers, at most ``max_windows`` windows, a share ``min_rating_share``
    of its reviews at one star level, ``min_seller_density`` of member × seller pairs reviewed,
    and a tail probability at most ``alpha`` / (candidates judged) — Bonferroni's family-wise
    bar, ``score >= log10(m / alpha)`` — and ``score >= min_score``, a floor. Why a floor: the
    null treats a reviewer's sessions as independent draws, but honest shoppers still meet in
    ways it does not model (the same popular bundle bought by a few buyers, a sale's products),
    and blocks of such shoppers stitched by the search reach scores above any Bonferroni bar
    (≈ 4–5 for 10²–10³ candidates). With the session count (``BlockJudge.side_score``) the
    honest-majority blocks that pass every other rule score at most 18.4 on the planted
    marketplaces' seeds 1–3 of both generators (they reached 50.7 with member-days, when the
    floor was 40); 25 leaves a margin of 10^6.6 in tail probability over them.
    Logistic CP: ``rank`` components (the shrinkage prior switches
    off those it does not need), ``extra_seeds`` seeds past the ``rank`` first each proposed
    through its neighbourhood without a component of its own (a campaign's co-reviews can rank
    below hundreds of honest look-alikes' pairs; the judge's Bonferroni bar counts them),
    ``iterations`` passes, ``negatives`` sampled zero cells per
    non-zero cell, ``batch`` cells per stochastic step, ``seed``; ``refine``: every candidate is
    also proposed after the rank-1 decomposition of its slice (``detector.groups.refine``).
    Dense blocks: ``blocks`` to peel in each slab of weeks (``detector.groups.dense_block``).
    ``lift_floor_for_confirmed``: a block holding two or more confirmed accounts faces
    Bonferroni's bar instead of the floor (``detector.groups._judged``). Off by default: on the
    planted marketplaces it found no member the label seeds did not, and let honest co-reviewers
    of a confirmed pool in (precision of the labelled fit 0.965 -> 0.936 on the own generator's
    held-out seed 4, 0.949 -> 0.936 on the independent one's seed 1). Re-measured with the
    session score and the floor 25 (ed77088): the same recall with it on or off on indep s1's
    four label draws (its draw among linked campaigns 0.906 -> 0.983 either way: the label
    seeds) and indep s2's first, whose precision it lowers 0.980 -> 0.970.
    ``learned_seeds``: with confirmed accounts among the labels, the co-reviewed pairs most like
    the confirmed pools' (a logistic regression of their pairs against all others,
    ``detector.groups.learned_seeds``) start candidate blocks of their own, judged like every
    other: how labels reach a campaign that shares no account or seller with a labelled one.
    ``learned_new_score``: a group proposed from a learned or a label seed is kept only when
    its members outside the other groups and the confirmed accounts score this much on their
    own (``detector.groups._new_members_dense``: honest co-reviewers beside a campaign already
    found scored 5.4–9.5 on the tuning draws, a missed campaign's members 19.4 and more).
    ``min_focus``: the block's share of its members' cells in its windows
    (``BlockJudge.focus``: deal hunters on a sale's products review many others that week);
    co-review seeds face a lower bar of their own (``seeds.MIN_SEED_FOCUS``).
    ``member_fdr``: the false-discovery rate of the admission pass over each accepted group's
    reviewers (``detector.groups.admission``; 0 switches it off).
    Values outside their range raise ``ValueError`` with a message for people.
    """

    method: Method = "logistic_cp"
    window_days: float = 7.0
    min_reviewer_products: int = 2
    min_reviewers: int = 5
    min_member_products: int = 2
    min_products: int = 2
    max_sellers: int = 3
    max_windows: int = 16
    min_rating_share: float = 0.8
    min_seller_density: float = 0.4
    min_focus: float = 0.25
    alpha: float = 0.01
    min_score: float = 25.0  # see above: honest blocks ≤ 18.4
    rank: int = 96
    extra_seeds: int = 224
    iterations: int = 10
    negatives: int = 4
    batch: int = 200_000
    seed: int = 0
    blocks: int = 4
    refine: bool = True
    lift_floor_for_confirmed: bool = False
    learned_seeds: bool = True
    learned_new_score: float = 10.0
    member_fdr: float = 0.05

    def __post_init__(self) -> None:
        if self.method not in ("logistic_cp", "dense_block"):
            raise ValueError(f"method must be 'logistic_cp' or 'dense_block', got {self.method!r}")
        if not (1.0 / 24 <= self.window_days <= 366):
            raise ValueError("window_days must lie between one hour (1/24) and 366 days")
        positive = ("min_reviewer_products", "min_reviewers", "min_member_products",
                    "min_products", "max_sellers", "max_windows", "rank", "negatives", "batch",
                    "blocks")  # fmt: skip
        low = [name for name in positive if getattr(self, name) < 1]
        if self.extra_seeds < 0:
            raise ValueError("extra_seeds must be at least 0")
        if low or self.iterations < 0:
            raise ValueError(f"{', '.join(low) or 'iterations'} must be at least 1 (iterations 0)")
        if not (0 < self.alpha < 1) or not (self.min_score >= 0):
            raise ValueError("alpha must lie strictly between 0 and 1, min_score must be ≥ 0")
        if not (0 <= self.min_focus <= 1):
            raise ValueError("min_focus is a share in [0, 1]")
        if not (self.learned_new_score >= 0):
            raise ValueError("learned_new_score must be ≥ 0")
        if not (0 <= self.member_fdr < 1):
            raise ValueError("member_fdr is a rate in [0, 1) (0: no admission pass)")
        if not (0 <= self.min_rating_share <= 1 and 0 <= self.min_seller_density <= 1):
            raise ValueError("min_rating_share and min_seller_density are shares in [0, 1]")
