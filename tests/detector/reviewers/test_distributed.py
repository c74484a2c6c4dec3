import numpy as np
import pytest

from detector.reviewers.graph import review_graph
from detector.reviewers.reliability import reliability_fit

distributed = pytest.importorskip("distributed")


@pytest.mark.slow
def test_the_dask_fit_gives_the_in_memory_numbers():
    from detector.reviewers.distributed import reliability_fit_distributed, split_graph

    rng = np.random.default_rng(7)
    n = 20_000
    graph = review_graph(
        user_id=[f"u{k}" for k in rng.integers(0, 3000, n)],
        product_id=[f"p{k}" for k in rng.integers(0, 400, n)],
        rating=rng.integers(1, 6, n).astype(float),
        timestamp_ms=np.zeros(n, dtype=np.int64),
    )
    expected = reliability_fit(graph)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = reliability_fit_distributed(split_graph(graph, 4), client)
    assert got.converged and expected.converged
    for name in ("alpha", "reliability", "confidence", "quality", "quality_se"):
        np.testing.assert_allclose(getattr(got, name), getattr(expected, name), rtol=0, atol=1e-9)
    assert got.loss == pytest.approx(expected.loss, abs=1e-6)
    assert got.global_mean == pytest.approx(expected.global_mean, abs=1e-12)
