"""The review tensor against a reference written with numpy's unique: its cells, their order,
the codes and the map from reviews to cells."""

from __future__ import annotations

import numpy as np
import pytest

from detector.groups import ReviewEvents, review_tensor
from detector.groups.tensor import distinct_counts

DAY_MS = 86_400_000


def _events(seed: int, reviews: int = 4000) -> ReviewEvents:
    rng = np.random.default_rng(seed)
    product = rng.integers(0, 60, reviews)
    reviewer = np.minimum(rng.zipf(1.6, reviews), 900) - 1
    reviewer[rng.random(reviews) < 0.05] = -1  # unknown reviewers
    ms = rng.integers(0, 50 * DAY_MS, reviews)
    ms[: reviews // 3] = ms[reviews // 3 : 2 * (reviews // 3)]  # duplicates: one cell
    return ReviewEvents(
        reviewer=reviewer, product=product, seller=np.where(product % 5 == 0, -1, product // 4),
        rating=rng.integers(1, 6, reviews), timestamp_ms=ms + 7 * DAY_MS,
        reviewer_labels=tuple(str(i) for i in range(900)),
        product_labels=tuple(str(i) for i in range(60)),
        seller_labels=tuple(str(i) for i in range(15)),
    )  # fmt: skip


@pytest.mark.parametrize(("seed", "min_products"), [(1, 2), (2, 2), (3, 3), (4, 1)])
def test_cells_are_the_distinct_reviews_of_active_reviewers(seed: int, min_products: int) -> None:
    events = _events(seed)
    tensor = review_tensor(events, window_days=3.0, min_reviewer_products=min_products)
    known = events.reviewer >= 0
    pairs = np.unique(events.reviewer[known] * 60 + events.product[known])
    per_reviewer = np.bincount(pairs // 60, minlength=900)
    rows = np.flatnonzero(known & (per_reviewer[np.maximum(events.reviewer, 0)] >= min_products))
    reviewer_codes, reviewer = np.unique(events.reviewer[rows], return_inverse=True)
    product_codes, product = np.unique(events.product[rows], return_inverse=True)
    window = (events.timestamp_ms[rows] - events.timestamp_ms.min()) // (3 * DAY_MS)
    n_windows = int(window.max()) + 1
    key = ((product * reviewer_codes.size + reviewer) * 5 + events.rating[rows] - 1) * n_windows
    _, first, cell_of_row = np.unique(key + window, return_index=True, return_inverse=True)

    assert np.array_equal(tensor.reviewer_codes, reviewer_codes)
    assert np.array_equal(tensor.product_codes, product_codes)
    assert np.array_equal(tensor.reviewer, reviewer[first])
    assert np.array_equal(tensor.product, product[first])
    assert np.array_equal(tensor.rating, events.rating[rows][first] - 1)
    assert np.array_equal(tensor.window, window[first])
    expected_cells = np.full(events.n_reviews, -1)
    expected_cells[rows] = cell_of_row
    assert np.array_equal(tensor.cell_of_review, expected_cells)
    assert tensor.shape[1:] == (reviewer_codes.size, product_codes.size, 5, n_windows)
    assert tensor.nnz < rows.size  # the duplicates collapsed
    sellers = events.seller[rows][first]  # a product's own slot where its seller is unknown
    assert np.array_equal(tensor.seller_codes[tensor.seller], sellers)
    unknown = sellers < 0
    assert np.unique(tensor.seller[unknown]).size == np.unique(tensor.product[unknown]).size


def test_distinct_counts_count_each_groups_values_once() -> None:
    rng = np.random.default_rng(5)
    group, value = rng.integers(0, 50, 3000), rng.integers(0, 40, 3000)
    expected = np.bincount(np.unique(group * 40 + value) // 40, minlength=60)
    assert np.array_equal(distinct_counts(group, value, 60, 40), expected)
