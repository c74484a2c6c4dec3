"""The moderators' queue at a desktop width shows every column without scrolling sideways."""

import pytest
from django.utils import timezone

from reviewsec.moderation.models import ReviewCase
from tests.browser.conftest import changelist_columns_in_view
from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_review_queue_shows_its_columns_at_1280(admin_page, live_server):
    product = make_product(title="Emberly Vitamin C Serum for Face, with Vitamin E, Fragrance Free")
    analysis = make_analysis(product, category="highly_suspicious")
    if not ReviewCase.objects.exists():
        ReviewCase.objects.create(
            product=product, analysis=analysis, severity=2, opened_at=timezone.now()
        )
    queue = f"{live_server.url}/admin/moderation/reviewcase/"
    assert changelist_columns_in_view(admin_page, queue, "admin-queue-1280") >= 9
