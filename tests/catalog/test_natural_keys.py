"""The database, not the application, refuses duplicate natural keys (on SQLite and PostgreSQL)."""

import pytest
from django.db import IntegrityError, transaction

from reviewsec.catalog.models import Product, ReviewerHistory
from tests.factories import make_product, make_review, make_reviewer

pytestmark = pytest.mark.django_db


def test_the_same_asin_on_the_same_marketplace_is_rejected() -> None:
    make_product(asin="B0DUPLICAT")
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(marketplace="amazon.com", asin="B0DUPLICAT")


def test_the_same_asin_on_another_marketplace_is_a_different_product() -> None:
    make_product(asin="B0SAMEASIN", marketplace="amazon.com")
    make_product(asin="B0SAMEASIN", marketplace="amazon.de")
    assert Product.objects.filter(asin="B0SAMEASIN").count() == 2


def test_a_review_id_is_unique_per_marketplace() -> None:
    product = make_product()
    make_review(product, review_id="R1DUPLICATE")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_review(product, review_id="R1DUPLICATE")


def test_a_reviewer_profile_is_unique_per_marketplace() -> None:
    make_reviewer(profile_id="amzn1.account.SAME")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_reviewer(profile_id="amzn1.account.SAME")


def test_a_reviewer_lists_each_product_once_in_their_history() -> None:
    reviewer = make_reviewer()
    ReviewerHistory.objects.create(reviewer=reviewer, product_asin="B0HISTORY1", rating=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewerHistory.objects.create(reviewer=reviewer, product_asin="B0HISTORY1", rating=2)
