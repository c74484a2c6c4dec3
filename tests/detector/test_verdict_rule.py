"""The verdict rule of DESIGN §3.4 (issue 13) on hand-worked PCI(h±) and evidence E values.

Issue 13 deliberately replaced the paper's cut-offs (S > 0.8 normal, S < 0.1 highly) by
false-alarm rates on a calibrated E: highly if E < 0.002, or an interval with E < 0.05; suspicious
if an interval with E < 0.3, or E < 0.05; normal otherwise.
"""

import pytest

from detector.verdict import AnalysisParams, categorize

PAPER_RULE = AnalysisParams(normal_evidence=0.8, highly_evidence=0.1, alone_highly=0.0)


@pytest.mark.parametrize(
    ("pci", "evidence", "category"),
    [
        (0.0, 1.0, "normal"),  # consistent and equal
        (0.0, 0.2, "normal"),  # no interval: moderate evidence alone is not enough
        (0.0, 0.05, "normal"),  # 0.05 itself is not "below 0.05"
        (0.0, 0.0499, "suspicious"),  # strong evidence, no interval needed
        (0.0, 0.002, "suspicious"),  # 0.002 itself is not "below 0.002"
        (0.0, 0.00199, "highly_suspicious"),  # very strong evidence alone
        (0.2, 0.3, "normal"),  # a change, star levels alike: a genuine change or revision
        (0.2, 0.2999, "suspicious"),
        (0.2, 0.05, "suspicious"),  # 0.05 itself is not "below 0.05"
        (0.2, 0.0499, "highly_suspicious"),
        (0.01, 0.0, "highly_suspicious"),  # any change interval counts
        (0.3, None, "suspicious"),  # a change and no calibrated feature: cannot rule it out
        (0.0, None, "normal"),
        (None, 0.5, "insufficient_data"),
    ],
)
def test_the_calibrated_cut_offs_decide_the_category(pci, evidence, category):
    assert categorize(pci, evidence) == category


def test_the_paper_cut_offs_remain_available_as_parameters():
    assert categorize(0.2, 0.81, PAPER_RULE) == "normal"
    assert categorize(0.2, 0.79, PAPER_RULE) == "suspicious"
    assert categorize(0.2, 0.0999, PAPER_RULE) == "highly_suspicious"
    assert categorize(0.0, 0.0, PAPER_RULE) == "suspicious"  # E < 0.05 alone, never highly


def test_params_come_from_a_mapping_and_refuse_unknown_names():
    assert AnalysisParams.coerce({"min_reviews": 30}).min_reviews == 30
    assert AnalysisParams.coerce({"threshold": "cvt"}).threshold == "cvt"
    assert AnalysisParams.coerce(None) == AnalysisParams()
    with pytest.raises(ValueError, match="unknown analysis parameters"):
        AnalysisParams.coerce({"min_review": 30})


@pytest.mark.parametrize(
    "bad",
    [
        {"min_reviews": 0},
        {"alpha": 0.0},
        {"threshold": "fixed"},
        {"change_alpha": 0.0},
        {"normal_evidence": 0.01},  # below the highly-suspicious cut-off
        {"alone_highly": 0.5},  # above the alone-suspicious cut-off
    ],
)
def test_inconsistent_params_are_refused(bad):
    with pytest.raises(ValueError):
        AnalysisParams(**bad)
