"""detector.analyze on hand-built inputs: arrival order, time precision, too little data."""

import json

import numpy as np
import pytest

import detector
from detector.consistency.cvt import ThresholdModel
from detector.reference import ReferenceModel
from detector.simulate import simulate


def days(n: int, start: str = "2021-03-01") -> np.ndarray:
    return np.datetime64(start) + np.arange(n)


def reviews(ratings, posted_at=None, **features):
    ratings = np.asarray(ratings)
    posted = days(ratings.size) if posted_at is None else np.asarray(posted_at)
    return {"rating": ratings, "posted_at": posted, **features}


def fixed_threshold(h: float) -> ThresholdModel:
    """A CvT model whose line is flat at h (a0 = h, a1 = 0): h_d = max(h0, h)."""
    return ThresholdModel(
        h0=3.0,
        nu=0.6,
        a0=h,
        a1=0.0,
        thresholds=(1.0, 2.0),
        levels=(0.1,),
        intercept_level=0.1,
        reference_pci=(0.0, 0.5),
        pci_surface=((0.0, 0.0), (0.5, 0.5)),
    )


def test_no_reviews_is_insufficient_data():
    verdict = detector.analyze(reviews(np.array([], dtype=int), np.array([], "datetime64[D]")))
    assert verdict.category == "insufficient_data"
    assert verdict.to_dict()["consistency"] is None
    assert "no dated reviews" in verdict.reasons[0]


def test_five_reviews_are_insufficient_data_with_the_reason():
    verdict = detector.analyze(reviews([5, 4, 5, 1, 5]))
    assert verdict.category == "insufficient_data"
    assert verdict.reasons == (
        "Only 5 reviews: at least 20 are needed to tell a real change from chance.",
    )
    assert verdict.to_dict()["reviews_analyzed"] == 5


def test_min_reviews_is_a_parameter():
    product = reviews([5, 4] * 10)
    assert detector.analyze(product).category != "insufficient_data"
    verdict = detector.analyze(product, params={"min_reviews": 30})
    assert verdict.category == "insufficient_data"


def test_a_single_star_level_leaves_nothing_to_compare():
    verdict = detector.analyze(reviews([5] * 40))
    assert verdict.category == "insufficient_data"
    assert verdict.reasons[0].startswith("Every review gives 5 stars")
    almost = detector.analyze(reviews([5] * 39 + [1]))
    assert almost.category == "insufficient_data"
    assert almost.reasons[0].startswith("Only 5-star ratings come up more than once")


def test_hand_worked_alternating_blocks_give_pci_0_9_and_name_both_directions():
    """Ten 5★ then ten 1★: μ0 = 3, each 5★ adds 2 − ν/2 = 1.7 to g⁺ (each 1★ the same to g⁻).

    At h_d = 4: g⁺ = 1.7, 3.4, 5.1 → alarm at index 2 (start 0), reset; again at 5 and 8; index 9
    leaves 1.7. g⁻ was 0 until index 9, so alarms at 12, 15, 18 start at 10, 13, 16. Touching
    pieces of one direction are one change: [0, 8] up and [10, 18] down cover 18 of 20 ratings,
    PCI = 0.9. A bare CvT model has no ERO calibration, so S is unknown and a product with a
    change is suspicious.
    """
    verdict = detector.analyze(
        reviews([5] * 10 + [1] * 10),
        reference=ReferenceModel.cvt_only(fixed_threshold(4.0)),
        params={"threshold": "cvt"},  # the paper's CvT line, kept as an option (issue 13)
    )
    consistency = verdict.to_dict()["consistency"]
    assert consistency["threshold"] == 4.0
    assert consistency["pci"] == pytest.approx(0.9)
    assert [(i["start"], i["end"], i["direction"]) for i in consistency["intervals"]] == [
        (0, 8, "up"),
        (10, 18, "down"),
    ]
    assert consistency["intervals"][0]["start_date"] == "2021-03-01"
    assert consistency["intervals"][0]["end_date"] == "2021-03-09"
    assert verdict.satisfaction is None
    assert verdict.category == "suspicious"
    assert any(
        "From 1 Mar 2021 to 9 Mar 2021, 9 reviews in a row were clearly more positive" in r
        for r in verdict.reasons
    )


def test_reviews_are_put_in_date_order_and_ties_keep_their_source_order():
    posted = np.array(["2021-03-03", "2021-03-01", "2021-03-02", "2021-03-01"], "datetime64[D]")
    ratings = [1, 5, 3, 4]
    verdict = detector.analyze(reviews(ratings, posted))
    series = verdict.to_dict()["consistency"]["series"]
    assert series["ratings"] == [5, 4, 3, 1]
    assert series["dates"] == ["2021-03-01", "2021-03-01", "2021-03-02", "2021-03-03"]


def test_day_precision_means_no_hour_feature_and_second_precision_adds_it():
    product = simulate("honest", seed=3).to_arrays()
    with_times = detector.analyze(product)
    by_day = detector.analyze(
        {**product, "posted_at": product["posted_at"].astype("datetime64[D]")}
    )
    names = [f["name"] for f in with_times.to_dict()["ero"]["features"]]
    assert "hour_of_day" in names
    assert "hour_of_day" not in [f["name"] for f in by_day.to_dict()["ero"]["features"]]
    assert with_times.to_dict()["consistency"]["series"]["dates"][0].count(":") == 2


def test_reviews_without_a_date_are_left_out_and_said_so():
    posted = days(30).astype("datetime64[s]")
    posted[[4, 9]] = np.datetime64("NaT")
    verdict = detector.analyze(reviews([5, 4, 3] * 10, posted))
    assert verdict.reviews_analyzed == 28
    assert verdict.reasons[-1] == "2 reviews without a date were left out."


@pytest.mark.parametrize(
    ("product", "message"),
    [
        ({"rating": [5, 4]}, "'posted_at'"),
        (reviews([5, 6]), "rating 1 is 6"),
        (reviews([5.5, 4]), "rating 0 is 5.5"),
        ({"rating": [5, 4], "posted_at": days(3)}, "3 values for 2 ratings"),
        (reviews([5, 4], text_length=[1, 2, 3]), "'text_length' has 3 values"),
    ],
)
def test_malformed_arrays_raise_a_clear_value_error(product, message):
    with pytest.raises(ValueError, match=message):
        detector.analyze(product)


def test_the_same_input_gives_the_same_json_byte_for_byte():
    product = simulate("boost", seed=8).to_arrays()
    first = json.dumps(detector.analyze(product).to_dict())
    assert json.dumps(detector.analyze(product).to_dict()) == first


def test_a_bare_cvt_model_shows_ero_features_as_signals_only():
    product = simulate("badmouth", seed=2).to_arrays()
    del product["reviewer_review_count"]  # no reviewer evidence: consistency alone decides
    bare = ReferenceModel.cvt_only(detector.default_reference_model().threshold_model)
    verdict = detector.analyze(product, reference=bare)
    ero = verdict.to_dict()["ero"]
    assert ero["satisfaction"] is None
    assert not any(feature["in_verdict"] for feature in ero["features"])
    assert verdict.category == "suspicious"


def test_a_model_given_as_json_is_the_same_as_the_model():
    model = detector.default_reference_model()
    product = simulate("honest", seed=4).to_arrays()
    as_json = json.loads(json.dumps(model.to_dict()))
    from_json = ReferenceModel.from_dict(as_json)
    assert (
        detector.analyze(product, reference=from_json).to_dict()
        == detector.analyze(product, reference=model).to_dict()
    )
