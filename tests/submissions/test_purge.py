"""Moderators purge submissions: exactly the reviews each first brought go, and the product is
re-analysed."""

import logging

import pytest

from reviewsec.analyses.models import Analysis
from reviewsec.catalog.models import Review, ReviewSubmission
from tests.factories import make_product, make_review
from tests.submissions.conftest import batch, review

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/amazon.com/B0PURGE001/reviews"
CHANGELIST = "/admin/catalog/reviewsubmission/"


def test_purging_deletes_only_what_the_submission_first_brought(
    api, moderator_client, caplog
) -> None:
    product = make_product(asin="B0PURGE001")
    make_review(product, review_id="RCRAWLED0001")
    smear = api.post(URL, batch([review(n, rating=1) for n in range(1, 6)]), format="json").json()
    # Another client re-sends one of the smear's reviews (a duplicate) and one of its own.
    other = api.post(
        URL, batch([review(1), review(7)]), format="json", REMOTE_ADDR="10.1.1.1"
    ).json()
    assert other["duplicates"] == 1

    with caplog.at_level(logging.WARNING, logger="reviewsec.submissions.services"):
        response = moderator_client.post(
            CHANGELIST,
            {"action": "purge", "_selected_action": [smear["submission"]]},
            follow=True,
        )

    assert response.status_code == 200
    assert b"5 reviews deleted, 1 products re-analysed" in response.content
    left = set(Review.objects.values_list("review_id", flat=True))
    assert left == {"RCRAWLED0001", "REXT0000000007"}
    purged = ReviewSubmission.objects.get(id=smear["submission"])
    assert purged.purged_at is not None
    assert ReviewSubmission.objects.get(id=other["submission"]).purged_at is None
    analysis = Analysis.objects.get(product=product)
    assert analysis.verdict["collection"]["sources"] == {"crawler": 1, "extension": 1}
    assert "moderator removed" in analysis.verdict["collection"]["note"]
    assert "purged submissions" in caplog.text
    assert purged.reviews.count() == 0


def test_purging_twice_does_nothing_the_second_time(api, moderator_client) -> None:
    smear = api.post(URL, batch([review(1)]), format="json").json()
    form = {"action": "purge", "_selected_action": [smear["submission"]]}
    moderator_client.post(CHANGELIST, form)

    response = moderator_client.post(CHANGELIST, form, follow=True)

    assert b"Purged 0 submissions" in response.content
    assert Analysis.objects.count() == 1


def test_submissions_cannot_be_deleted_in_the_admin(moderator_client) -> None:
    response = moderator_client.get(CHANGELIST)

    assert response.status_code == 200
    assert b"delete_selected" not in response.content
