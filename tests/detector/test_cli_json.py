"""The CLI's one encoding (detector.verdict_json) writes what orjson wrote of the checked dict."""

import datetime
import math

import numpy as np
import orjson
import pytest

import detector
from detector.simulate import simulate
from detector.verdict import _checked, json_safe
from detector.verdict_json import encode


def checked_bytes(record: dict) -> bytes:
    """What the CLI printed before: orjson on the record made strict by ``to_dict``."""
    return orjson.dumps(_checked(record), option=orjson.OPT_SERIALIZE_NUMPY)


@pytest.mark.parametrize("scenario", ["honest", "boost", "badmouth", "camouflage", "viral"])
@pytest.mark.parametrize("n_reviews", [12, 60, 400])
def test_a_verdict_line_is_the_checked_dicts_bytes(scenario, n_reviews):
    reviews = simulate(scenario, seed=5, n_reviews=n_reviews).to_arrays()
    verdict = detector.analyze(reviews)
    product = {"asin": "B0A", "parent_asin": None}
    before = orjson.dumps(
        {"product": product, **verdict.to_dict()}, option=orjson.OPT_SERIALIZE_NUMPY
    )
    assert encode({"product": product, **verdict.to_dict(checked=False)}) == before


def test_the_unchecked_dict_has_the_checked_dicts_values():
    verdict = detector.analyze(simulate("boost", seed=2, n_reviews=80).to_arrays())
    assert orjson.loads(encode(verdict.to_dict(checked=False))) == orjson.loads(
        orjson.dumps(verdict.to_dict())
    )


PLANTED = {
    "nan": math.nan,
    "infinities": [math.inf, -math.inf],
    "numpy": {
        "f64": np.float64(0.1),
        "f32": np.float32(0.1),  # json_safe widens it: 0.10000000149011612, not "0.1"
        "i64": np.int64(-7),
        "bool": np.bool_(True),
        "nan64": np.float64("nan"),
        "array": np.array([1.5, np.nan, np.inf]),
        "ints": np.arange(3),
    },
    "tuple": (1, "two", None, False),
    "small": 1e-5,
    "large": 1.2345678901234568e17,
    "text": "Zürich – 5★",
}


def test_planted_numpy_nan_and_tuples_are_written_as_the_checked_dict_writes_them():
    assert encode(PLANTED) == checked_bytes(PLANTED)
    assert orjson.loads(encode(PLANTED))["numpy"]["f32"] == float(np.float32(0.1))


def test_a_non_string_key_falls_back_to_the_checked_dict():
    record = {"counts": {1: 2, 5: np.int64(3)}}
    assert encode(record, checked=lambda: json_safe(record)) == checked_bytes(record)
    with pytest.raises(TypeError):
        encode(record)


@pytest.mark.parametrize(
    "value", [datetime.datetime(2024, 1, 2), datetime.date(2024, 1, 2), object()]
)
def test_what_json_safe_refuses_is_refused_as_to_dict_refuses_it(value):
    record = {"block": {"when": value}}
    with pytest.raises(TypeError):
        json_safe(record)
    with pytest.raises(TypeError):
        encode(record, checked=lambda: json_safe(record))
