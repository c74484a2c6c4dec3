"""Weekly refits: a fresh sample becomes the active model only when its fit is sane."""

import dataclasses
import datetime as dt
import math

import pytest

from detector.simulate import simulate
from reviewsec.analyses.models import ReferenceModelVersion
from reviewsec.analyses.refits import fit_problem, reference_model_refit
from reviewsec.analyses.services import analysis_create, reference_model_active
from reviewsec.catalog.models import Review
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def _store_simulated(count: int, *, seed: int = 11, n_reviews: int = 80) -> None:
    """``count`` honest simulated products, stored as crawled rows (one bulk insert each)."""
    for index in range(count):
        columns = simulate("honest", seed=seed + index, n_reviews=n_reviews).columns
        product = make_product()
        Review.objects.bulk_create(
            Review(
                marketplace=product.marketplace,
                review_id=f"R{product.id:05d}{i:05d}",
                product=product,
                rating=int(columns.rating[i]),
                body=columns.text[i],
                posted_date=columns.posted_at[i].astype(dt.date),
                country=str(columns.country[i]),
                verified_purchase=bool(columns.verified_purchase[i]),
                helpful_votes=int(columns.helpful_votes[i]),
            )
            for i in range(columns.rating.size)
        )


def _sane_fit(*, members: int = 40, set_aside: int = 0, **changes: object) -> dict:
    line = {"a0": 4.0, "a1": 0.05, "h0": 3.0, "reference_pci": [0.1] * members}
    return {
        "reference_products": members,
        "set_aside": [f"aside-{i}" for i in range(set_aside)],
        "threshold_model": {**line, **changes},
    }


def test_a_sane_refit_becomes_the_active_model_and_new_analyses_use_it() -> None:
    packaged, _ = reference_model_active()
    _store_simulated(32)

    outcome = reference_model_refit(sample_size=40, min_products=30, min_reviews=50, seed=1)

    assert outcome.reason == "activated" and outcome.sampled == 32
    active = ReferenceModelVersion.objects.get(is_active=True)
    assert active == outcome.activated != packaged
    refit = active.model["refit"]
    assert refit["status"] == "activated" and refit["fitted"] == 32
    assert active.reference_products == refit["members"] == 32 - refit["set_aside"]
    assert active.version.startswith("refit-")
    assert len(active.model["threshold_model"]["sample_ids"]) <= 32
    analysis = analysis_create(product=Review.objects.first().product)
    assert analysis.reference_model == active
    assert analysis.parameters["threshold_model"] == active.version


def test_too_few_products_leave_the_active_model_in_place() -> None:
    packaged, _ = reference_model_active()
    _store_simulated(3)

    outcome = reference_model_refit(sample_size=40, min_products=30, min_reviews=50, seed=1)

    assert outcome.activated is None
    assert "only 3 products have 50+ reviews" in outcome.reason
    assert ReferenceModelVersion.objects.get(is_active=True) == packaged


def test_the_sample_is_random_but_repeatable_for_a_seed() -> None:
    _store_simulated(12, n_reviews=60)

    first = reference_model_refit(sample_size=6, min_products=5, min_reviews=50, seed=3)
    again = reference_model_refit(sample_size=6, min_products=5, min_reviews=50, seed=3)
    other = reference_model_refit(sample_size=6, min_products=5, min_reviews=50, seed=4)

    def ids(outcome):
        return sorted(outcome.activated.model["threshold_model"]["sample_ids"])

    assert ids(first) == ids(again)
    assert ids(first) != ids(other)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, ""),
        ({"a1": math.nan}, "non-finite coefficients"),
        ({"a0": math.inf}, "non-finite coefficients"),
        ({"a0": None}, "non-finite coefficients"),
        ({"a1": -0.5}, "slopes down"),
        ({"members": 10}, "only 10 products are left"),
        ({"a1": 10.0}, "the thresholds reach 404"),
        # the share set aside is of the fitted products (members + set aside), not the members
        ({"members": 40, "set_aside": 60}, ""),
        ({"members": 40, "set_aside": 61}, "61 of 101 fitted products (60%) were set aside"),
        ({"members": 30, "set_aside": 50}, "50 of 80 fitted products (62%) were set aside"),
    ],
)
def test_fit_problem_names_what_makes_a_fit_unusable(changes, problem) -> None:
    found = fit_problem(_sane_fit(**changes), min_products=30)
    assert (problem in found) if problem else found == ""


def test_a_fit_that_sets_most_products_aside_is_refused_and_recorded(monkeypatch) -> None:
    packaged, _ = reference_model_active()
    _store_simulated(32)
    from reviewsec.analyses import refits

    real_fit = refits.fit_reference

    def most_set_aside(arrays, **kwargs):
        model = real_fit(arrays, **kwargs)  # the real fit, then 70% of the products set aside
        aside = tuple(f"aside-{i}" for i in range(int(model.reference_products * 2.5)))
        return dataclasses.replace(model, set_aside=aside)

    monkeypatch.setattr(refits, "fit_reference", most_set_aside)
    outcome = reference_model_refit(sample_size=40, min_products=5, min_reviews=50, seed=1)

    assert outcome.activated is None and "were set aside as manipulated" in outcome.reason
    assert ReferenceModelVersion.objects.get(is_active=True) == packaged
    refused = ReferenceModelVersion.objects.get(version__endswith="-refused")
    assert not refused.is_active
    assert refused.model["refit"]["status"] == "refused"
    assert refused.model["refit"]["reason"] == outcome.reason
