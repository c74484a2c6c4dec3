"""detector.analyze finds what the simulator planted, and says so in words."""

import re

import pytest

import detector
from detector.simulate import simulate


@pytest.fixture(scope="module")
def model():
    return detector.default_reference_model()


def test_an_honest_product_is_normal(model):
    verdict = detector.analyze(simulate("honest", seed=2).to_arrays(), reference=model)
    assert verdict.category == "normal"
    assert verdict.reasons[0].startswith("The ratings stayed steady over time")


def test_a_bad_mouthing_campaign_is_highly_suspicious_and_the_reasons_name_it(model):
    product = simulate("badmouth", seed=1, fake_share=0.25)
    verdict = detector.analyze(product.to_arrays(), reference=model)
    assert verdict.category == "highly_suspicious"
    first_fake, last_fake = product.truth.fake_index_range
    assert any(
        interval.direction == "down" and interval.start <= last_fake and interval.end >= first_fake
        for interval in verdict.consistency.intervals
    )
    text = " ".join(verdict.reasons)
    assert re.search(r"\d+ reviews in a row were clearly more negative than usual", text)
    assert "The 1-star reviews were unverified purchases far more often" in text


def test_a_boosting_campaign_is_flagged_and_its_5_star_reviews_are_named(model):
    verdict = detector.analyze(simulate("boost", seed=1).to_arrays(), reference=model)
    assert verdict.category == "highly_suspicious"
    text = " ".join(verdict.reasons)
    assert "clearly more positive than usual: 5.0 stars on average" in text
    assert "The 5-star reviews" in text


def test_a_genuine_change_with_equal_opportunity_is_explained_as_a_real_change(model):
    verdict = detector.analyze(simulate("genuine_change", seed=1).to_arrays(), reference=model)
    assert verdict.category == "normal"
    assert verdict.pci > 0
    assert "what a real change in the product looks like" in verdict.reasons[0]
