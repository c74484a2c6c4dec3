"""The headline: grades from the category and the shift, the direction, and no judgement without
enough reviews."""

import numpy as np
import pytest

import detector
from detector.direction import Direction
from detector.reviewers.evidence import ReviewerEvidence
from detector.simulate import simulate
from detector.summary import summarize


def evidence(plain: float, adjusted: float, direction: str = "none") -> ReviewerEvidence:
    return ReviewerEvidence(
        reviews=200,
        counts={},
        plain_mean=plain,
        adjusted_rating=adjusted,
        interval=(adjusted - 0.1, adjusted + 0.1),
        direction=direction,  # type: ignore[arg-type]
    )


def run(category: str, reviewers: ReviewerEvidence, suspect: Direction | None = None):
    return summarize(
        category, reviews=200, min_reviews=20, rating_sd=1.0, reviewers=reviewers, direction=suspect
    )


@pytest.mark.parametrize(
    ("category", "adjusted", "grade"),
    [
        ("normal", 4.45, "A"),
        ("normal", 4.3, "B"),
        ("suspicious", 4.45, "C"),
        ("highly_suspicious", 4.3, "D"),
        ("highly_suspicious", 3.9, "F"),
    ],
)
def test_grades_follow_the_category_and_the_shift(category, adjusted, grade):
    assert run(category, evidence(4.5, adjusted, "inflated")).grade == grade


def test_a_normal_product_is_never_said_to_lean():
    summary = run("normal", evidence(4.5, 4.3, "inflated"))
    assert summary.direction == "none"
    assert "trustworthy" in summary.headline


def test_the_consistency_side_names_the_direction_and_the_larger_shift_is_shown():
    suspect = Direction("deflated", 3.0, 3.8, 40, "change_interval")
    summary = run("highly_suspicious", evidence(3.0, 3.2, "deflated"), suspect)
    assert summary.direction == "deflated"
    assert summary.adjusted_rating == 3.8
    low, high = summary.adjusted_interval
    assert low < 3.8 < high
    assert summary.headline.startswith("The rating looks deflated: 3.0 in the shop, about 3.8")


def test_too_few_reviews_get_no_grade_and_no_adjusted_rating():
    summary = summarize(
        "insufficient_data",
        reviews=7,
        min_reviews=20,
        rating_sd=1.0,
        reviewers=evidence(4.0, 4.0),
        direction=None,
    )
    assert (summary.grade, summary.adjusted_rating) == (None, None)
    assert "7 reviews" in summary.headline and "20" in summary.headline


@pytest.mark.parametrize(
    ("scenario", "direction"), [("boost", "inflated"), ("badmouth", "deflated")]
)
@pytest.mark.parametrize("seed", range(4))
def test_a_planted_campaign_reads_the_way_it_pushes_the_rating(scenario, direction, seed):
    product = simulate(scenario, seed=seed)
    verdict = detector.analyze(product.to_arrays()).to_dict()
    summary = verdict["summary"]
    assert set(summary) == {
        "grade",
        "direction",
        "shop_rating",
        "adjusted_rating",
        "adjusted_interval",
        "headline",
    }
    assert summary["direction"] == direction
    assert summary["grade"] in ("D", "F")
    shift = summary["adjusted_rating"] - summary["shop_rating"]
    assert shift < 0 if direction == "inflated" else shift > 0
    ratings = np.asarray(product.to_arrays()["rating"], dtype=float)
    assert summary["shop_rating"] == pytest.approx(ratings.mean(), abs=0.01)
