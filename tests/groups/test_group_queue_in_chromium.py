"""The group queue in Chromium at a desktop width: the default fit's demo group is listed with
every column in view, and its page shows members, products and sellers (screenshots kept)."""

import pytest

from reviewsec.groups.services import group_fit_run
from tests.browser.conftest import (  # noqa: F401 (the fixtures)
    admin_page,
    browser,
    changelist_columns_in_view,
    screenshot,
)
from tests.groups.demo_data import store_demo_shop

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_group_queue_shows_the_demo_group_at_1280(admin_page, live_server):  # noqa: F811
    store_demo_shop()
    group = group_fit_run().groups.get()
    page = admin_page
    queue = f"{live_server.url}/admin/groups/reviewergroup/"
    assert changelist_columns_in_view(page, queue, "admin-group-queue-1280") >= 8
    row = page.locator("#result_list tbody tr").first.inner_text()
    assert "Zentrix Direct" in row and "undecided" in row

    page.goto(f"{live_server.url}/admin/groups/reviewergroup/{group.pk}/change/")
    page.locator(".field-members_list").wait_for(timeout=10_000)
    screenshot(page, "admin-group-page-1280")
    text = page.inner_text("#content")
    assert "B0DEMO0011" in text and "Halcyon Trading Co." in text
    assert all(m.profile_id in text for m in group.members.all())
