"""detector.reference: the CvT line and ERO calibration fitted together, and their JSON."""

import json

import numpy as np
import pytest

from detector.consistency import pci
from detector.reference import (
    ReferenceModel,
    default_reference_model,
    fit_reference,
    robust_members,
)
from detector.simulate import iter_population, population, simulate


@pytest.fixture(scope="module")
def honest_products():
    return population(80, seed=31, mix={"honest": 1.0})


@pytest.fixture(scope="module")
def model(honest_products):
    return fit_reference(
        honest_products, source="test", sample_ids=[p.asin for p in honest_products]
    )


def test_a_model_survives_a_json_round_trip_unchanged(model):
    data = json.loads(json.dumps(model.to_dict(), allow_nan=False))
    again = ReferenceModel.from_dict(data)
    assert again == model
    assert again.to_dict() == model.to_dict()


def test_the_packaged_default_loads_and_describes_itself():
    model = default_reference_model()
    # issue 13: 300 simulated honest products, a few set aside by the fixed point
    assert model.reference_products + len(model.set_aside) == 300
    assert model.reference_products >= 250
    assert model.calibration.method == "tail"
    assert "simulated honest products" in model.source
    assert set(model.calibration.features) == set(model.verdict_features)
    assert "helpful_votes" not in model.verdict_features
    assert model.contours()["pci"]


def test_a_json_of_another_kind_is_refused():
    with pytest.raises(ValueError, match="not a reference model"):
        ReferenceModel.from_dict({"schema": "reviewsec.cvt/1"})


def test_the_line_is_raised_so_the_chosen_share_of_reference_products_alarms(
    honest_products, model
):
    """By construction about 10% of the fitted products have a change interval at their h_d."""
    series = [p.columns.rating.astype(float) for p in honest_products]
    alarming = [pci(x, model.threshold_for(x)[0], nu=model.threshold_model.nu) > 0 for x in series]
    assert np.mean(alarming) == pytest.approx(0.1, abs=0.02)


def test_only_verdict_features_are_calibrated(honest_products):
    model = fit_reference(honest_products, verdict_features=("verified", "text_length"))
    assert set(model.calibration.features) == {"verified", "text_length"}
    assert model.verdict_features == ("verified", "text_length")


def test_products_below_the_minimum_are_left_out_of_the_reference(honest_products):
    tiny = [simulate("tiny", seed=s) for s in range(5)]
    model = fit_reference([*honest_products[:30], *tiny])
    # issue 13: the 30 eligible products are members or set aside (named by position), never tiny
    assert model.reference_products + len(model.set_aside) == 30
    assert all(int(name[1:]) < 30 for name in model.set_aside)


def test_fewer_than_two_usable_products_are_refused():
    with pytest.raises(ValueError, match="at least two products"):
        fit_reference([simulate("tiny", seed=1)])


def test_sample_ids_follow_the_c_index_order(honest_products, model):
    # issue 13: the CvT line is fitted on the members; the set-aside products are named instead
    members = set(model.threshold_model.sample_ids)
    assert members.isdisjoint(model.set_aside)
    assert sorted(members | set(model.set_aside)) == sorted(p.asin for p in honest_products)


@pytest.mark.slow
def test_robust_trimming_drops_planted_campaigns_from_a_mixed_reference():
    products = [p for p in iter_population(160, seed=41) if p.n_reviews >= 20]
    from detector.prepare import prepare_reviews
    from detector.reference import DEFAULT_VERDICT_FEATURES, _omnibus_statistics

    wanted = set(DEFAULT_VERDICT_FEATURES)
    statistics = [_omnibus_statistics(prepare_reviews(p.to_arrays()), wanted) for p in products]
    kept = set(robust_members(statistics))
    attacked = {i for i, p in enumerate(products) if p.truth.is_manipulated}
    assert len(attacked & kept) <= 0.2 * len(attacked)
    assert len(kept - attacked) >= 0.8 * (len(products) - len(attacked))


def test_the_vectorised_trimming_satisfaction_equals_analyze_ero(honest_products):
    from detector.ero import analyze_ero
    from detector.prepare import prepare_reviews
    from detector.reference import (
        DEFAULT_VERDICT_FEATURES,
        _calibration,
        _omnibus_statistics,
        satisfactions,
    )

    wanted = set(DEFAULT_VERDICT_FEATURES)
    prepared = [prepare_reviews(p.to_arrays()) for p in honest_products[:40]]
    statistics = [_omnibus_statistics(p, wanted) for p in prepared]
    calibration = _calibration(statistics)
    expected = [
        analyze_ero(
            p.ratings,
            {k: v for k, v in p.features.items() if k in wanted},
            calibration=calibration,
        ).satisfaction
        for p in prepared
    ]
    assert satisfactions(calibration, statistics) == pytest.approx(expected, abs=1e-12)


def test_evidence_computed_in_pieces_gives_the_same_model(honest_products):
    """``python -m detector`` computes the sample's evidence in one piece per worker and fits on
    the pieces joined: the model (set-aside ids, line, calibration, leans) is the one call's."""
    from detector.reference import fit_reference_evidence, reference_evidence

    mixed = [*honest_products[:40], simulate("tiny", seed=2), *honest_products[40:]]
    ids = [getattr(p, "asin", "") for p in mixed]
    whole = fit_reference(mixed, robust=True, sample_ids=ids, source="s")
    first, second = mixed[:25], mixed[25:]
    evidence = [*reference_evidence(first), *reference_evidence(second, first_position=25)]
    pieces = fit_reference_evidence(evidence, robust=True, sample_ids=ids, source="s")
    assert json.dumps(pieces.to_dict()) == json.dumps(whole.to_dict())
    assert len(evidence) == len(mixed) - 1  # the tiny product is left out
