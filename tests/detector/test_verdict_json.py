"""Verdict.to_dict(): the JSON of DESIGN §3, plus the series and distributions the page plots."""

import json
import math

import numpy as np
import pytest

import detector
from detector.simulate import simulate
from detector.verdict import json_safe

TOP_KEYS = [
    "schema",
    "reviews_analyzed",
    "consistency",
    "ero",
    "reviewers",
    "evidence",  # issue 13: the combined calibrated evidence E and what it combines
    "direction",  # issue 13: which way the suspect reviews push the rating
    "summary",  # issue 16: the headline (grade, direction, shop and adjusted rating)
    "verdict",
    "detector_version",
]
CONSISTENCY_KEYS = {
    "mu0",
    "nu",
    "h0",
    "threshold",
    "c_index",
    "pci",
    "score",
    "intervals",
    "series",
}
INTERVAL_KEYS = {"start", "end", "direction", "start_date", "end_date"}
SERIES_KEYS = {"dates", "ratings", "running_mean", "g_plus", "g_minus"}
FEATURE_KEYS = {
    "name",
    "satisfaction",
    "groups",
    "anova",
    "pairs",
    "label",
    "in_verdict",
    "distribution",
}


@pytest.fixture(scope="module")
def attacked() -> dict:
    return detector.analyze(simulate("badmouth", seed=5).to_arrays()).to_dict()


def walk(value):
    """Every leaf of a JSON document."""
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield value


def test_the_top_level_keys_are_those_of_the_design(attacked):
    assert list(attacked) == TOP_KEYS
    assert attacked["schema"] == "reviewsec.verdict/1"
    assert attacked["detector_version"] == detector.DETECTOR_VERSION
    assert attacked["verdict"]["category"] == "highly_suspicious"
    assert all(isinstance(reason, str) and reason for reason in attacked["verdict"]["reasons"])


def test_the_consistency_block_has_intervals_with_dates_and_a_chart_series(attacked):
    consistency = attacked["consistency"]
    assert set(consistency) >= CONSISTENCY_KEYS
    assert consistency["intervals"]
    for interval in consistency["intervals"]:
        assert set(interval) >= INTERVAL_KEYS
        assert interval["direction"] in ("up", "down")
        assert len(interval["start_date"]) == 10
    series = consistency["series"]
    assert set(series) == SERIES_KEYS
    n = attacked["reviews_analyzed"]
    assert all(len(series[key]) == n for key in SERIES_KEYS)
    assert all(isinstance(date, str) for date in series["dates"])
    assert all(round(value, 4) == value for value in series["g_plus"])


def test_every_ero_feature_has_a_label_a_verdict_flag_and_a_distribution(attacked):
    ero = attacked["ero"]
    assert {"alpha", "satisfaction", "features"} <= set(ero)
    for feature in ero["features"]:
        assert set(feature) >= FEATURE_KEYS
        assert isinstance(feature["in_verdict"], bool)
        distribution = feature["distribution"]
        if feature["name"] in ("day_of_week", "hour_of_day", "country", "verified"):
            assert len(distribution["shares"]) == len(distribution["groups"])
            assert all(
                len(row) == len(distribution["categories"]) for row in distribution["shares"]
            )
            assert all(sum(row) == pytest.approx(1.0, abs=1e-3) for row in distribution["shares"])
        else:
            for key in ("median", "q1", "q3", "mean", "n"):
                assert len(distribution[key]) == len(distribution["groups"])
    labels = {f["name"]: f["label"] for f in ero["features"]}
    assert labels["text_length"] == "Review length"
    assert labels["verified"] == "Verified purchase"


def test_numeric_distributions_match_numpy_by_star_level():
    product = simulate("honest", seed=9).to_arrays()
    verdict = detector.analyze(product).to_dict()
    feature = next(f for f in verdict["ero"]["features"] if f["name"] == "text_length")
    distribution = feature["distribution"]
    for index, star in enumerate(distribution["groups"]):
        values = product["text_length"][product["rating"] == star]
        q1, median, q3 = np.percentile(values, [25, 50, 75])
        assert distribution["median"][index] == pytest.approx(median, abs=1e-4)
        assert distribution["q1"][index] == pytest.approx(q1, abs=1e-4)
        assert distribution["q3"][index] == pytest.approx(q3, abs=1e-4)
        assert distribution["mean"][index] == pytest.approx(values.mean(), abs=1e-4)
        assert distribution["n"][index] == values.size


