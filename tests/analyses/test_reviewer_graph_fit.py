"""The database-wide reviewer-graph fit: what it reads, what it stores, when it is activated."""

import numpy as np
import pytest
from django_celery_beat.models import PeriodicTask

from reviewsec.analyses.reviewer_fits import reviewer_graph_fit
from reviewsec.analyses.reviewer_graph import stored_review_graph
from reviewsec.analyses.reviewer_models import FitStatus, ReviewerGraphFit, ReviewerScore
from reviewsec.catalog.models import Review
from tests.analyses.reviewer_graph_data import counts, planted_graph

pytestmark = pytest.mark.django_db


def test_the_graph_holds_every_review_once_and_each_unattributed_review_alone() -> None:
    planted_graph()
    stored = stored_review_graph(chunk_size=50)  # several chunks

    ratings, subjects = counts()
    assert stored.graph.n_reviews == ratings
    assert stored.graph.n_reviewers == subjects
    assert (stored.review_pk >= 0).sum() == 3  # the three uploaded reviews, one reviewer each
    assert stored.graph.n_products == 10 + 60  # history adds products never crawled
    assert stored.last_review_id == Review.objects.latest("id").id


def test_a_fit_stores_a_score_per_reviewer_and_activates_when_sane() -> None:
    data = planted_graph()

    outcome = reviewer_graph_fit(min_reviews=100)

    fit = outcome.fit
    assert outcome.activated and fit.is_active and fit.status == FitStatus.DONE
    ratings, subjects = counts()
    assert (fit.reviews, fit.reviewers, fit.products) == (ratings, subjects, 70)
    assert fit.scores.count() == subjects
    assert 0 <= fit.base_suspect_share < 0.5 and fit.seconds > 0
    assert {"prior", "global_mean", "mixture"} <= set(fit.parameters)
    scores = {row.reviewer_id: row for row in fit.scores.exclude(reviewer=None)}
    campaign = np.mean([scores[r.id].suspicion for r in data["campaign"]])
    honest = np.mean([scores[r.id].suspicion for r in data["honest"]])
    assert campaign > honest + 0.3
    # A long, agreeing history earns reliability and confidence; one review earns little.
    assert np.mean([scores[r.id].confidence for r in data["honest"]]) > 2 * np.mean(
        [scores[r.id].confidence for r in data["campaign"]]
    )
    assert scores[data["honest"][0].id].reviews == 6  # 5 reviews + 1 history row not repeated


def test_a_second_fit_replaces_the_first_and_a_refused_fit_leaves_it_active() -> None:
    planted_graph()
    first = reviewer_graph_fit(min_reviews=100).fit
    second = reviewer_graph_fit(min_reviews=100).fit
    refused = reviewer_graph_fit(min_reviews=10**6)

    assert not refused.activated and refused.fit.status == FitStatus.REFUSED
    assert "a fit needs 1000000" in refused.fit.reason
    assert list(ReviewerGraphFit.objects.filter(is_active=True)) == [second]
    first.refresh_from_db()
    assert not first.is_active and first.scores.exists()  # the one before keeps its scores
    assert not ReviewerScore.objects.filter(fit=refused.fit).exists()


def test_the_fit_is_a_beat_row_the_admin_edits_and_its_task_runs() -> None:
    from reviewsec.analyses.tasks import reviewer_graph_fit_task
    from reviewsec.celery import app

    app.loader.import_default_modules()
    row = PeriodicTask.objects.select_related("crontab").get(
        task="reviewsec.analyses.reviewer_graph_fit"
    )
    assert row.enabled and row.task in app.tasks
    assert (row.crontab.minute, row.crontab.hour, row.crontab.day_of_week) == ("15", "2", "*")

    result = reviewer_graph_fit_task.apply().get()
    assert result["activated"] is False and "ratings; a fit needs" in result["reason"]


def test_the_base_share_is_taken_on_the_scale_products_are_served() -> None:
    """Verdicts get each review's reviewer score from the stored rows, so the fit's baseline
    share of suspect reviews is the reviews-weighted share of stored scores under weight ½ —
    computed here from the rows themselves, with the weight's linear ramp written out."""
    from detector.reviewers.adjusted import SUSPICION_HIGH, SUSPICION_LOW

    planted_graph()
    fit = reviewer_graph_fit(min_reviews=100).fit

    rows = list(fit.scores.values_list("suspicion", "reviews"))
    suspicion = np.array([s for s, _ in rows])
    reviews = np.array([n for _, n in rows])
    weight = np.clip((SUSPICION_HIGH - suspicion) / (SUSPICION_HIGH - SUSPICION_LOW), 0, 1)
    expected = reviews[weight < 0.5].sum() / reviews.sum()
    assert fit.base_suspect_share == pytest.approx(expected, abs=1e-12)
