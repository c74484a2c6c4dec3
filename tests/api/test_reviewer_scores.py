"""GET /api/v1/reviewers/{marketplace}/{profile_id}: scores about people, keys and moderators."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User

from reviewsec.analyses.reviewer_fits import reviewer_graph_fit
from reviewsec.api.keys import api_key_create
from reviewsec.moderation.services import MODERATORS_GROUP
from tests.analyses.reviewer_graph_data import planted_graph
from tests.factories import make_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored():
    data = planted_graph()
    fit = reviewer_graph_fit(min_reviews=100).fit
    return data, fit


def url(reviewer) -> str:
    return f"/api/v1/reviewers/{reviewer.marketplace}/{reviewer.profile_id}"


def test_anonymous_clients_are_told_they_need_a_key_or_a_moderator_login(api, scored) -> None:
    data, _ = scored

    response = api.get(url(data["honest"][0]))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    error = response.json()["error"]
    assert "API key" in error["message"] and "moderator" in error["message"]


def test_a_signed_in_user_who_is_no_moderator_is_refused(api, scored) -> None:
    data, _ = scored
    api.force_login(User.objects.create_user("shopper", is_staff=False))

    response = api.get(url(data["honest"][0]))

    assert response.status_code == 403
    assert "moderators and API clients only" in response.json()["error"]["message"]


def test_an_api_key_reads_the_scores_and_the_products_behind_them(api, scored) -> None:
    data, fit = scored
    _, raw_key = api_key_create(name="researcher")
    reviewer = data["honest"][0]

    response = api.get(url(reviewer), HTTP_AUTHORIZATION=f"Api-Key {raw_key}")

    assert response.status_code == 200
    body = response.json()
    score = fit.scores.get(reviewer=reviewer)
    assert body["fit"]["version"] == fit.version
    assert body["reliability"] == pytest.approx(score.reliability)
    assert body["confidence"] == pytest.approx(score.confidence)
    assert body["suspicion"] == pytest.approx(score.suspicion)
    assert body["reviews"] == 6 == body["products_total"]  # 5 reviews + 1 profile-only product
    sources = sorted(p["source"] for p in body["products"])
    assert sources == ["profile"] + ["review"] * 5
    first = body["products"][0]
    assert set(first) == {"marketplace", "asin", "rating", "date", "source"}
    assert dt.date.fromisoformat(first["date"]) >= dt.date.fromisoformat(
        body["products"][1]["date"]
    )


def test_a_moderator_signed_in_to_the_admin_reads_them_too(api, scored) -> None:
    data, _ = scored
    moderator = User.objects.create_user("moderator", is_staff=True)
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    api.force_login(moderator)

    response = api.get(url(data["campaign"][0]))

    assert response.status_code == 200
    assert response.json()["reviews"] == 1


def test_unknown_reviewers_and_marketplaces_are_404_and_no_fit_means_null_scores(api) -> None:
    _, raw_key = api_key_create(name="researcher")
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {raw_key}"}
    reviewer = make_reviewer()

    assert api.get("/api/v1/reviewers/amazon.com/nobody", **auth).status_code == 404
    assert (
        api.get(f"/api/v1/reviewers/evil.example/{reviewer.profile_id}", **auth).status_code == 404
    )
    body = api.get(url(reviewer), **auth).json()
    assert body["fit"] is None and body["suspicion"] is None and body["products"] == []


def test_the_endpoint_is_in_the_openapi_schema(api) -> None:
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    operation = schema["paths"]["/api/v1/reviewers/{marketplace}/{profile_id}"]["get"]
    assert operation["operationId"] == "reviewers_retrieve"
    assert {"200", "401", "403", "404"} <= set(operation["responses"])
