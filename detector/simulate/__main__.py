"""``python -m detector.simulate``: write simulated reviews as JSON Lines (or CSV by suffix).

python -m detector.simulate --scenario boost --seed 1 --out boost.jsonl
python -m detector.simulate --scenario mixed --products 300 --out eval.jsonl --truth
"""

import argparse
import sys

from .population import iter_population
from .registry import SCENARIOS
from .writers import write_csv, write_jsonl


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detector.simulate", description=__doc__)
    parser.add_argument("--scenario", default="mixed", choices=[*SCENARIOS, "mixed"])
    parser.add_argument("--products", type=int, default=1, help="how many products (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="-", help="file to write; .csv for CSV; - for stdout")
    parser.add_argument("--truth", action="store_true", help="add sim_is_fake, sim_scenario")
    parser.add_argument(
        "--review-counts", nargs=2, type=int, metavar=("LOW", "HIGH"),
        help="draw each product's review count from LOW..HIGH (default 150..800)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    mix = None if args.scenario == "mixed" else {args.scenario: 1.0}
    review_counts = (args.review_counts[0], args.review_counts[1]) if args.review_counts else None
    products = iter_population(args.products, args.seed, mix, review_counts=review_counts)
    out = sys.stdout if args.out == "-" else args.out
    if args.out.endswith(".csv"):
        count = write_csv(products, out, truth=args.truth)
    else:
        count = write_jsonl(products, out, truth=args.truth)
    print(f"wrote {count} reviews of {args.products} products to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
