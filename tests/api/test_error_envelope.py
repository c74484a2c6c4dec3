"""Every failure under /api/v1/ reads the same: {"error": {"code", "message"}}."""

import pytest
from kombu.exceptions import OperationalError

from reviewsec.api import views

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_an_unknown_api_path_is_a_404_in_the_envelope(api, method) -> None:
    response = getattr(api, method)("/api/v1/no/such/thing")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_wrong_method_is_a_405_in_the_envelope(api) -> None:
    response = api.get("/api/v1/analyses")

    assert response.status_code == 405
    assert response.json() == {
        "error": {"code": "method_not_allowed", "message": 'Method "GET" not allowed.'}
    }


def test_an_unreachable_broker_is_a_503_with_retry_after(api, monkeypatch) -> None:
    def broker_down(**kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(views, "analysis_request", broker_down)

    response = api.post("/api/v1/analyses", {"asin": "B0BBPNPZTC"}, format="json")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert response["Retry-After"] == "30"


def test_an_unexpected_crash_is_a_500_in_the_envelope(api, monkeypatch) -> None:
    def crash(**kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(views, "analysis_request", crash)

    response = api.post("/api/v1/analyses", {"asin": "B0BBPNPZTC"}, format="json")

    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal_error", "message": "Something went wrong on our side."}
    }
