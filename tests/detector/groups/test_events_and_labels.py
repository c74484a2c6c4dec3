"""Coding review events and reading labels: ids, unknowns, readable errors."""

import json
from pathlib import Path

import numpy as np
import pytest

from detector.groups import BadLabels, GroupInputError, GroupParams, read_labels, review_events


def test_ids_are_coded_in_order_of_first_appearance_with_unknowns_minus_one() -> None:
    events = review_events(
        reviewer_id=["b", None, "a", "b"], product_id=["p", "q", "p", "q"],
        seller_id=["s", "", None, "s"], rating=[5, 4.6, 1, 3], timestamp_ms=[1, 2, 3, 4],
    )  # fmt: skip
    assert events.reviewer.tolist() == [0, -1, 1, 0]
    assert list(events.reviewer_labels) == ["b", "a"]
    assert events.seller.tolist() == [0, -1, -1, 0]
    assert events.rating.tolist() == [5, 5, 1, 3]


def test_mismatched_lengths_and_bad_ratings_are_refused() -> None:
    with pytest.raises(GroupInputError, match="expected 2 entries"):
        review_events(reviewer_id=["a"], product_id=["p", "q"], rating=[1, 2], timestamp_ms=[1, 2])
    with pytest.raises(GroupInputError, match="1 to 5"):
        review_events(reviewer_id=["a"], product_id=["p"], rating=[7], timestamp_ms=[1])


def test_labels_are_read_and_bad_lines_named(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    good = {"kind": "seller", "id": "S1", "target": "paid_reviews", "abusive": True}
    path.write_text(json.dumps(good) + "\n\n" + json.dumps({**good, "kind": "shop"}) + "\n")
    with pytest.raises(BadLabels, match="line 3: 'kind'"):
        read_labels(path)
    path.write_text(json.dumps(good) + "\n")
    (label,) = read_labels(path)
    assert (label.kind, label.id, label.abusive) == ("seller", "S1", True)


def test_params_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="window_days"):
        GroupParams(window_days=0)
    with pytest.raises(ValueError, match="rank"):
        GroupParams(rank=0)
    assert np.isfinite(GroupParams().min_score)
