"""Reviews a reviewer's profile lists without a date cannot be placed in a time window: the
group fit leaves them out of the tensor, so a group's window is always one of real dates (the
fit used to fail on a window in the year −29720), and the demo pool alone is still found."""

import numpy as np
import pytest

from reviewsec.catalog.models import Reviewer, ReviewerHistory
from reviewsec.demo_market.products import demo_paid_pool
from reviewsec.groups.events import stored_events
from reviewsec.groups.models import FitStatus
from reviewsec.groups.services import group_fit_run
from tests.groups.demo_data import pool_reviewer_pks

pytestmark = pytest.mark.django_db

OTHER_PRODUCTS = [f"B0UNDATED{n}" for n in range(6)]


@pytest.fixture
def undated_histories(demo_shop) -> None:
    """Every pool member's profile lists the same six other products, 5 stars, undated (as a
    profile page whose dates the parser cannot read leaves them)."""
    members = Reviewer.objects.filter(pk__in=pool_reviewer_pks())
    ReviewerHistory.objects.bulk_create(
        ReviewerHistory(reviewer=member, product_asin=asin, rating=5, posted_date=None)
        for member in members
        for asin in OTHER_PRODUCTS
    )


def test_undated_rows_are_left_out_of_the_events(undated_histories) -> None:
    loaded = stored_events()
    graph = loaded.stored.graph
    undated = loaded.stored.row_history_pk >= 0
    assert undated.sum() == len(OTHER_PRODUCTS) * len(demo_paid_pool().members)
    assert loaded.events.n_reviews == graph.n_reviews - undated.sum()
    assert np.array_equal(loaded.rows, np.flatnonzero(~undated))
    assert (loaded.review_pk >= 0).all()  # every event left is a stored review here
    assert loaded.events.timestamp_ms.min() > 0


def test_the_fit_keeps_to_real_dates_and_finds_the_pool(undated_histories) -> None:
    fit = group_fit_run()
    assert fit.status == FitStatus.SUCCEEDED, fit.error
    pool = demo_paid_pool()
    group = fit.groups.get()
    assert set(group.members.values_list("pk", flat=True)) == pool_reviewer_pks()
    assert sorted(group.products.values_list("asin", flat=True)) == sorted(pool.products)
    assert group.window_start.year >= 2020 and group.window_end.year <= 2030
