"""The ERO records' ``to_dict``: built from a copy of the instance ``__dict__`` (issue 18), they
must give the dicts of DESIGN §3 written out field by field - the same keys in the same order, the
same Python types, the same float bits - whichever way the record was made (constructor,
``dataclasses.replace``, ``replaced``, copy, pickle) and whatever its numbers are (numpy floats,
infinities, NaN)."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pytest

from detector.ero.results import (
    CategoryResult,
    ChiSquareResult,
    FeatureResult,
    OmnibusStatistic,
)
from detector.stats.records import replaced
from detector.stats.tukey import AnovaResult, PairResult, pair_dicts, tukey_hsd

T = TypeVar("T")


def _canonical(value: Any) -> Any:
    """Value with its type at every level, dict keys in order, floats by their bits."""
    if type(value) is dict:
        return ("dict", [(_canonical(key), _canonical(item)) for key, item in value.items()])
    if type(value) in (list, tuple):
        return (type(value).__name__, [_canonical(item) for item in value])
    if isinstance(value, float):
        return (type(value).__qualname__, float(value).hex())
    return (type(value).__qualname__, repr(value))


def _finite_or_none(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


# The blocks written out field by field (what to_dict returned before issue 18's change).
def _anova(r: AnovaResult) -> dict[str, Any]:
    return {
        "f": _finite_or_none(r.f),
        "p": r.p,
        "df_between": r.df_between,
        "df_within": r.df_within,
    }


def _pair(r: PairResult) -> dict[str, Any]:
    return {
        "a": r.a,
        "b": r.b,
        "mean_diff": _finite_or_none(r.mean_diff),
        "p_adj": r.p_adj,
        "reject": r.reject,
        "mean_a": r.mean_a,
        "mean_b": r.mean_b,
        "q": _finite_or_none(r.statistic),
    }


def _omnibus(r: OmnibusStatistic) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "value": _finite_or_none(r.value),
        "df1": r.df1,
        "df2": r.df2,
        "reviews": r.reviews,
    }


def _chi_square(r: ChiSquareResult) -> dict[str, Any]:
    return {
        "statistic": r.statistic,
        "p": r.p,
        "dof": r.dof,
        "low_expected_share": r.low_expected_share,
    }


def _category(r: CategoryResult) -> dict[str, Any]:
    return {
        "category": r.category,
        "reviews": r.reviews,
        "anova": _anova(r.anova),
        "satisfaction": r.satisfaction,
        "adjusted_satisfaction": r.adjusted_satisfaction,
        "pair": list(r.pair),
    }


def _feature(r: FeatureResult) -> dict[str, Any]:
    return {
        "name": r.name,
        "kind": r.kind,
        "satisfaction": r.satisfaction,
        "groups": list(r.groups),
        "dropped_groups": list(r.dropped_groups),
        "reviews": r.reviews,
        "anova": _anova(r.anova) if r.anova else None,
        "pairs": [_pair(pair) for pair in r.pairs],
        "category": r.category,
        "categories": [_category(category) for category in r.categories],
        "bonferroni_factor": r.bonferroni_factor,
        "chi_square": _chi_square(r.chi_square) if r.chi_square else None,
        "omnibus": _omnibus(r.omnibus) if r.omnibus else None,
        "calibrated_p": r.calibrated_p,
        "calibration": {
            "satisfaction": "raw",
            "pairs": "raw",
            "chi_square": "raw",
            "calibrated_p": "reference" if r.calibrated_p is not None else None,
        },
        "in_verdict": r.in_verdict,
        "notes": list(r.notes),
    }


_NUMBERS = [
    0.25,
    -3.5e-300,
    7.0,
    math.inf,
    -math.inf,
    math.nan,
    np.float64(1.5),
    np.float64(np.inf),
]


def _pairs() -> tuple[PairResult, ...]:
    return tuple(
        PairResult(i, f"g{i}", diff, 0.01 * i, i % 2 == 0, 0.5, np.float64(0.25), q)
        for i, (diff, q) in enumerate(zip(_NUMBERS, reversed(_NUMBERS), strict=True))
    )


def _categories() -> tuple[CategoryResult, ...]:
    return tuple(
        CategoryResult(f"c{i}", 10 + i, AnovaResult(f, 0.5, 4, 90), 0.1, 0.3, (i, 5))
        for i, f in enumerate(_NUMBERS)
    )


def _features() -> list[FeatureResult]:
    return [
        FeatureResult(
            "day_of_week",
            "categorical",
            0.02,
            groups=(1, 2, 4, 5),
            dropped_groups=(3,),
            reviews=95,
            anova=AnovaResult(np.float64(2.5), 0.04, 3, 91),
            pairs=_pairs(),
            category="Mon",
            categories=_categories(),
            bonferroni_factor=7,
            chi_square=ChiSquareResult(12.5, 0.03, 18, 0.25),
            omnibus=OmnibusStatistic("chi_square", math.inf, 18, 0, 95),
            calibrated_p=0.2,
            in_verdict=True,
            notes=("pooled rare categories",),
        ),
        FeatureResult("text_length", "numeric", None, notes=("too few reviews",)),
        FeatureResult(
            "helpful_votes",
            "numeric",
            0.5,
            groups=(1, 5),
            reviews=40,
            anova=AnovaResult(math.nan, math.nan, 1, 38),
            pairs=_pairs()[:1],
            omnibus=OmnibusStatistic("anova_f", np.float64(3.0), 1, 38, 40),
        ),
    ]


_MADE: dict[str, Callable[[Any], Any]] = {
    "constructor": lambda record: record,
    "dataclasses.replace": lambda record: dataclasses.replace(record),
    "replaced": lambda record: replaced(record),
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    "pickle": lambda record: pickle.loads(pickle.dumps(record)),
}


@pytest.mark.parametrize("made", list(_MADE))
def test_feature_blocks_are_the_fields_written_out(made: str) -> None:
    for feature in _features():
        record = _MADE[made](feature)
        assert record.driving_pair is None or record.driving_pair in record.pairs  # properties
        assert record.testable is (record.satisfaction is not None)  # leave __dict__ alone
        assert _canonical(record.to_dict()) == _canonical(_feature(record))


@pytest.mark.parametrize("made", list(_MADE))
def test_small_records_are_the_fields_written_out(made: str) -> None:
    for pair in _pairs():
        assert _canonical(_MADE[made](pair).to_dict()) == _canonical(_pair(pair))
    for category in _categories():
        assert _canonical(_MADE[made](category).to_dict()) == _canonical(_category(category))
    omnibus = OmnibusStatistic("anova_f", np.float64(-math.inf), 2, 50, 53)
    assert _canonical(_MADE[made](omnibus).to_dict()) == _canonical(_omnibus(omnibus))
    chi_square = ChiSquareResult(np.float64(1.0), 0.5, 4, 0.0)
    assert _canonical(_MADE[made](chi_square).to_dict()) == _canonical(_chi_square(chi_square))


def test_pair_dicts_of_a_tukey_test_are_each_pairs_dict() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(mean, 1.0, 30) for mean in (0.0, 0.4, 1.5, 1.5)])
    pairs = tukey_hsd(values, np.repeat(["a", "b", "c", "d"], 30))
    assert _canonical(pair_dicts(pairs)) == _canonical([_pair(pair) for pair in pairs])
    assert pair_dicts(pairs) == [pair.to_dict() for pair in pairs]
    assert pair_dicts(()) == []


def test_blocks_are_new_dicts_each_call() -> None:
    feature = _features()[0]
    before = copy.deepcopy(feature)
    block = feature.to_dict()
    block["pairs"][0]["q"] = "changed"
    block["categories"][0]["anova"]["p"] = "changed"
    block["omnibus"]["value"] = "changed"
    block["in_verdict"] = "changed"
    assert feature == before  # the records are untouched
    assert list(feature.pairs[0].__dict__) == [
        field.name for field in dataclasses.fields(PairResult)
    ]
    assert _canonical(feature.to_dict()) == _canonical(_feature(feature))
