"""The detection goals of issue 4 on a seeded simulated population (benchmarks/eval_detection.py
runs the same on a larger one and prints the table).

The reference model is the packaged default, fitted on honest products of another seed.
"""

from collections import Counter

import pytest

import detector
from detector.simulate import iter_population

FLAGGED = ("suspicious", "highly_suspicious")


def share(counts: Counter, *categories: str) -> float:
    return sum(counts[c] for c in categories) / sum(counts.values())


@pytest.fixture(scope="module")
def table() -> dict[str, Counter]:
    model = detector.default_reference_model()
    found: dict[str, Counter] = {}
    for product in iter_population(200, seed=606):
        category = detector.analyze(product.to_arrays(), reference=model).category
        found.setdefault(product.scenario, Counter())[category] += 1
    return found


@pytest.mark.slow
def test_honest_products_are_normal_and_almost_never_highly_suspicious(table):
    assert share(table["honest"], "normal") >= 0.90
    assert share(table["honest"], "highly_suspicious") <= 0.03


@pytest.mark.slow
def test_genuine_changes_are_rarely_highly_suspicious(table):
    assert share(table["genuine_change"], "highly_suspicious") <= 0.15


@pytest.mark.slow
def test_campaigns_of_15_to_30_percent_fakes_are_flagged(table):
    attacks = table["boost"] + table["badmouth"]
    assert share(attacks, *FLAGGED) >= 0.85
    assert share(attacks, "highly_suspicious") >= 0.60


@pytest.mark.slow
def test_products_under_20_reviews_are_insufficient_data(table):
    assert table["tiny"] == Counter({"insufficient_data": sum(table["tiny"].values())})
