import numpy as np
import pytest
from scipy.optimize import minimize

from detector.reviewers.graph import graph_append, review_graph, review_graph_from_codes
from detector.reviewers.reliability import (
    ReliabilityPrior,
    reliability_fit,
    reliability_loss,
    reliability_update,
)


def random_graph(seed, n_reviewers=25, n_products=8, n=120):
    rng = np.random.default_rng(seed)
    reviewer = rng.integers(0, n_reviewers, n)
    product = rng.integers(0, n_products, n)
    reviewer[:n_reviewers] = np.arange(n_reviewers)
    product[:n_products] = np.arange(n_products)
    rating = rng.integers(1, 6, n)
    return review_graph_from_codes(
        reviewer=reviewer, product=product, rating=rating, timestamp_ms=np.zeros(n)
    )


def direct_minimum(graph, prior, mu):
    """Minimise the MAP loss in (x, log α) with scipy and an analytic gradient."""
    n_products = graph.n_products

    def loss_and_gradient(z):
        quality, alpha = z[:n_products], np.exp(z[n_products:])
        residual = graph.rating - quality[graph.product]
        weight = alpha[graph.reviewer]
        grad_x = -np.bincount(graph.product, weight * residual, n_products)
        grad_x += prior.quality_precision * (quality - mu)
        counts = np.bincount(graph.reviewer, minlength=graph.n_reviewers)
        squared = np.bincount(graph.reviewer, residual**2, graph.n_reviewers)
        grad_log_alpha = (
            -0.5 * counts
            + 0.5 * alpha * squared
            - (prior.alpha_shape - 1)
            + prior.alpha_rate * alpha
        )
        value = reliability_loss(graph, quality, alpha, prior, mu)
        return value, np.concatenate([grad_x, grad_log_alpha])

    start = np.concatenate([np.full(n_products, mu), np.zeros(graph.n_reviewers)])
    result = minimize(
        loss_and_gradient,
        start,
        jac=True,
        method="L-BFGS-B",
        options={"ftol": 1e-15, "gtol": 1e-11},
    )
    return result.x[:n_products], np.exp(result.x[n_products:]), result.fun


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    "prior",
    [ReliabilityPrior(), ReliabilityPrior(alpha_shape=3.0, alpha_rate=1.0, quality_precision=0.2)],
)
def test_it_reaches_the_optimum_of_the_map_loss(seed, prior):
    graph = random_graph(seed)
    fit = reliability_fit(graph, prior=prior)
    quality, alpha, loss = direct_minimum(graph, prior, fit.global_mean)
    assert fit.converged
    np.testing.assert_allclose(fit.quality, quality, atol=1e-6)
    np.testing.assert_allclose(fit.alpha, alpha, atol=1e-6)
    assert fit.loss == pytest.approx(loss, abs=1e-9)


def test_it_recovers_planted_noisy_and_precise_reviewers():
    rng = np.random.default_rng(7)
    n_reviewers, n_products, n = 400, 80, 8000
    sigma = np.where(np.arange(n_reviewers) < 200, 0.25, 1.8)
    truth = rng.uniform(1.5, 4.5, n_products)
    reviewer = rng.integers(0, n_reviewers, n)
    product = rng.integers(0, n_products, n)
    rating = np.clip(truth[product] + sigma[reviewer] * rng.standard_normal(n), 1, 5)
    graph = review_graph_from_codes(
        reviewer=reviewer, product=product, rating=rating, timestamp_ms=np.zeros(n)
    )
    fit = reliability_fit(graph)
    precise, noisy = fit.reliability[:200], fit.reliability[200:]
    assert np.min(precise) > np.max(noisy)
    assert np.median(precise) > 5 * np.median(noisy)
    plain = np.bincount(product, rating) / np.bincount(product)
    assert np.mean(np.abs(fit.quality - truth)) < 0.6 * np.mean(np.abs(plain - truth))
    assert np.all(fit.quality_se < 0.2)


def test_a_reviewer_with_one_review_keeps_a_low_confidence_prior():
    graph = review_graph(
        user_id=["old"] * 20 + ["new"],
        product_id=[f"p{k}" for k in range(20)] + ["p0"],
        rating=[4] * 20 + [4],
        timestamp_ms=np.zeros(21),
    )
    fit = reliability_fit(graph)
    old, new = fit.reliability
    prior = fit.prior
    assert new < (prior.alpha_shape + 0.5) / prior.alpha_rate + 1e-9
    assert old > 3 * new
    assert fit.confidence[1] == pytest.approx(0.5 / (prior.alpha_shape + 0.5))
    assert fit.confidence[0] > 0.8


