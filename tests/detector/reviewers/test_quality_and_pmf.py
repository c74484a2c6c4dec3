import numpy as np
import pytest
from scipy.optimize import minimize

from detector.reviewers.graph import review_graph
from detector.reviewers.pmf import pmf_fit, pmf_residuals
from detector.reviewers.quality import precision_weights, review_quality

DAY = 86_400_000


def small_graph(seed=0, n=400, votes=True):
    rng = np.random.default_rng(seed)
    users = [f"u{k}" for k in rng.integers(0, 60, n)]
    products = [f"p{k}" for k in rng.integers(0, 12, n)]
    length = rng.integers(10, 2000, n).astype(float)
    helpful = rng.poisson(length / 400) if votes else np.zeros(n)
    return review_graph(
        user_id=users,
        product_id=products,
        rating=rng.integers(1, 6, n).astype(float),
        timestamp_ms=rng.integers(0, 700, n) * DAY,
        verified=rng.random(n) < 0.8,
        helpful_votes=helpful.astype(float),
        text_length=length,
    )


def test_votes_beyond_the_exposure_share_raise_quality_and_thin_feedback_is_predicted():
    graph = small_graph()
    q = review_quality(graph)
    assert ((q.quality > 0) & (q.quality < 1)).all()
    obs = q.observed
    votes = graph.helpful_votes
    assert q.quality[obs & (votes > 2 * q.expected_votes + 2)].mean() > 0.5
    assert q.quality[obs & (votes == 0) & (q.expected_votes > 2)].mean() < 0.5
    assert q.coefficients["log_length"] > 0  # votes were drawn in proportion to length
    w = q.weight()
    assert w.mean() == pytest.approx(1.0) and w.min() > 0


def test_the_ridge_prediction_matches_scikit_learn():
    from sklearn.linear_model import Ridge

    graph = small_graph(1)
    q = review_quality(graph, ridge=3.0)
    names = [k for k in q.coefficients if k != "intercept"]
    age = np.log1p((graph.timestamp_ms.max() - graph.timestamp_ms) / DAY)
    cols = {
        "log_length": np.log1p(graph.text_length),
        "verified": graph.verified.astype(float),
        "extremity": np.abs(graph.rating - 3) / 2,
        "log_age": age,
    }
    x = np.column_stack([cols[k] for k in names])[q.observed]
    z = (x - x.mean(0)) / x.std(0)
    reference = Ridge(alpha=3.0).fit(z, q.quality[q.observed])
    np.testing.assert_allclose([q.coefficients[k] for k in names], reference.coef_, atol=1e-10)


def test_without_votes_everything_is_predicted():
    q = review_quality(small_graph(2, votes=False))
    assert not q.observed.any()
    np.testing.assert_allclose(q.quality, 0.5)


def _loss(params, graph, w, k, lam, lam_b, mu):
    nu, ni = graph.n_reviewers, graph.n_products
    b, c = params[:nu], params[nu : nu + ni]
    U = params[nu + ni : nu + ni + nu * k].reshape(nu, k)
    V = params[nu + ni + nu * k :].reshape(ni, k)
    u, i = graph.reviewer, graph.product
    pred = mu + b[u] + c[i] + np.sum(U[u] * V[i], 1)
    return 0.5 * np.sum(w * (graph.rating - pred) ** 2) + 0.5 * (
        lam * (np.sum(U**2) + np.sum(V**2)) + lam_b * (np.sum(b**2) + np.sum(c**2))
    )


def test_als_reaches_at_least_the_optimum_of_a_general_minimiser():
    graph = small_graph(3, n=150)
    w = np.random.default_rng(0).uniform(0.2, 2, graph.n_reviews)
    fit = pmf_fit(graph, w, rank=2, regularization=2.0, bias_regularization=1.0, sweeps=300)
    params = np.concatenate(
        [
            fit.reviewer_bias,
            fit.product_bias,
            fit.reviewer_factors.ravel(),
            fit.product_factors.ravel(),
        ]
    )
    args = (graph, w, 2, 2.0, 1.0, fit.mean)
    reference = minimize(_loss, params * 0 + 0.01, args=args, method="L-BFGS-B", tol=1e-12)
    assert _loss(params, *args) <= reference.fun + 1e-6


def test_a_zero_weight_rating_does_not_change_the_fit_and_residuals_are_exposed():
    graph = small_graph(4, n=200)
    w = np.ones(graph.n_reviews)
    w[0] = 0.0
    with_zero = pmf_fit(graph, w, sweeps=10)
    rows = np.arange(1, graph.n_reviews)
    without = pmf_fit(graph, rows=rows, sweeps=10)
    np.testing.assert_allclose(with_zero.product_factors, without.product_factors, atol=1e-10)
    residual = pmf_residuals(with_zero, graph)
    assert residual.shape == graph.rating.shape and np.isfinite(residual).all()


def test_precision_weights_follow_the_log_variance_regression_of_statsmodels():
    import statsmodels.api as sm

    graph = small_graph(5, n=300)
    q = review_quality(graph)
    rng = np.random.default_rng(5)
    # planted: reviews of high quality are noisier (as helpful reviews are on Amazon)
    residual = rng.normal(0, 0.3 + 1.5 * q.quality)
    w = precision_weights(q, residual)
    logit = np.log(q.quality / (1 - q.quality))
    columns = [logit] + ([q.observed.astype(float)] if 0 < q.observed.mean() < 1 else [])
    design = sm.add_constant(np.column_stack(columns), has_constant="add")
    beta = sm.OLS(np.log(residual**2 + 0.01), design).fit().params
    expected = np.exp(-(design[:, 1:] @ beta[1:]))
    np.testing.assert_allclose(w, expected / expected.mean(), rtol=1e-9)
    assert w.mean() == pytest.approx(1.0)
    assert np.corrcoef(w, q.quality)[0, 1] < -0.5  # noisier reviews weigh less
    half = precision_weights(q, residual, strength=0.5)
    np.testing.assert_allclose(half, np.sqrt(w) / np.sqrt(w).mean(), rtol=1e-9)
