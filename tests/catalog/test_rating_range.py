"""Ratings outside 1–5 never reach the table, whatever code path writes them."""

import pytest
from django.db import IntegrityError, transaction

from reviewsec.catalog.models import ReviewerHistory
from tests.factories import make_product, make_review, make_reviewer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rating", [0, 6, 100])
def test_a_review_rating_outside_one_to_five_is_rejected(rating: int) -> None:
    product = make_product()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_review(product, rating=rating)


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_every_star_level_is_accepted(rating: int) -> None:
    review = make_review(make_product(), rating=rating)
    review.refresh_from_db()
    assert review.rating == rating


def test_a_history_rating_outside_one_to_five_is_rejected() -> None:
    reviewer = make_reviewer()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewerHistory.objects.create(reviewer=reviewer, product_asin="B0HISTORY2", rating=9)


def test_a_shop_average_outside_one_to_five_is_rejected() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_product(shop_average_rating=5.5)
