"""The headline a shopper reads first: a grade, the direction, the shop's and the adjusted rating.

The verdict has two estimates of "the rating without the reviews we doubt":

* ``reviewers.adjusted_rating`` — every review weighted by how far we trust the account that wrote
  it (``detector.reviewers``), with its interval; by construction it barely moves honest products;
* ``direction.adjusted_rating`` — the mean without the change interval (or the stretch of odd
  reviews) that made the verdict (``detector.direction``).

The summary shows the one that explains the verdict:

* ``normal``: the direction is ``none`` and the adjusted rating is the reviewer-weighted one;
* ``suspicious`` / ``highly_suspicious``: the direction is the consistency side's when it has one,
  else the reviewer side's; of the estimates pointing that way, the one that moves the rating more.
  The interval of the interval-free estimate is x̄' ± 1.96·s/√n', with x̄' and n' the mean and
  count of the reviews kept and s the standard deviation of all the ratings (an upper bound on the
  kept reviews' spread for a campaign of extreme ratings);
* ``insufficient_data``: no grade and no adjusted rating, only the counts.

Grades (``GRADE_RULES``), from the category and the size of the shift Δ = |shop − adjusted|:

====================  ===============  =====
category              shift Δ (stars)  grade
====================  ===============  =====
normal                < 0.1            A
normal                ≥ 0.1            B
suspicious            any              C
highly_suspicious     < 0.3            D
highly_suspicious     ≥ 0.3            F
insufficient_data     —                none
====================  ===============  =====
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from detector import words
from detector.direction import Direction
from detector.reviewers.evidence import ReviewerEvidence

__all__ = ["GRADE_RULES", "Grade", "Summary", "summarize"]

Grade = Literal["A", "B", "C", "D", "F"]
DirectionName = Literal["inflated", "deflated", "none"]

# (category, smallest shift in stars, grade), read top down; the first match wins.
GRADE_RULES: tuple[tuple[str, float, Grade], ...] = (
    ("normal", 0.1, "B"),
    ("normal", 0.0, "A"),
    ("suspicious", 0.0, "C"),
    ("highly_suspicious", 0.3, "F"),
    ("highly_suspicious", 0.0, "D"),
)


@dataclass(frozen=True)
class Summary:
    """The ``summary`` block of the verdict JSON (DESIGN §3)."""

    grade: Grade | None
    direction: DirectionName
    shop_rating: float | None
    adjusted_rating: float | None
    adjusted_interval: tuple[float, float] | None
    headline: str

    def to_dict(self) -> dict[str, object]:
        interval = self.adjusted_interval
        return {
            "grade": self.grade,
            "direction": self.direction,
            "shop_rating": _round(self.shop_rating),
            "adjusted_rating": _round(self.adjusted_rating),
            "adjusted_interval": None if interval is None else [_round(v) for v in interval],
            "headline": self.headline,
        }


@dataclass(frozen=True)
class _Estimate:
    direction: DirectionName
    rating: float
    interval: tuple[float, float] | None


def summarize(
    category: str,
    *,
    reviews: int,
    min_reviews: int,
    rating_sd: float,
    reviewers: ReviewerEvidence | None,
    direction: Direction | None,
    reasons: Sequence[str] = (),
) -> Summary:
    """The headline of a verdict of ``category`` (see the module docstring for the rules);
    ``reasons``: the verdict's, whose first says why an ``insufficient_data`` product has enough
    reviews and still cannot be judged."""
    shop = None if reviewers is None else reviewers.plain_mean
    if shop is not None and not math.isfinite(shop):
        shop = None
    if category == "insufficient_data" or shop is None:
        headline = words.insufficient_headline(reviews, min_reviews, reasons)
        return Summary(None, "none", shop, None, None, headline)
    estimate = _estimate(category, shop, reviews, rating_sd, reviewers, direction)
    grade = _grade(category, abs(shop - estimate.rating))
    headline = words.summary_headline(
        grade, estimate.direction, shop, estimate.rating, estimate.interval
    )
    return Summary(grade, estimate.direction, shop, estimate.rating, estimate.interval, headline)


def _estimate(
    category: str,
    shop: float,
    reviews: int,
    rating_sd: float,
    reviewers: ReviewerEvidence | None,
    direction: Direction | None,
) -> _Estimate:
    weighted = _weighted(shop, reviewers)
    if category == "normal":
        return _Estimate("none", weighted.rating, weighted.interval)
    candidates = [weighted]
    if direction is not None and direction.direction != "none":
        kept = max(reviews - direction.suspect_reviews, 1)
        half = 1.96 * rating_sd / math.sqrt(kept)
        rating = direction.adjusted_rating
        candidates.append(_Estimate(direction.direction, rating, (rating - half, rating + half)))
    pointing = _pointing(candidates, direction)
    if pointing == "none":
        return _Estimate("none", weighted.rating, weighted.interval)
    same_way = [c for c in candidates if c.direction == pointing]
    return max(same_way, key=lambda c: abs(shop - c.rating))


def _weighted(shop: float, reviewers: ReviewerEvidence | None) -> _Estimate:
    if reviewers is None or reviewers.adjusted_rating is None:
        return _Estimate("none", shop, None)
    return _Estimate(reviewers.direction, reviewers.adjusted_rating, reviewers.interval)


def _pointing(candidates: list[_Estimate], direction: Direction | None) -> DirectionName:
    """The consistency side's direction when it has one, else the reviewer side's."""
    if direction is not None and direction.direction != "none":
        return direction.direction
    return candidates[0].direction


def _grade(category: str, shift: float) -> Grade:
    for rule_category, at_least, grade in GRADE_RULES:
        if category == rule_category and shift >= at_least:
            return grade
    raise ValueError(f"no grade for category {category!r}")


def _round(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 2)
