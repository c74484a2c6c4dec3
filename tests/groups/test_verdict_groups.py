"""A product's verdict — the page's and the API's one JSON — says when its reviewers belong to a
group, in aggregate only: how many, what else they rated, of how many other sellers, how fast."""

import pytest

from reviewsec.analyses.services import analysis_create
from reviewsec.catalog.models import Product, Reviewer
from reviewsec.groups.services import group_fit_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def fitted(demo_shop, settings) -> None:
    settings.DEMO_MARKET = True
    group_fit_run()


def test_an_attacked_products_verdict_carries_the_groups_sentence(fitted) -> None:
    verdict = analysis_create(product=Product.objects.get(asin="B0DEMO0013")).verdict
    groups = verdict["reviewers"]["groups"]
    assert groups["sentence"].startswith(f"{groups['reviewers_in_groups']} of these reviewers")
    assert "5 stars to 4 other products (of 1 other seller too)" in groups["sentence"]
    assert groups["confirmed"] is False


def test_a_product_outside_any_group_says_nothing_of_groups(fitted) -> None:
    verdict = analysis_create(product=Product.objects.get(asin="B0DEMO0016")).verdict
    assert "groups" not in (verdict.get("reviewers") or {})


def test_the_api_serves_the_groups_block_without_naming_anyone(fitted, client) -> None:
    product = Product.objects.get(asin="B0DEMO0014")
    analysis_create(product=product)
    response = client.get(f"/api/v1/products/demo/{product.asin}/verdict")
    assert response.status_code == 200
    body = response.json()
    text = response.content.decode()
    block = body["reviewers"]["groups"]
    assert block["other_products"] == 4
    members = Reviewer.objects.filter(collusion_groups__isnull=False)
    assert members.exists()
    assert not any(member.profile_id in text or member.display_name in text for member in members)
