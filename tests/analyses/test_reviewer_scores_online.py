"""Online updates: new reviews change their reviewers' stored scores before the next verdict."""

import datetime as dt

import numpy as np
import pytest

from detector.reviewers import graph_append, reliability_update, reviewer_scores
from reviewsec.analyses.reviewer_fits import reviewer_graph_fit, reviewer_scores_refresh
from reviewsec.analyses.reviewer_graph import stored_review_graph
from reviewsec.analyses.reviewer_models import ReviewerScore
from reviewsec.analyses.services import analysis_create
from tests.analyses.reviewer_graph_data import planted_graph
from tests.factories import make_review, make_reviewer

pytestmark = pytest.mark.django_db


def test_new_reviews_update_their_reviewers_as_a_full_graph_update_would() -> None:
    data = planted_graph()
    fit = reviewer_graph_fit(min_reviews=100).fit
    before = stored_review_graph()
    full = reviewer_scores(before.graph).reliability  # what the stored fit holds, in memory
    target = data["products"][3]
    critic = data["honest"][0]
    old = ReviewerScore.objects.get(fit=fit, reviewer=critic)
    newcomer = make_reviewer()
    make_review(target, reviewer=critic, rating=1, posted_date=dt.date(2024, 12, 1))
    make_review(target, reviewer=newcomer, rating=5, posted_date=dt.date(2024, 12, 2))
    make_review(target, rating=5, posted_date=dt.date(2024, 12, 3))  # unattributed

    outcome = reviewer_scores_refresh(product=target)

    assert outcome.reviewers == 3 and 0 < outcome.ratings < before.graph.n_reviews
    critic_code = int(np.flatnonzero(before.reviewer_pk == critic.id)[0])
    product_code = before.product_keys.index((target.marketplace, target.asin))
    appended = graph_append(
        before.graph,
        user_id=[str(critic_code), "newcomer", None],
        product_id=[str(product_code)] * 3,
        rating=[1, 5, 5],
        timestamp_ms=[0, 0, 0],
    )
    oracle = reliability_update(full, appended, first_new_row=before.graph.n_reviews)
    updated = ReviewerScore.objects.get(fit=fit, reviewer=critic)
    assert updated.reviews == old.reviews + 1 and updated.updated_online_at is not None
    assert updated.alpha == pytest.approx(oracle.alpha[critic_code], rel=1e-6)
    assert updated.alpha != pytest.approx(old.alpha, rel=1e-3)
    assert updated.confidence == pytest.approx(oracle.confidence[critic_code], rel=1e-9)
    fresh = ReviewerScore.objects.get(fit=fit, reviewer=newcomer)
    assert fresh.reviews == 1
    assert fresh.alpha == pytest.approx(oracle.alpha[before.graph.n_reviewers], rel=1e-6)
    assert ReviewerScore.objects.filter(fit=fit, review__product=target, reviewer=None).count() == 1

    again = reviewer_scores_refresh(product=target)  # idempotent
    assert again.reviewers == 3
    assert ReviewerScore.objects.get(fit=fit, reviewer=critic).alpha == pytest.approx(updated.alpha)


def test_a_verdict_uses_the_active_fit_and_names_its_version() -> None:
    data = planted_graph()
    fit = reviewer_graph_fit(min_reviews=100).fit
    target = data["products"][3]
    make_review(target, reviewer=make_reviewer(), rating=5, posted_date=dt.date(2024, 12, 2))

    analysis = analysis_create(product=target)

    assert analysis.parameters["reviewer_fit"] == fit.version
    block = analysis.verdict["reviewers"]
    assert block["base_suspect_share"] == pytest.approx(fit.base_suspect_share, abs=1e-4)
    assert block["plain_mean"] is not None and "adjusted_interval" in block


def test_without_a_fit_the_verdict_uses_the_products_own_reviews() -> None:
    data = planted_graph()

    analysis = analysis_create(product=data["products"][3])

    assert analysis.parameters["reviewer_fit"] is None
    assert analysis.verdict["reviewers"]["base_suspect_share"] is None
