"""An ASIN in a path or body is checked as an ASIN, never parsed as a link (issue 14, item 11)."""

import pytest

pytestmark = pytest.mark.django_db

MESSAGE = "asin: 'a.co/xyz12' is not an ASIN: an ASIN is 10 letters and digits, such as B0BBPNPZTC."


@pytest.mark.parametrize("asin", ["0", "127.0.0.1", "amazon.de", "a.co-xyz12", "B0BBPNPZTC1"])
def test_a_path_asin_that_is_not_one_is_a_readable_400(api, asin) -> None:
    response = api.get(f"/api/v1/products/amazon.de/{asin}/verdict")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_product"
    assert "ASIN is 10 letters and digits" in response.json()["error"]["message"]
    assert "IP address" not in response.json()["error"]["message"]


def test_a_body_asin_that_looks_like_a_link_is_a_readable_400(api) -> None:
    response = api.post(
        "/api/v1/analyses", {"asin": "a.co/xyz12", "marketplace": "amazon.de"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == MESSAGE
