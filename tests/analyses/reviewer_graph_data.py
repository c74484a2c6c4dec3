"""A small review graph in the database: honest reviewers who agree, a planted 5-star campaign."""

from __future__ import annotations

import datetime as dt
import random

from reviewsec.catalog.models import Product, Review, Reviewer, ReviewerHistory
from tests.factories import make_product, make_review, make_reviewer

QUALITY = [4.5, 4.0, 3.5, 2.0, 4.2, 3.0, 4.8, 2.5, 3.8, 4.4]
START = dt.date(2024, 1, 1)


def planted_graph(seed: int = 7) -> dict[str, object]:
    """60 honest reviewers rating ~5 of 10 products near their quality, each with two history
    rows (one of them repeating a stored review); 20 one-review accounts giving the 2-star
    product 5 stars on one day; 3 unattributed (uploaded) reviews."""
    rng = random.Random(seed)
    products = [make_product() for _ in QUALITY]
    honest: list[Reviewer] = []
    for k in range(60):
        reviewer = make_reviewer()
        honest.append(reviewer)
        chosen = rng.sample(range(len(products)), 5)
        for i in chosen:
            stars = min(5, max(1, round(QUALITY[i] + rng.gauss(0, 0.6))))
            make_review(
                products[i],
                reviewer=reviewer,
                rating=stars,
                verified_purchase=True,
                posted_date=START + dt.timedelta(days=rng.randrange(300)),
            )
        ReviewerHistory.objects.create(  # the profile repeats one stored review
            reviewer=reviewer, product_asin=products[chosen[0]].asin, rating=3
        )
        ReviewerHistory.objects.create(
            reviewer=reviewer,
            product_asin=f"B0HIST{k:04d}",
            rating=4,
            posted_date=START + dt.timedelta(days=k),
        )
    campaign = []
    for _ in range(20):
        reviewer = make_reviewer()
        campaign.append(reviewer)
        make_review(products[3], reviewer=reviewer, rating=5, posted_date=START)
    for _ in range(3):
        make_review(products[0], rating=4, source="upload")
    return {"products": products, "honest": honest, "campaign": campaign}


def counts() -> tuple[int, int]:
    """Ratings the graph must hold (reviews + history rows not repeating a review), reviewers."""
    reviews = Review.objects.count()
    history = (
        ReviewerHistory.objects.count()
        - Reviewer.objects.filter(history__isnull=False).distinct().count()
    )
    subjects = Reviewer.objects.count() + Review.objects.filter(reviewer=None).count()
    return reviews + history, subjects


__all__ = ["Product", "counts", "planted_graph"]
