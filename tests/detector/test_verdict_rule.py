"""The verdict rule of DESIGN §3.4 on hand-worked PCI(h_d) and ERO satisfaction values."""

import pytest

from detector.verdict import AnalysisParams, categorize

PAPER_RULE = AnalysisParams(ero_alone_satisfaction=0.0)


@pytest.mark.parametrize(
    ("pci", "satisfaction", "category"),
    [
        (0.0, 1.0, "normal"),  # consistent and equal
        (0.0, 0.5, "normal"),  # consistent: PCI = 0 is enough
        (0.0, 0.05, "normal"),  # consistent, even with unequal star levels (above 0.01)
        (0.2, 0.81, "normal"),  # a change, but equal opportunity above 0.8: a real change
        (0.2, 0.8, "suspicious"),  # 0.8 itself is not "above 0.8"
        (0.2, 0.1, "suspicious"),  # 0.1 itself is not "below 0.1"
        (0.2, 0.0999, "highly_suspicious"),
        (0.01, 0.0, "highly_suspicious"),  # any change interval counts
        (0.3, None, "suspicious"),  # a change and no calibrated feature: cannot rule it out
        (0.0, None, "normal"),
        (None, 0.5, "insufficient_data"),
    ],
)
def test_the_paper_cut_offs_decide_the_category(pci, satisfaction, category):
    assert categorize(pci, satisfaction) == category


def test_strong_ero_evidence_alone_makes_a_steady_product_suspicious_but_never_highly():
    assert categorize(0.0, 0.009) == "suspicious"
    assert categorize(0.0, 0.0) == "suspicious"
    assert categorize(0.0, 0.01) == "normal"


def test_a_zero_ero_alone_cut_off_restores_the_paper_rule_exactly():
    assert categorize(0.0, 0.0, PAPER_RULE) == "normal"
    assert categorize(0.2, 0.05, PAPER_RULE) == "highly_suspicious"


def test_cut_offs_are_parameters():
    strict = AnalysisParams(normal_satisfaction=0.95, highly_satisfaction=0.2)
    assert categorize(0.2, 0.9, strict) == "suspicious"
    assert categorize(0.2, 0.15, strict) == "highly_suspicious"


def test_params_come_from_a_mapping_and_refuse_unknown_names():
    assert AnalysisParams.coerce({"min_reviews": 30}).min_reviews == 30
    assert AnalysisParams.coerce(None) == AnalysisParams()
    with pytest.raises(ValueError, match="unknown analysis parameters"):
        AnalysisParams.coerce({"min_review": 30})


@pytest.mark.parametrize(
    "bad",
    [
        {"min_reviews": 0},
        {"alpha": 0.0},
        {"normal_satisfaction": 0.05},  # below the highly-suspicious cut-off
        {"ero_alone_satisfaction": 0.5},  # above the highly-suspicious cut-off
    ],
)
def test_inconsistent_params_are_refused(bad):
    with pytest.raises(ValueError):
        AnalysisParams(**bad)
