"""API keys: stored hashed, verified by prefix and hash, shown raw once in the admin."""

import pytest
from django.contrib.auth import get_user_model

from reviewsec.api.keys import api_key_create, api_key_verify
from reviewsec.api.models import ApiKey

pytestmark = pytest.mark.django_db


def test_the_raw_key_is_not_stored() -> None:
    key, raw_key = api_key_create(name="partner")

    stored = ApiKey.objects.values_list("prefix", "hashed_key").get(id=key.id)
    secret = raw_key.split("_", 2)[2]  # the secret itself may contain "_"
    assert raw_key.startswith(f"rsk_{key.prefix}_")
    assert secret not in "".join(stored)


def test_a_key_verifies_and_records_its_use() -> None:
    key, raw_key = api_key_create(name="partner")

    assert api_key_verify(raw_key=raw_key) == key
    key.refresh_from_db()
    assert key.last_used_at is not None


@pytest.mark.parametrize("tamper", [lambda k: k[:-1] + "x", lambda k: k.replace("rsk_", "")])
def test_a_tampered_key_does_not_verify(tamper) -> None:
    _, raw_key = api_key_create(name="partner")

    assert api_key_verify(raw_key=tamper(raw_key)) is None


def test_the_admin_shows_the_new_key_once(client) -> None:
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)

    response = client.post("/admin/api/apikey/add/", {"name": "browser extension"})

    assert response.status_code == 200
    raw_key = response.context["raw_key"]
    assert raw_key in response.content.decode()
    assert api_key_verify(raw_key=raw_key) == ApiKey.objects.get(name="browser extension")
    listing = client.get("/admin/api/apikey/").content.decode()
    assert raw_key not in listing
