"""``analysis_create`` hands every new analysis to the queue: the hook is wired in."""

import pytest

from reviewsec.analyses import services
from reviewsec.analyses.models import ReferenceModelVersion
from reviewsec.moderation.models import ReviewCase
from tests.factories import make_product
from tests.verdicts import verdict_json

pytestmark = pytest.mark.django_db


class _Verdict:
    def __init__(self, category: str) -> None:
        self.category = category

    def to_dict(self) -> dict:
        return verdict_json(self.category)


@pytest.fixture
def detector_says(monkeypatch):
    """Stand in for the detector (tested on its own) so only the hook is under test."""
    row = ReferenceModelVersion.objects.create(
        version="test", model={}, reference_products=0, is_active=True
    )
    monkeypatch.setattr(services, "reference_model_active", lambda: (row, None))

    def say(category: str) -> None:
        fake = lambda reviews, reference=None, reviewer_scores=None: _Verdict(category)  # noqa: E731
        monkeypatch.setattr(services.detector, "analyze", fake, raising=False)

    return say


def test_a_suspicious_analysis_opens_a_case(detector_says) -> None:
    detector_says("highly_suspicious")
    product = make_product()

    analysis = services.analysis_create(product=product)

    assert ReviewCase.objects.get(product=product).analysis == analysis


def test_a_normal_analysis_opens_none(detector_says) -> None:
    detector_says("normal")

    services.analysis_create(product=make_product())

    assert not ReviewCase.objects.exists()
