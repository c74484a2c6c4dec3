"""The moderators' queue at a desktop width shows every column without scrolling sideways."""

import pytest
from django.utils import timezone

from reviewsec.moderation.models import ReviewCase
from tests.browser.conftest import screenshot
from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_review_queue_shows_its_columns_at_1280(browser, live_server, django_user_model):
    django_user_model.objects.create_superuser("mod", "mod@example.org", "pw-for-tests")
    product = make_product(title="Emberly Vitamin C Serum for Face, with Vitamin E, Fragrance Free")
    analysis = make_analysis(product, category="highly_suspicious")
    if not ReviewCase.objects.exists():
        ReviewCase.objects.create(
            product=product, analysis=analysis, severity=2, opened_at=timezone.now()
        )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "mod")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/moderation/reviewcase/")
    headers = page.locator("#result_list thead th")
    headers.first.wait_for(timeout=10_000)
    screenshot(page, "admin-queue-1280")

    visible = page.locator("#changelist .results").bounding_box()
    boxes = [headers.nth(i).bounding_box() for i in range(headers.count())]
    assert len(boxes) >= 9
    assert all(box["x"] + box["width"] <= visible["x"] + visible["width"] + 1 for box in boxes)
    context.close()
