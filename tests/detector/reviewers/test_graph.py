import numpy as np
import pytest

from detector.reviewers.graph import GraphInputError, graph_append, review_graph


def small_graph():
    return review_graph(
        user_id=["a", None, "b", "a", "", "b"],
        product_id=["p", "p", "q", "q", "q", "r"],
        rating=[5, 1, 4, 3, 2, 5],
        timestamp_ms=[0, 1, 2, 3, 4, 5],
        verified=[True, False, True, True, False, True],
    )


def test_each_review_without_a_reviewer_is_its_own_reviewer():
    graph = small_graph()
    assert graph.reviewer_labels == ["a", None, "b", None]
    assert graph.reviewer.tolist() == [0, 1, 2, 0, 3, 2]
    assert graph.reviews_per_reviewer().tolist() == [2, 1, 2, 1]


def test_products_are_coded_in_order_of_first_appearance():
    graph = small_graph()
    assert graph.product_labels == ["p", "q", "r"]
    assert graph.product.tolist() == [0, 0, 1, 1, 1, 2]


def test_sparse_matrices_hold_the_ratings():
    matrix = small_graph().rating_matrix()
    assert matrix.shape == (4, 3)
    assert matrix.nnz == 6
    assert matrix[0, 1] == 3
    assert small_graph().incidence().sum() == 6


def test_appending_keeps_old_codes():
    graph = graph_append(
        small_graph(),
        user_id=["b", "c", None],
        product_id=["s", "p", "p"],
        rating=[1, 2, 3],
        timestamp_ms=[6, 7, 8],
    )
    assert graph.reviewer_labels == ["a", None, "b", None, "c", None]
    assert graph.product_labels == ["p", "q", "r", "s"]
    assert graph.reviewer[-3:].tolist() == [2, 4, 5]
    assert graph.product[-3:].tolist() == [3, 0, 0]
    assert graph.verified is not None and graph.verified[-3:].tolist() == [False] * 3


def test_it_refuses_ratings_off_the_scale():
    with pytest.raises(GraphInputError, match="between 1 and 5"):
        review_graph(user_id=["a"], product_id=["p"], rating=[6], timestamp_ms=[0])


def test_it_refuses_arrays_of_different_lengths():
    with pytest.raises(GraphInputError, match="timestamp_ms"):
        review_graph(user_id=["a", "b"], product_id=["p", "q"], rating=[1, 2], timestamp_ms=[0])


def test_memory_is_linear_in_the_ratings():
    rng = np.random.default_rng(1)
    n = 20_000
    graph = review_graph(
        user_id=[str(u) for u in rng.integers(0, 5000, n)],
        product_id=[str(p) for p in rng.integers(0, 500, n)],
        rating=rng.integers(1, 6, n),
        timestamp_ms=np.zeros(n),
    )
    matrix = graph.rating_matrix()
    assert matrix.data.nbytes + matrix.indices.nbytes <= 16 * n


def test_a_reported_history_lengthens_what_the_graph_saw_and_survives_appending():
    graph = review_graph(
        user_id=["a", "a", "b", None],
        product_id=["p", "q", "p", "q"],
        rating=[5, 4, 1, 3],
        timestamp_ms=[0, 1, 2, 3],
        reported_reviews=[np.nan, 1.0, 12.0, np.nan],
    )
    # a: two reviews here, a stale profile count of 1; b: one here, twelve on the profile
    assert graph.history_per_reviewer().tolist() == [2, 12, 1]
    longer = graph_append(graph, user_id=["b"], product_id=["q"], rating=[2], timestamp_ms=[4])
    assert longer.history_per_reviewer().tolist() == [2, 12, 1]
    assert np.isnan(longer.reported_reviews[-1])
