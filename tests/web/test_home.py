"""The home page and the admin answer on a freshly migrated database."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_paste_box(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"Paste an Amazon product link or ASIN" in response.content


def test_an_admin_can_log_in_and_see_the_catalog(admin_client: Client) -> None:
    response = admin_client.get("/admin/catalog/product/")
    assert response.status_code == 200
    for path in (
        "/admin/catalog/review/",
        "/admin/analyses/crawljob/",
        "/admin/analyses/analysis/",
        "/admin/analyses/referencemodelversion/",
    ):
        assert admin_client.get(path).status_code == 200, path
