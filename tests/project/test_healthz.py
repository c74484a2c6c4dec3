"""GET /healthz: database, cache, broker and worker heartbeats, 200 when healthy, 503 if not."""

import pytest

from reviewsec.health.heartbeat import NODE_KEY, NODES_KEY, Heartbeat, redis_client

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: a connection is refused at once.
UNREACHABLE_REDIS = "redis://:hunter2@127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def with_token(client, settings) -> None:
    """These tests read the details, which need HEALTHZ_TOKEN (test_healthz_details.py)."""
    settings.HEALTHZ_TOKEN = "probe-token"
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer probe-token"


@pytest.fixture
def embedded(settings) -> None:
    """Tasks in-process: no broker or worker to check, whatever the environment has."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


def test_in_the_embedded_mode_the_broker_and_workers_are_in_process(client, embedded) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "ok"
    statuses = {name: check["status"] for name, check in body["checks"].items()}
    assert statuses == {
        "database": "ok",
        "cache": "ok",
        "broker": "in-process",
        "workers": "in-process",
        "beat": "in-process",
    }


def test_probes_get_an_answer_by_ip_over_plain_http(client, settings, embedded) -> None:
    settings.ALLOWED_HOSTS = ["reviewsec.example"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200


def test_it_is_never_rate_limited(client, settings, embedded) -> None:
    settings.API_RATE_ANON = "1/minute"

    assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]


def test_it_only_reads(client) -> None:
    assert client.post("/healthz").status_code == 405


def test_a_broken_cache_is_a_503_that_gives_nothing_away(client, settings, embedded) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"] == {"status": "error", "error": "ConnectionError", "ms": ANY_MS}
    assert body["checks"]["database"]["status"] == "ok"
    assert "hunter2" not in response.text and "127.0.0.1" not in response.text


def test_an_unreachable_broker_is_a_503(client, settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = UNREACHABLE_REDIS

    response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"]["status"] == "error"
    assert checks["workers"]["status"] == "error"
    assert "hunter2" not in response.text


class _AnyMs:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, float) and other >= 0


ANY_MS = _AnyMs()


# --- With Redis: heartbeats ------------------------------------------------------------------


@pytest.fixture
def heartbeat_redis(redis_url: str, settings) -> str:
    """A Redis database of its own (15), so no real worker's heartbeat can show up in it."""
    url = redis_url.rsplit("/", 1)[0] + "/15"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = url
    client = redis_client(url)
    client.delete(NODES_KEY, *client.keys(NODE_KEY.format(node="*")))
    return url


def _beat(url: str, node: str, role: str = "worker", interval_s: float = 10) -> Heartbeat:
    heartbeat = Heartbeat(node=node, role=role, redis_url=url, interval_s=interval_s)
    heartbeat.beat()
    return heartbeat


@pytest.mark.integration
def test_without_a_live_worker_it_is_a_503(client, heartbeat_redis) -> None:
    response = client.get("/healthz")

    assert response.status_code == 503
    workers = response.json()["checks"]["workers"]
    assert workers["status"] == "error" and workers["count"] == 0


@pytest.mark.integration
def test_a_live_worker_is_reported_and_a_missing_beat_does_not_fail_it(
    client, heartbeat_redis
) -> None:
    _beat(heartbeat_redis, "celery@worker-1")

    response = client.get("/healthz")

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["broker"]["status"] == "ok"
    assert checks["workers"]["count"] == 1
    (node,) = checks["workers"]["nodes"]
    assert node["node"] == "celery@worker-1" and set(node) == {"node", "pid", "age_s"}
    assert checks["beat"]["status"] == "missing"


@pytest.mark.integration
def test_beat_is_reported_by_its_own_heartbeat(client, heartbeat_redis) -> None:
    _beat(heartbeat_redis, "celery@worker-1")
    _beat(heartbeat_redis, "beat@scheduler", role="beat")

    checks = client.get("/healthz").json()["checks"]

    assert checks["beat"]["status"] == "ok"
    assert [node["node"] for node in checks["workers"]["nodes"]] == ["celery@worker-1"]


@pytest.mark.integration
def test_a_clean_stop_withdraws_the_heartbeat_at_once(client, heartbeat_redis) -> None:
    _beat(heartbeat_redis, "celery@worker-1").stop()

    assert client.get("/healthz").json()["checks"]["workers"]["count"] == 0


@pytest.mark.integration
def test_a_dead_nodes_heartbeat_expires_and_its_name_is_forgotten(heartbeat_redis) -> None:
    import time

    from reviewsec.health.heartbeat import heartbeats_live

    _beat(heartbeat_redis, "celery@killed", interval_s=0.3)  # expires after 3 missed beats: 1 s
    assert [node["node"] for node in heartbeats_live(redis_url=heartbeat_redis)] == [
        "celery@killed"
    ]
    time.sleep(1.2)

    assert heartbeats_live(redis_url=heartbeat_redis) == []
    assert redis_client(heartbeat_redis).smembers(NODES_KEY) == set()
