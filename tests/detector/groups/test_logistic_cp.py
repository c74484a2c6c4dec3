"""The Logistic CP fit on a tensor with a known answer: a planted dense block (a rank-one rise of
the logits over its reviewers × products × stars × week, among random background cells) is what
the component started on part of it (half its members, four of its six products) reads after the
sweeps: the rest of its members, more of its products, and none of the background's reviewers."""

import numpy as np
import pytest

from detector.groups import ReviewEvents, review_tensor
from detector.groups.logistic_cp import ENTRY_SHARE, LogisticCPFit, candidates_from_fit, logistic_cp
from detector.groups.seeds import Seed

WEEK_MS = 7 * 86_400_000


def _planted(seed: int):  # type: ignore[no-untyped-def]
    """1,500 reviewers with 2–6 random reviews over 40 products and 30 weeks; 25 of them also
    rated 5 stars to 6 of the products within week 12 (each member most of the six)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(2, 7, 1500)
    reviewer = np.repeat(np.arange(1500), counts)
    product = rng.integers(0, 40, reviewer.size)
    rating = rng.integers(1, 6, reviewer.size)
    ms = rng.integers(0, 30 * WEEK_MS, reviewer.size)
    members = rng.choice(1500, 25, replace=False)
    block = rng.choice(40, 6, replace=False)
    who, what = np.meshgrid(members, block, indexing="ij")
    keep = rng.random(who.shape) < 0.85
    planted = (who[keep], what[keep])
    reviewer = np.concatenate([reviewer, planted[0]])
    product = np.concatenate([product, planted[1]])
    rating = np.concatenate([rating, np.full(planted[0].size, 5)])
    ms = np.concatenate([ms, 12 * WEEK_MS + rng.integers(0, WEEK_MS, planted[0].size)])
    events = ReviewEvents.from_codes(
        reviewer=reviewer, product=product, seller=product // 10, rating=rating, timestamp_ms=ms
    )
    tensor = review_tensor(events)
    member_rows = np.searchsorted(tensor.reviewer_codes, members)
    block_rows = np.searchsorted(tensor.product_codes, block)
    return tensor, set(member_rows.tolist()), set(block_rows.tolist())


def _partial_starts(tensor, members: set[int], block: set[int], seed: int) -> list[Seed]:  # type: ignore[no-untyped-def]  # fmt: skip
    """A start on part of the block (12 of its members, 4 of its products, its week) and one on
    random cells elsewhere (a second component)."""
    rng = np.random.default_rng(seed)
    strangers = rng.choice(sorted(set(range(tensor.shape[1])) - members), 20, replace=False)
    others = rng.choice(sorted(set(range(tensor.shape[2])) - block), 4, replace=False)
    noise = Seed(set(others.tolist()), set(strangers.tolist()), 20, 20, 0.0)
    return [Seed(set(sorted(block)[:4]), set(sorted(members)[:12]), 12, 12, 0.0), noise]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_planted_block_is_completed_from_part_of_it(seed: int) -> None:
    tensor, members, block = _planted(seed)
    starts = _partial_starts(tensor, members, block, seed)
    fit = logistic_cp(tensor, iterations=30, batch=50_000, seed=seed, starts=starts)
    best = [c for c in candidates_from_fit(fit) if c.source == "logistic_cp:0"]
    assert len(best) == 1
    found = set(best[0].reviewers.tolist())
    assert len(found & members) / len(members) >= 0.9
    assert len(found & members) / len(found) >= 0.9
    products = set(best[0].products.tolist())
    assert products <= block and len(products) >= 5  # four started, one or two more read
    assert best[0].first_window <= 12 <= best[0].last_window
    assert best[0].last_window - best[0].first_window <= 2


def _column_by_column(fit: LogisticCPFit) -> list[tuple[list[int], list[int], int, int, str]]:
    """The reading of ``candidates_from_fit`` written plainly, one component's columns at a time."""
    out = []
    for component in range(fit.shrinkage.size):
        columns = [m[:, component] for m in fit.mean]
        signs = [1.0 if c.max() >= -c.min() else -1.0 for c in columns]
        if np.prod(signs) < 0:
            continue
        large = [s * c >= ENTRY_SHARE * (s * c).max() for s, c in zip(signs, columns, strict=True)]
        window = np.flatnonzero(large[4])
        runs = np.split(window, np.flatnonzero(np.diff(window) > 2) + 1) if window.size else []
        for run in runs:
            out.append((np.flatnonzero(large[1]).tolist(), np.flatnonzero(large[2]).tolist(),
                        int(run[0]), int(run[-1]), f"logistic_cp:{component}"))  # fmt: skip
    return out


def test_candidates_are_the_large_entries_of_each_component() -> None:
    rng = np.random.default_rng(5)
    sizes, rank = (7, 300, 50, 5, 30), 12
    mean = [rng.normal(0, 1, (n, rank)).astype(np.float32) for n in sizes]
    fit = LogisticCPFit(mean, [np.ones_like(m) for m in mean], -1.0, np.ones(rank), {}, [])
    got = [(c.reviewers.tolist(), c.products.tolist(), c.first_window, c.last_window, c.source)
           for c in candidates_from_fit(fit)]  # fmt: skip
    assert got == _column_by_column(fit)
    assert len({c[4] for c in got}) < rank  # some components lower their block's logit
