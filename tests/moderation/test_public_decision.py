"""A moderator's decision is public in the API ("reviewed by a moderator: …"); open cases not."""

import pytest
from rest_framework.test import APIClient

from reviewsec.moderation.models import CaseStatus
from reviewsec.moderation.services import case_decide, case_open_for_analysis
from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db

VERDICT = "/api/v1/products/amazon.com/B0PUBLIC01/verdict"


@pytest.fixture
def case():
    analysis = make_analysis(make_product(asin="B0PUBLIC01"), category="suspicious")
    return case_open_for_analysis(analysis=analysis)


def test_an_open_case_is_not_shown(case) -> None:
    assert APIClient().get(VERDICT).json()["moderation"] is None


def test_a_confirmation_is_shown_in_the_api(case, moderator) -> None:
    case_decide(case=case, status=CaseStatus.CONFIRMED_MANIPULATION, actor=moderator)

    moderation = APIClient().get(VERDICT).json()["moderation"]

    assert moderation["status"] == "confirmed_manipulation"
    assert moderation["label"] == "reviewed by a moderator: confirmed manipulation"
    assert moderation["decided_at"]
