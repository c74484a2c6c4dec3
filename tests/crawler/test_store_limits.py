"""The crawler's store cuts a page's review to the shared field limits instead of refusing it."""

import datetime as dt

import pytest

from crawler.items import ReviewItem
from crawler.store import store_review
from reviewsec.catalog import limits
from reviewsec.catalog.models import Review

pytestmark = pytest.mark.django_db


def _item(**changes) -> ReviewItem:
    values = {
        "marketplace": "amazon.com",
        "asin": "B0BBPNPZTC",
        "review_id": "R1ABCDEFGH",
        "rating": 4,
        "posted_date": dt.date(2024, 1, 2),
    }
    return ReviewItem(**(values | changes))


def test_long_and_nul_text_is_cut_to_the_limits() -> None:
    store_review(_item(title="t" * 5000, body="a\x00b" + "b" * 60_000, helpful_votes=2**40))
    review = Review.objects.get()
    assert len(review.title) == limits.TITLE_MAX
    assert len(review.body) == limits.BODY_MAX and "\x00" not in review.body
    assert review.helpful_votes == limits.HELPFUL_VOTES_MAX


def test_a_trailing_newline_in_a_review_id_is_the_same_review() -> None:
    store_review(_item())
    store_review(_item(review_id="R1ABCDEFGH\n", rating=5))
    assert list(Review.objects.values_list("review_id", "rating")) == [("R1ABCDEFGH", 5)]


def test_a_review_id_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="not a review id"):
        store_review(_item(review_id="R1<script>"))
