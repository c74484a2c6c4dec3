"""/healthz details (nodes, PIDs, timings) only for staff or HEALTHZ_TOKEN (issue 14, 12)."""

import pytest
from django.contrib.auth import get_user_model

from reviewsec.health import checks

pytestmark = pytest.mark.django_db

NODES = [{"node": "celery@worker-1", "pid": 4242, "age_s": 1.0}]


@pytest.fixture
def worker_live(settings, monkeypatch) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.HEALTHZ_TOKEN = "s3cret-token"
    monkeypatch.setattr(checks, "broker_check", lambda: {"status": "ok"})
    monkeypatch.setattr(checks, "heartbeats_live", lambda **kwargs: NODES)
    monkeypatch.setitem(checks.CHECKS, "broker", lambda: {"status": "ok"})


def test_the_public_answer_is_statuses_only(client, worker_live) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {name: {"status": "ok"} for name in checks.CHECKS},
    }
    assert b"worker-1" not in response.content and b"4242" not in response.content


@pytest.mark.parametrize("header", ["Bearer wrong", "Bearer ", "s3cret-token-x"])
def test_a_wrong_token_gets_the_public_answer(client, worker_live, header) -> None:
    assert b"worker-1" not in client.get("/healthz", HTTP_AUTHORIZATION=header).content


def test_the_token_shows_the_details(client, worker_live) -> None:
    body = client.get("/healthz", HTTP_AUTHORIZATION="Bearer s3cret-token").json()
    assert body["checks"]["workers"]["nodes"] == NODES
    assert "ms" in body["checks"]["database"]


def test_staff_see_the_details_and_other_users_do_not(client, worker_live) -> None:
    user = get_user_model().objects.create_user("shopper", password="x")
    client.force_login(user)
    assert b"worker-1" not in client.get("/healthz").content
    user.is_staff = True
    user.save()
    assert client.get("/healthz").json()["checks"]["workers"]["nodes"] == NODES
