"""Who wrote the reviews moves the verdict by the rule of detector.reviewers.evidence.

Planted products with a known truth: honest reviewers with histories (and low suspicion from the
graph fit), fakes from one-review accounts that a graph fit scores as suspect, interleaved at random
over two years so that the ratings' mean does not shift (PCI = 0) and only the reviewer evidence can
speak.
"""

import json

import numpy as np
import pytest

import detector
from detector.reviewers.evidence import (
    Lean,
    ProductReviewerScores,
    ReviewerEvidence,
    reviewer_adjustment,
)

BASE_SHARE = 0.05
# The reviewer rule alone: since issue 13 the one-review accounts' lean also joins the evidence E
# (``lean_p_values``), which would make these planted products suspicious before the rule runs.
RULE_ONLY = {"leans": False}
HONEST_STARS = [0.05, 0.05, 0.10, 0.30, 0.50]  # mean 4.15


def planted(
    seed: int,
    *,
    honest: int = 240,
    fakes: int = 0,
    fake_star: int = 5,
    honest_stars: list[float] = HONEST_STARS,
) -> tuple[dict, ProductReviewerScores, np.ndarray]:
    """(review arrays, graph scores, which reviews are fake)."""
    rng = np.random.default_rng(seed)
    n = honest + fakes
    rating = np.concatenate(
        [rng.choice(np.arange(1, 6), size=honest, p=honest_stars), np.full(fakes, fake_star)]
    )
    fake = np.arange(n) >= honest
    history = np.where(fake, 1, 2 + rng.poisson(8, n))
    suspicion = np.where(fake, rng.uniform(0.9, 1.0, n), rng.uniform(0.0, 0.65, n))
    days = rng.permutation(np.sort(rng.integers(0, 730, n)))  # fakes interleaved with the rest
    posted_at = np.datetime64("2021-01-01") + days.astype("timedelta64[D]")
    reviews = {"rating": rating, "posted_at": posted_at}
    scores = ProductReviewerScores(suspicion, history.astype(np.int64), BASE_SHARE)
    return reviews, scores, fake


def test_a_boost_from_one_review_accounts_raises_normal_to_suspicious():
    reviews, scores, _ = planted(1, fakes=70, fake_star=5)
    alone = detector.analyze(reviews, params=RULE_ONLY)
    verdict = detector.analyze(reviews, params=RULE_ONLY, reviewer_scores=scores)
    assert alone.category == "normal"
    assert verdict.category == "suspicious"  # evidence alone never reaches highly_suspicious
    block = verdict.to_dict()["reviewers"]
    assert block["direction"] == "inflated" and block["strong"]
    assert block["adjusted_rating"] < block["plain_mean"] - 0.15
    assert not block["adjusted_interval"][0] <= block["plain_mean"] <= block["adjusted_interval"][1]
    codes = [item["code"] for item in block["evidence"]]
    assert codes[0] == "boost_lean" and "adjusted_rating" in codes
    assert verdict.reasons[0].startswith("Who wrote the reviews gives this product away")
    assert any(
        "of the 5-star reviews come from accounts with no other review" in r
        for r in verdict.reasons
    )


def test_bad_mouthing_from_one_review_accounts_raises_normal_to_suspicious():
    reviews, scores, fake = planted(2, fakes=70, fake_star=1)
    assert detector.analyze(reviews, params=RULE_ONLY).category == "normal"
    verdict = detector.analyze(reviews, params=RULE_ONLY, reviewer_scores=scores)
    assert verdict.category == "suspicious"
    block = verdict.to_dict()["reviewers"]
    assert block["direction"] == "deflated" and block["strong"]
    genuine = float(reviews["rating"][~fake].mean())
    assert abs(block["adjusted_rating"] - genuine) < abs(block["plain_mean"] - genuine) / 2


def test_an_honest_product_with_a_few_critics_does_not_move():
    reviews, scores, _ = planted(3, honest=300, fakes=8, fake_star=1)
    verdict = detector.analyze(reviews, params=RULE_ONLY, reviewer_scores=scores)
    block = verdict.to_dict()["reviewers"]
    assert verdict.category == detector.analyze(reviews, params=RULE_ONLY).category == "normal"
    assert not block["strong"]
    assert abs(block["adjusted_rating"] - block["plain_mean"]) < 0.05


def test_a_broken_product_keeps_its_established_reviewers_one_star_reviews():
    broken = [0.55, 0.20, 0.10, 0.10, 0.05]  # mean 1.9: the product really is bad
    # ... and new customers complain too, from accounts without histories.
    reviews, scores, fake = planted(4, honest=200, fakes=40, fake_star=1, honest_stars=broken)
    verdict = detector.analyze(reviews, params=RULE_ONLY, reviewer_scores=scores)
    evidence = verdict.reviewers
    assert evidence is not None and evidence.weights is not None
    assert not evidence.strong and evidence.direction == "none"
    established_low = ~fake & (reviews["rating"] <= 2)
    assert np.all(evidence.weights[established_low] == 1.0)
    codes = [item["code"] for item in verdict.to_dict()["reviewers"]["evidence"]]
    assert "established_agree" in codes
    assert verdict.category == detector.analyze(reviews, params=RULE_ONLY).category