def test_a_thousand_new_accounts_weigh_less_than_a_thousand_established_ones():
    rng = np.random.default_rng(3)
    honest = 300
    users = [f"h{k}" for k in range(honest) for _ in range(10)]
    products = [f"p{rng.integers(0, 60)}" for _ in range(honest * 10)]
    ratings = list(np.clip(np.rint(3.5 + 0.5 * rng.standard_normal(honest * 10)), 1, 5))
    users += [f"h{k}" for k in range(100)] + [f"fake{k}" for k in range(100)]
    products += ["target"] * 200
    ratings += [3] * 100 + [5] * 100
    graph = review_graph(
        user_id=users, product_id=products, rating=ratings, timestamp_ms=np.zeros(len(users))
    )
    fit = reliability_fit(graph)
    target = graph.product_labels.index("target")
    assert fit.quality[target] < 3.5  # the plain mean is 4.0


def test_an_online_update_matches_a_refit_closely_and_touches_only_its_block():
    rng = np.random.default_rng(5)
    n = 3000
    users = [f"u{k}" for k in rng.integers(0, 300, n)]
    products = [f"p{k}" for k in rng.integers(0, 60, n)]
    ratings = np.clip(np.rint(3.8 + rng.standard_normal(n)), 1, 5)
    graph = review_graph(
        user_id=users, product_id=products, rating=ratings, timestamp_ms=np.zeros(n)
    )
    fit = reliability_fit(graph)
    bigger = graph_append(
        graph,
        user_id=["u1", "u2", "newcomer"],
        product_id=["p1", "brand-new", "p1"],
        rating=[1, 5, 1],
        timestamp_ms=[1, 1, 1],
    )
    updated = reliability_update(fit, bigger, first_new_row=n)
    refit = reliability_fit(bigger)
    refit_mu = reliability_fit(bigger, prior=fit.prior)
    assert updated.quality.shape == (61,)
    stale = np.abs(fit.quality - refit.quality[:60]).max()
    assert np.abs(updated.quality - refit_mu.quality).max() < 0.02
    assert np.abs(updated.quality - refit_mu.quality).max() < stale
    p1 = bigger.product_labels.index("p1")
    assert updated.quality[p1] < fit.quality[p1]
    touched_products = set(bigger.product[np.isin(bigger.reviewer, bigger.reviewer[n:])].tolist())
    untouched = np.setdiff1d(np.arange(60), sorted(touched_products))
    np.testing.assert_array_equal(updated.quality[untouched], fit.quality[untouched])


def numpy_sweeps(
    reviewer,
    product,
    rating,
    product_reviewer,
    product_product,
    product_rating,
    reviewers,
    products,
    counts,
    quality,
    alpha,
    shape_less_one,
    rate,
    prior_term,
    precision,
    tol,
    max_sweeps,
):
    """The block coordinate descent written with numpy (bincount sums in row order): α of the
    given reviewers, then x of the given products, until max |Δx| < tol."""
    for sweep in range(1, max_sweeps + 1):
        residual = rating - quality[product]
        squared = np.bincount(reviewer, weights=residual * residual, minlength=alpha.size)
        alpha[reviewers] = (shape_less_one + 0.5 * counts[reviewers]) / (
            rate + 0.5 * squared[reviewers]
        )
        a = alpha[product_reviewer]
        weighted = np.bincount(product_product, weights=a * product_rating, minlength=quality.size)
        weights = np.bincount(product_product, weights=a, minlength=quality.size)
        new = (prior_term + weighted[products]) / (precision + weights[products])
        change = float(np.max(np.abs(new - quality[products]))) if products.size else 0.0
        quality[products] = new
        if change < tol:
            return sweep, True
    return max_sweeps, False


@pytest.mark.parametrize("seed", [3, 4])
def test_the_compiled_sweeps_are_numpy_sweeps_to_the_bit(seed, monkeypatch):
    """Every sweep runs in one compiled call (``_sweeps``), a full fit's and an update's: the
    same numbers bit for bit as the closed forms written with numpy."""
    from detector.reviewers import reliability

    graph = random_graph(seed, n_reviewers=300, n_products=40, n=3000)
    prior = ReliabilityPrior(alpha_shape=3.0, alpha_rate=1.5, quality_precision=0.7)
    rng = np.random.default_rng(seed)
    bigger = graph_append(
        graph,
        user_id=[f"u{k}" for k in rng.integers(0, 320, 40)],
        product_id=[f"p{k}" for k in rng.integers(0, 45, 40)],
        rating=rng.integers(1, 6, 40),
        timestamp_ms=np.ones(40),
    )
    compiled = reliability_fit(graph, prior=prior)
    compiled_update = reliability_update(compiled, bigger, first_new_row=graph.n_reviews)
    monkeypatch.setattr(reliability, "_sweeps", numpy_sweeps)
    plain = reliability_fit(graph, prior=prior)
    plain_update = reliability_update(plain, bigger, first_new_row=graph.n_reviews)
    for ours, theirs in ((compiled, plain), (compiled_update, plain_update)):
        assert ours.sweeps == theirs.sweeps
        np.testing.assert_array_equal(ours.alpha, theirs.alpha)
        np.testing.assert_array_equal(ours.quality, theirs.quality)
        assert ours.loss == theirs.loss
