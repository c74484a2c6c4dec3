"""The verdict page's "Who wrote the reviews" panel: aggregates from the graph fit, no names."""

import datetime as dt

import pytest
from django.test import Client

from reviewsec.analyses.models import Analysis
from reviewsec.analyses.reviewer_fits import reviewer_graph_fit
from reviewsec.analyses.services import analysis_create, reference_model_active
from reviewsec.catalog.models import Reviewer
from tests.analyses.reviewer_graph_data import planted_graph
from tests.factories import make_product, make_review

pytestmark = pytest.mark.django_db


def test_the_panel_shows_the_adjusted_rating_and_shares_but_never_a_reviewer() -> None:
    data = planted_graph()
    target = data["products"][3]  # the 2-star product a 5-star campaign hit
    for day in range(25):  # enough honest reviews for a judged verdict
        make_review(target, rating=2, posted_date=dt.date(2024, 3, 1) + dt.timedelta(days=day))
    reviewer_graph_fit(min_reviews=100)
    analysis = analysis_create(product=target)
    block = analysis.verdict["reviewers"]

    page = Client().get(f"/p/{target.marketplace}/{target.asin}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-panel="reviewers"' in html and "Who wrote the reviews" in html
    assert f"{block['adjusted_rating']:.1f}" in html
    assert f"{block['plain_mean']:.2f}" in html
    assert 'data-field="reviewers-suspect-share"' in html
    assert "across every product we hold" in html  # the graph fit's base share
    for reviewer in Reviewer.objects.all():
        assert reviewer.display_name not in html
        assert reviewer.profile_id not in html


def test_a_verdict_without_a_reviewers_block_has_no_panel() -> None:
    row, _ = reference_model_active()
    product = make_product()
    Analysis.objects.create(
        product=product,
        reference_model=row,
        detector_version="old",
        verdict={
            "verdict": {"category": "insufficient_data", "reasons": []},
            "reviews_analyzed": 3,
        },
        category="insufficient_data",
    )

    html = Client().get(f"/p/{product.marketplace}/{product.asin}/").content.decode()

    assert 'data-panel="reviewers"' not in html
