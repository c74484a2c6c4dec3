"""Populations of simulated products: the evaluation set and reference sets for fitting CvT.

Scenario counts are exact (largest remainder over ``mix``) and shuffled by ``seed``; product ``i``
is drawn from its own generator, seeded by ``(seed, i)``, so a population streams in constant
memory (:func:`iter_population`) and any one product can be rebuilt without the others.
"""

from collections.abc import Iterator, Mapping

import numpy as np

from .records import SimulatedProduct
from .registry import SCENARIOS

DEFAULT_MIX: Mapping[str, float] = {
    "honest": 0.55,
    "genuine_change": 0.15,
    "boost": 0.125,
    "badmouth": 0.125,
    "tiny": 0.05,
}
# In a population the attack share varies over 15–30% (the range the detection goals name)
# instead of the scenarios' fixed default of 20%.
_POPULATION_PARAMS: Mapping[str, Mapping[str, object]] = {
    "boost": {"fake_share": None},
    "badmouth": {"fake_share": None},
}


def scenario_counts(n_products: int, mix: Mapping[str, float]) -> dict[str, int]:
    """How many products of each scenario: proportional to ``mix``, rounded by largest remainder."""
    unknown = set(mix) - set(SCENARIOS)
    if unknown:
        raise ValueError(f"unknown scenarios {sorted(unknown)}; choose from {list(SCENARIOS)}")
    weights = np.array([float(weight) for weight in mix.values()])
    if n_products < 0 or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError("n_products must be >= 0 and the mix weights non-negative, not all 0")
    exact = n_products * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    counts[np.argsort(counts - exact, kind="stable")[: n_products - counts.sum()]] += 1
    return dict(zip(mix, counts.tolist(), strict=True))


def iter_population(
    n_products: int,
    seed: int = 0,
    mix: Mapping[str, float] | None = None,
    params: Mapping[str, Mapping[str, object]] | None = None,
    *,
    review_counts: tuple[int, int] | None = None,
) -> Iterator[SimulatedProduct]:
    """Yield ``n_products`` products, scenarios in ``mix`` proportions, in a seeded random order.

    ``params`` maps a scenario name to keyword arguments for it, e.g.
    ``{"boost": {"fake_share": 0.3}}``; attack shares default to a draw from 15–30%.
    ``review_counts=(low, high)`` draws every product's review count (tiny ones excepted)
    uniformly from that range instead of 150–800: ``(20, 80)`` makes 100,000 products about
    5 million reviews, the size of the CLI benchmark.
    """
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed}")
    if review_counts is not None and not 1 <= review_counts[0] <= review_counts[1]:
        raise ValueError(
            f"review_counts must be (low, high) with 1 <= low <= high: {review_counts}"
        )
    counts = scenario_counts(n_products, mix if mix is not None else DEFAULT_MIX)
    labels = np.repeat(list(counts), list(counts.values()))
    order = np.random.default_rng([seed, 1]).permutation(labels.size)
    for index, name in enumerate(labels[order].tolist()):
        kwargs = {**_POPULATION_PARAMS.get(name, {}), **(params or {}).get(name, {})}
        if review_counts is not None and name != "tiny":
            low, high = review_counts
            kwargs.setdefault(
                "n_reviews", int(np.random.default_rng([seed, 2, index]).integers(low, high + 1))
            )
        yield SCENARIOS[name](np.random.default_rng([seed, 0, index]), **kwargs)


def population(
    n_products: int,
    seed: int = 0,
    mix: Mapping[str, float] | None = None,
    params: Mapping[str, Mapping[str, object]] | None = None,
    *,
    review_counts: tuple[int, int] | None = None,
) -> list[SimulatedProduct]:
    """All of :func:`iter_population` as a list (a few hundred products is a few MB)."""
    return list(iter_population(n_products, seed, mix, params, review_counts=review_counts))
