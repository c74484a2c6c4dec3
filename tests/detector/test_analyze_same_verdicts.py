"""The speed-ups of issue 18 leave every verdict as it was (``tests/detector/same_verdicts.py``).

Frozen products (a seeded ``detector.simulate`` population and products of 100 to 10,000 reviews)
are judged against a frozen reference model, and the whole ``Verdict.to_dict()`` is compared
with the one the code before the speed-ups gave: categories, reasons, summary and every string,
count and flag exactly; every number (p-values, statistics, shares, thresholds) within a relative
1e-6 (absolute 1e-12), the CUSUM series by their length, sum and position-weighted sum.

The baseline is recorded in the expectation file: every speed path (``SPEED_PATHS``) as at
ce0573a (the lead's rare-categories commit, before any speed-up), except analysis.py and
feature_scan.py as at 2b35361 and 8c697f2 (H1's edits in them, before any speed-up there);
everything else as committed when it was generated. Regenerate after someone else's verdict
change with ``tests/detector/same_verdicts.py`` (see its docstring).
"""

from __future__ import annotations

import gzip
import json

import pytest

import detector
from tests.detector import same_verdicts


@pytest.fixture(scope="module")
def expected() -> list[dict[str, object]]:
    stored = json.loads(gzip.decompress(same_verdicts.EXPECTED.read_bytes()))
    found: list[dict[str, object]] = stored["products"]
    return found


def test_every_frozen_product_keeps_its_verdict(expected: list[dict[str, object]]) -> None:
    reference = same_verdicts.model()
    products = same_verdicts.products()
    assert len(products) == len(expected) == 30
    categories = set()
    for index, (reviews, before) in enumerate(zip(products, expected, strict=True)):
        verdict = detector.analyze(reviews, reference=reference)
        categories.add(verdict.category)
        found = same_verdicts.leaves(verdict.to_dict())
        differences = same_verdicts.differences(before, found)
        assert not differences, f"product {index}: " + "; ".join(differences[:10])
    # The frozen set exercises more than one outcome, or the comparison would say little.
    assert {"normal", "highly_suspicious"} <= categories


def test_the_comparison_notices_a_changed_number(expected: list[dict[str, object]]) -> None:
    """The tolerance is tight enough to see a p-value moved by 1e-5 (relative) and a new word."""
    before = expected[0]
    key = next(k for k, v in before.items() if k.endswith("/calibrated_p") and v)
    moved = dict(before)
    moved[key] = float(before[key]) * (1 + 1e-5)  # type: ignore[arg-type]
    assert same_verdicts.differences(before, moved)
    reason = next(k for k in before if k.startswith("/verdict/reasons/"))
    changed = dict(before)
    changed[reason] = str(before[reason]) + "!"
    assert same_verdicts.differences(before, changed)
    assert not same_verdicts.differences(before, dict(before))