def test_without_a_graph_the_files_review_counts_carry_the_lean():
    reviews, scores, fake = planted(5, fakes=70, fake_star=5)
    counts = {**reviews, "reviewer_review_count": scores.reviewer_reviews}
    block = detector.analyze(counts).to_dict()["reviewers"]
    assert block["base_suspect_share"] is None
    assert block["direction"] == "inflated"
    assert block["adjusted_rating"] < block["plain_mean"]
    assert block["counts"]["one_review_accounts"] == int(fake.sum())


def test_insufficient_data_carries_counts_but_no_judgement():
    reviews, scores, _ = planted(6, honest=12)
    block = detector.analyze(reviews, params=RULE_ONLY, reviewer_scores=scores).to_dict()[
        "reviewers"
    ]
    assert block["counts"]["reviews"] == 12
    assert block["adjusted_rating"] is None and block["direction"] is None
    assert block["evidence"] == []


def test_scores_follow_their_reviews_when_the_input_is_not_in_date_order():
    reviews, scores, _ = planted(7, fakes=70)
    order = np.random.default_rng(0).permutation(reviews["rating"].size)
    shuffled = {key: values[order] for key, values in reviews.items()}
    moved = ProductReviewerScores(
        scores.review_suspicion[order], scores.reviewer_reviews[order], BASE_SHARE
    )
    first = detector.analyze(reviews, params=RULE_ONLY, reviewer_scores=scores).to_dict()
    second = detector.analyze(shuffled, reviewer_scores=moved).to_dict()
    assert first["reviewers"] == second["reviewers"]


def test_scores_of_the_wrong_length_are_refused():
    reviews, scores, _ = planted(8)
    wrong = ProductReviewerScores(scores.review_suspicion[:-1], scores.reviewer_reviews, 0.05)
    with pytest.raises(ValueError, match="review_suspicion"):
        detector.analyze(reviews, reviewer_scores=wrong)


def test_the_verdict_json_never_names_a_reviewer():
    reviews, scores, _ = planted(9, fakes=70)
    reviews["user_id"] = np.array([f"REVIEWER{i:05d}" for i in range(reviews["rating"].size)])
    text = json.dumps(detector.analyze(reviews, params=RULE_ONLY, reviewer_scores=scores).to_dict())
    assert "REVIEWER" not in text


def _evidence(strong: bool) -> ReviewerEvidence:
    lean = Lean("5", 100, 40, 100, 5, 1e-9, None, None)
    return ReviewerEvidence(200, {}, 4.4, 4.0, (3.9, 4.1), 0.2, 0.05, "inflated", strong, (lean,))


@pytest.mark.parametrize(
    ("category", "strong", "agrees", "expected"),
    [
        ("normal", True, False, "suspicious"),
        ("normal", True, True, "suspicious"),  # never straight to highly_suspicious
        ("suspicious", True, False, "suspicious"),
        ("suspicious", True, True, "highly_suspicious"),
        ("highly_suspicious", True, False, "highly_suspicious"),
        ("insufficient_data", True, True, "insufficient_data"),
        ("normal", False, True, "normal"),
        ("suspicious", False, True, "suspicious"),
    ],
)
def test_the_rule_raises_by_one_step_at_most(category, strong, agrees, expected):
    assert reviewer_adjustment(category, _evidence(strong), agrees=agrees)[0] == expected


@pytest.mark.parametrize("seed", range(4))
def test_reviewer_counts_are_the_boolean_sums_per_star(seed):
    from detector.reviewers.evidence import reviewer_evidence

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    ratings = rng.integers(0 if seed == 3 else 1, 7 if seed == 3 else 6, n)  # seed 3: out of 1-5
    history = np.where(rng.random(n) < 0.3, 1.0, rng.integers(0, 20, n).astype(float))
    history[rng.random(n) < 0.2] = np.nan
    if seed == 2:
        history[:] = np.nan
    verified = None if seed == 1 else rng.random(n) < 0.7

    def block(rows):
        return {
            "reviews": int(rows.sum()),
            "one_review_accounts": None if seed == 2 else int(((history <= 1) & rows).sum()),
            "verified": None if verified is None else int((verified & rows).sum()),
        }

    expected = {
        **block(np.ones(n, dtype=bool)),
        "by_star": {str(s): block(ratings == s) for s in range(1, 6)},
    }
    found = reviewer_evidence(ratings, history=history, verified=verified, judge=False)
    assert found.counts == expected
