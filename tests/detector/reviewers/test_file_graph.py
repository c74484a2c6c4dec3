"""The file graph of ``python -m detector`` takes the reviews' reported account histories."""

import json

import numpy as np

from detector.columns import ProductTable
from detector.file_graph import file_review_graph, fit_file_graph
from detector.read_columns import read_columns
from detector.reviewers import review_graph, reviewer_scores


def _write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def _records(with_counts: bool):
    rng = np.random.default_rng(5)
    out = []
    for k in range(300):
        user = f"u{rng.integers(0, 60)}" if k % 7 else f"once{k}"
        record = {
            "rating": int(rng.integers(1, 6)),
            "timestamp": 1_600_000_000_000 + int(rng.integers(0, 10**9)),
            "user_id": user,
            "parent_asin": f"P{rng.integers(0, 8)}",
            "verified_purchase": bool(rng.random() < 0.7),
        }
        if with_counts:
            record["reviewer_review_count"] = 40 if user.startswith("once") else 3
        out.append(record)
    return out


def test_the_reported_history_reaches_the_graph_and_its_features(tmp_path):
    path = tmp_path / "reviews.jsonl"
    _write(path, _records(with_counts=True))
    table = ProductTable.from_columns(read_columns(path))
    graph = file_review_graph(table)
    assert graph.reported_reviews is not None
    once = [code for code, label in enumerate(graph.reviewer_labels) if label.startswith("once")]
    fitted = fit_file_graph(table)
    features = reviewer_scores(graph).features
    assert (features.reviews[once] == 1).all()  # one review in the file ...
    assert (features.history[once] == 40).all()  # ... forty on the profile
    assert not features.one_review[once].any()
    # the same scores as the graph built from the file's columns by hand
    c = table.columns
    by_hand = review_graph(
        user_id=[c.user_labels[u] for u in c.user.tolist()],
        product_id=c.product.astype(str),
        rating=c.rating.astype(np.float64),
        timestamp_ms=graph.timestamp_ms,
        verified=c.verified == 1,
        reported_reviews=c.reviewer_review_count,
    )
    expected = reviewer_scores(by_hand)
    np.testing.assert_allclose(fitted.review_suspicion, expected.review_suspicion)
    np.testing.assert_allclose(fitted.reviewer_suspicion, expected.reviewer_suspicion)
    np.testing.assert_allclose(fitted.reliability, expected.reliability.reliability)
    np.testing.assert_array_equal(fitted.reviews, features.reviews)


def test_a_file_without_reported_histories_has_no_such_column(tmp_path):
    path = tmp_path / "reviews.jsonl"
    _write(path, _records(with_counts=False))
    graph = file_review_graph(ProductTable.from_columns(read_columns(path)))
    assert graph.reported_reviews is None
