"""The group queue in Chromium at a desktop width: the default fit's demo group is listed with
every column in view, and its page shows members, products and sellers (screenshots kept)."""

import pytest

from reviewsec.groups.services import group_fit_run
from tests.browser.conftest import browser, screenshot  # noqa: F401 (the fixture)
from tests.groups.demo_data import store_demo_shop

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_group_queue_shows_the_demo_group_at_1280(browser, live_server, django_user_model):  # noqa: F811
    store_demo_shop()
    group = group_fit_run().groups.get()
    django_user_model.objects.create_superuser("mod", "mod@example.org", "pw-for-tests")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "mod")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/groups/reviewergroup/")
    headers = page.locator("#result_list thead th")
    headers.first.wait_for(timeout=10_000)
    screenshot(page, "admin-group-queue-1280")
    visible = page.locator("#changelist .results").bounding_box()
    boxes = [headers.nth(i).bounding_box() for i in range(headers.count())]
    assert len(boxes) >= 8
    assert all(box["x"] + box["width"] <= visible["x"] + visible["width"] + 1 for box in boxes)
    row = page.locator("#result_list tbody tr").first.inner_text()
    assert "Zentrix Direct" in row and "undecided" in row

    page.goto(f"{live_server.url}/admin/groups/reviewergroup/{group.pk}/change/")
    page.locator(".field-members_list").wait_for(timeout=10_000)
    screenshot(page, "admin-group-page-1280")
    text = page.inner_text("#content")
    assert "B0DEMO0011" in text and "Halcyon Trading Co." in text
    assert all(m.profile_id in text for m in group.members.all())
    context.close()
