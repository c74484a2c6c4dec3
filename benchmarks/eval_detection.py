"""Detection quality on simulated products: the confusion table scenario × category (issue 4).

The evaluation population (default: 400 products, seed 2025, the simulator's default mix with
attack shares drawn from 15–30%) is judged against a reference model fitted on a *different*
seed: the packaged default (1,000 honest products, seed 20250101) or one fitted here with
``--reference-seed``. Prints the table in counts and row shares, then the goals of issue 4 with
PASS/FAIL:

    honest → normal ≥ 90%, highly suspicious ≤ 3%;  genuine change → highly suspicious ≤ 15%;
    attacks (boost, bad-mouthing; 15–30% fakes) → flagged ≥ 85%, highly suspicious ≥ 60%.

    .venv/bin/python benchmarks/eval_detection.py [--products 400] [--seed 2025]
        [--reference-seed S --reference-products N]  [--params '{"ero_alone_satisfaction": 0}']
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping

import detector
from detector.reference import ReferenceModel, default_reference_model, fit_reference
from detector.simulate import iter_population
from detector.verdict import CATEGORIES

SCENARIO_ORDER = ("honest", "genuine_change", "boost", "badmouth", "tiny")
ATTACKS = ("boost", "badmouth")
SHORT = {
    "normal": "normal",
    "suspicious": "susp.",
    "highly_suspicious": "highly",
    "insufficient_data": "insuff.",
}


def confusion(
    products: Iterable[object], model: ReferenceModel, params: Mapping[str, object] | None = None
) -> dict[str, Counter[str]]:
    """scenario → Counter of verdict categories."""
    table: dict[str, Counter[str]] = {}
    for product in products:
        verdict = detector.analyze(product.to_arrays(), reference=model, params=params)
        table.setdefault(product.scenario, Counter())[verdict.category] += 1
    return table


def share(counts: Counter[str], *categories: str) -> float:
    total = sum(counts.values())
    return sum(counts[c] for c in categories) / total if total else float("nan")


def goals(table: Mapping[str, Counter[str]]) -> list[tuple[str, float, str, bool]]:
    """(goal, measured share, bound, met) for every goal of issue 4."""
    attacks = sum((table.get(name, Counter()) for name in ATTACKS), Counter())
    honest, change = table.get("honest", Counter()), table.get("genuine_change", Counter())
    flagged = ("suspicious", "highly_suspicious")
    rows = [
        ("honest → normal", share(honest, "normal"), "≥ 90%", share(honest, "normal") >= 0.90),
        (
            "honest → highly suspicious",
            share(honest, "highly_suspicious"),
            "≤ 3%",
            share(honest, "highly_suspicious") <= 0.03,
        ),
        (
            "genuine change → highly suspicious",
            share(change, "highly_suspicious"),
            "≤ 15%",
            share(change, "highly_suspicious") <= 0.15,
        ),
        ("attacks → flagged", share(attacks, *flagged), "≥ 85%", share(attacks, *flagged) >= 0.85),
        (
            "attacks → highly suspicious",
            share(attacks, "highly_suspicious"),
            "≥ 60%",
            share(attacks, "highly_suspicious") >= 0.60,
        ),
    ]
    for name in ATTACKS:
        counts = table.get(name, Counter())
        rows.append(
            (
                f"  {name} → flagged",
                share(counts, *flagged),
                "≥ 85%",
                share(counts, *flagged) >= 0.85,
            )
        )
        rows.append(
            (
                f"  {name} → highly suspicious",
                share(counts, "highly_suspicious"),
                "≥ 60%",
                share(counts, "highly_suspicious") >= 0.60,
            )
        )
    return rows


def print_table(table: Mapping[str, Counter[str]]) -> None:
    header = f"{'scenario':<16}" + "".join(f"{SHORT[c]:>16}" for c in CATEGORIES) + f"{'total':>8}"
    print(header)
    print("-" * len(header))
    for scenario in [s for s in SCENARIO_ORDER if s in table] + sorted(
        set(table) - set(SCENARIO_ORDER)
    ):
        counts = table[scenario]
        total = sum(counts.values())
        cells = "".join(f"{counts[c]:>6} ({counts[c] / total:>5.1%})" for c in CATEGORIES)
        print(f"{scenario:<16}{cells}{total:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--reference-seed", type=int, default=None)
    parser.add_argument("--reference-products", type=int, default=1000)
    parser.add_argument("--reference", help="a reference model JSON file")
    parser.add_argument("--params", type=json.loads, default=None, help="AnalysisParams as JSON")
    args = parser.parse_args()

    if args.reference:
        with open(args.reference, encoding="utf-8") as stream:
            model = ReferenceModel.from_dict(json.load(stream))
    elif args.reference_seed is not None:
        if args.reference_seed == args.seed:
            parser.error("the reference seed must differ from the evaluation seed")
        honest = iter_population(
            args.reference_products, seed=args.reference_seed, mix={"honest": 1.0}
        )
        model = fit_reference(honest, source=f"honest, seed {args.reference_seed}")
    else:
        model = default_reference_model()
    start = time.perf_counter()
    table = confusion(iter_population(args.products, seed=args.seed), model, args.params)
    elapsed = time.perf_counter() - start
    print(
        f"{args.products} simulated products, seed {args.seed}; reference model: {model.source} "
        f"({model.reference_products} products); params {args.params or 'default'}; {elapsed:.1f} s"
    )
    print_table(table)
    print()
    met = True
    for goal, measured, bound, ok in goals(table):
        met &= ok or goal.startswith("  ")
        print(f"{goal:<36} {measured:>6.1%}  (goal {bound})  {'PASS' if ok else 'FAIL'}")
    print("\nall goals met" if met else "\nsome goals missed (see FAIL above)")


if __name__ == "__main__":
    main()
