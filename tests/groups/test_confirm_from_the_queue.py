"""A moderator confirms the group the default fit found in the demo shop from the admin queue:
the group's products are re-analysed at once, and their verdict pages say so in one aggregate
sentence that names none of the members."""

import pytest
from django.test import Client

from reviewsec.analyses.models import Analysis
from reviewsec.catalog.models import Product
from reviewsec.celery import app as celery_app
from reviewsec.demo_market.products import demo_paid_pool
from reviewsec.groups.services import group_fit_run

pytestmark = pytest.mark.django_db

QUEUE = "/admin/groups/reviewergroup/"


@pytest.fixture
def tasks_in_process():
    """Celery tasks run in-process, as in the embedded mode: no worker serves this test."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def test_confirming_in_the_queue_re_analyses_and_the_pages_say_so_without_names(
    demo_shop, settings, moderator_client, django_capture_on_commit_callbacks, tasks_in_process
) -> None:
    settings.DEMO_MARKET = True
    group = group_fit_run().groups.get()  # the detector's defaults, as the beat row runs it
    pool = demo_paid_pool()
    assert sorted(group.products.values_list("asin", flat=True)) == sorted(pool.products)
    assert not Analysis.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            QUEUE,
            {"action": "confirm_members_paid", "_selected_action": [group.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "Their products are being re-analysed." in response.content.decode()
    analysed = set(Analysis.objects.values_list("product__asin", flat=True))
    assert analysed == set(pool.products)
    members = list(group.members.all())
    for asin in pool.products:
        verdict = Analysis.objects.get(product__asin=asin).verdict
        groups = verdict["reviewers"]["groups"]
        assert groups["confirmed"] is True
        page = Client().get(f"/p/demo/{asin}/").content.decode()  # a visitor's page
        sentence = f"{groups['sentence']} (confirmed by a moderator)."
        assert sentence in page, asin
        assert " of these reviewers also gave 5 stars to 4 other products" in sentence
        for member in members:
            assert member.profile_id not in page
            assert member.profile_id.removeprefix("amzn1.account.") not in page
            assert not member.display_name or member.display_name not in page


def test_the_queue_renders_for_a_moderator(demo_shop, moderator_client) -> None:
    group = group_fit_run().groups.get()
    listing = moderator_client.get(QUEUE)
    assert listing.status_code == 200
    body = listing.content.decode()
    assert f"{group.member_count}" in body and "Confirm: members write paid reviews" in body
    page = moderator_client.get(f"{QUEUE}{group.pk}/change/")
    assert page.status_code == 200
    assert Product.objects.get(asin="B0DEMO0011").asin in page.content.decode()