def test_the_verdict_is_strict_json_with_plain_types_only(attacked):
    text = json.dumps(attacked, allow_nan=False)
    assert json.loads(text) == attacked
    for leaf in walk(attacked):
        assert leaf is None or type(leaf) in (str, int, float, bool)
        assert not (isinstance(leaf, float) and not math.isfinite(leaf))


def test_degenerate_features_still_give_strict_json():
    """A constant text length and a country known for one review: untestable, never NaN."""
    n = 40
    product = {
        "rating": np.array([5, 4, 1, 3] * 10),
        "posted_at": np.datetime64("2022-05-01") + np.arange(n),
        "text_length": np.full(n, 100.0),
        "country": np.array(["US"] + [None] * (n - 1), dtype=object),
        "verified": np.array([True, False] * 20),
        "helpful_votes": np.where(np.arange(n) % 3 == 0, np.nan, 1.0),
    }
    verdict = detector.analyze(product).to_dict()
    json.dumps(verdict, allow_nan=False)
    assert verdict["verdict"]["category"] in ("normal", "suspicious", "highly_suspicious")


def test_json_safe_turns_numpy_values_and_non_finite_numbers_into_plain_json():
    value = {"a": np.float64("nan"), "b": (np.int64(3), np.inf), "c": np.array([1.5, -np.inf])}
    assert json_safe(value) == {"a": None, "b": [3, None], "c": [1.5, None]}


def test_insufficient_data_keeps_the_same_shape():
    verdict = detector.analyze(
        {"rating": [5, 1, 5], "posted_at": np.array(["2021-01-01"] * 3, "datetime64[D]")}
    ).to_dict()
    assert list(verdict) == TOP_KEYS
    assert verdict["verdict"]["category"] == "insufficient_data"
    json.dumps(verdict, allow_nan=False)


def _block_by_block(verdict):
    """The checked dict as ``to_dict`` built it before the one orjson pass: every block through
    ``json.dumps`` (``_checked``), the distributions deep-copied."""
    from detector.verdict import _checked

    return verdict._blocks(_checked, copy_distributions=True)


def _same(a, b, path="record"):
    """Equal with the same types all the way down (a list is not a tuple, 1 is not 1.0)."""
    assert type(a) is type(b), path
    if isinstance(a, dict):
        assert list(a) == list(b), path
        for key in a:
            _same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{index}]")
    elif isinstance(a, float):
        assert a == b and math.copysign(1.0, a) == math.copysign(1.0, b), path
    else:
        assert a == b, path


@pytest.mark.parametrize(
    ("scenario", "n_reviews"),
    [
        ("tiny", 8),
        *((s, n) for s in ("honest", "boost", "badmouth", "camouflage") for n in (60, 700)),
    ],
)
def test_the_checked_dict_is_the_block_by_block_dict(scenario, n_reviews):
    verdict = detector.analyze(simulate(scenario, seed=3, n_reviews=n_reviews).to_arrays())
    _same(verdict.to_dict(), _block_by_block(verdict))


def test_the_checked_dicts_distributions_are_copies():
    verdict = detector.analyze(simulate("boost", seed=4, n_reviews=90).to_arrays())
    record = verdict.to_dict()
    for block in record["ero"]["features"]:
        block["distribution"]["n"].append(-1)
        assert verdict.distributions[block["name"]]["n"][-1] != -1


def test_strict_writes_numpy_nan_and_tuples_as_json_safe_does():
    from detector.verdict import _strict

    record = {
        "consistency": {"pci": np.float64(0.25), "series": {"g_plus": [0.5, 1.5]}},
        "nan": math.nan,
        "infinities": (math.inf, -math.inf),
        "numpy": {"f32": np.float32(0.1), "ints": np.arange(3), "flag": np.bool_(False)},
        "negative_zero": -0.0,
        "tiny": 5e-324,
    }
    series = record["consistency"]["series"]
    expected = json_safe({k: v for k, v in record.items() if k != "consistency"})
    strict = _strict(record)
    assert strict is not None
    assert strict["consistency"]["series"] is series
    _same({k: v for k, v in strict.items() if k != "consistency"}, expected)
    assert strict["consistency"]["pci"] == 0.25


@pytest.mark.parametrize(
    "odd", [{1: "int key"}, 2**70, "\ud800", object()], ids=["key", "bigint", "surrogate", "obj"]
)
def test_strict_leaves_what_orjson_refuses_to_the_block_by_block_path(odd):
    from detector.verdict import _strict

    assert _strict({"consistency": None, "odd": odd}) is None
