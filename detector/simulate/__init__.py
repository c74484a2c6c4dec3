"""Seeded simulation of Amazon-like products and reviews, honest and manipulated, with ground truth.

The simulator is to the detector what ruptures' ``datasets`` are to its change-point search:
products with planted changes (a burst of fake reviews, a genuine quality change) whose truth is
known, so tests and ``benchmarks/eval_detection.py`` can check what the detector finds.

    from detector.simulate import population, simulate, write_jsonl

    product = simulate("boost", seed=1, fake_share=0.25)
    product.truth.window_start, product.truth.fake_index_range  # what was planted
    product.to_arrays()  # what ``detector.analyze(reviews=...)`` takes
    write_jsonl(population(300, seed=7), "eval.jsonl")  # what ``python -m detector`` reads

Scenarios (``SCENARIOS``): ``honest``, ``genuine_change``, ``boost``, ``badmouth``, ``tiny``; and
for issue 13 the honest ``huge_seasonal``, ``viral``, ``small`` and ``revision`` (3.2 → 4.4), and
the campaigns ``launch_boost``, ``slow_drip``, ``camouflage``, ``badmouth2`` and ``incentivised``
(``detector.simulate.honest_kinds``, ``detector.simulate.campaigns``).
Same seed, same output; products of a population are seeded independently, so
``iter_population`` streams any number of them in constant memory.
"""

from .catalog import Listing
from .population import DEFAULT_MIX, iter_population, population, scenario_counts
from .records import GroundTruth, ReviewColumns, SimulatedProduct, SimulatedReview
from .registry import ATTACK_SCENARIOS, GENUINE_CHANGES, HONEST_SCENARIOS, SCENARIOS, simulate
from .scenarios import (
    ATTACK_SHARE_RANGE,
    HONEST_STAR_MIX,
    ProductOptions,
    attack,
    badmouth,
    boost,
    genuine_change,
    honest,
    tiny,
)
from .writers import CSV_COLUMNS, write_csv, write_jsonl

__all__ = [
    "ATTACK_SCENARIOS",
    "ATTACK_SHARE_RANGE",
    "CSV_COLUMNS",
    "DEFAULT_MIX",
    "GENUINE_CHANGES",
    "HONEST_SCENARIOS",
    "HONEST_STAR_MIX",
    "SCENARIOS",
    "GroundTruth",
    "Listing",
    "ProductOptions",
    "ReviewColumns",
    "SimulatedProduct",
    "SimulatedReview",
    "attack",
    "badmouth",
    "boost",
    "genuine_change",
    "honest",
    "iter_population",
    "population",
    "scenario_counts",
    "simulate",
    "tiny",
    "write_csv",
    "write_jsonl",
]
