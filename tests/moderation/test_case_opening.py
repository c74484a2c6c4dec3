"""A suspicious verdict opens its product's case, updates it, or re-opens it."""

import pytest

from reviewsec.moderation.models import CaseStatus, ReviewCase, Severity
from reviewsec.moderation.services import case_decide, case_open_for_analysis
from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db


def _open(product, category):
    return case_open_for_analysis(analysis=make_analysis(product, category=category))


@pytest.mark.parametrize(
    ("category", "severity"),
    [("suspicious", Severity.SUSPICIOUS), ("highly_suspicious", Severity.HIGHLY_SUSPICIOUS)],
)
def test_a_suspicious_verdict_opens_a_case_with_its_severity(category, severity) -> None:
    product = make_product()

    case = _open(product, category)

    assert (case.product, case.status, case.severity) == (product, CaseStatus.OPEN, severity)
    assert case.events.get().message == f"Opened: the verdict is {category.replace('_', ' ')}."


@pytest.mark.parametrize("category", ["normal", "insufficient_data"])
def test_other_verdicts_open_no_case(category) -> None:
    assert _open(make_product(), category) is None
    assert not ReviewCase.objects.exists()


def test_the_same_analysis_twice_changes_nothing() -> None:
    analysis = make_analysis(make_product(), category="suspicious")

    case_open_for_analysis(analysis=analysis)
    case_open_for_analysis(analysis=analysis)

    assert ReviewCase.objects.get().events.count() == 1


def test_an_open_case_follows_the_newest_analysis() -> None:
    product = make_product()
    _open(product, "highly_suspicious")

    case = _open(product, "suspicious")

    assert ReviewCase.objects.count() == 1
    assert (case.status, case.severity) == (CaseStatus.OPEN, Severity.SUSPICIOUS)
    assert case.events.count() == 2


def test_a_case_waiting_for_a_recrawl_opens_again_when_it_lands(admin_user, sent_jobs) -> None:
    product = make_product()
    case = _open(product, "suspicious")
    case_decide(case=case, status=CaseStatus.NEEDS_RECRAWL, actor=admin_user)

    case = _open(product, "suspicious")

    assert case.status == CaseStatus.OPEN
    assert (case.decided_by, case.decided_at) == (None, None)
    assert case.events.first().message.startswith("Re-opened (after the recrawl)")


def test_a_cleared_case_reopens_when_the_verdict_escalates(admin_user) -> None:
    product = make_product()
    case = _open(product, "suspicious")
    case_decide(case=case, status=CaseStatus.CLEARED, actor=admin_user)
    cleared_at = ReviewCase.objects.get().opened_at

    case = _open(product, "highly_suspicious")

    assert (case.status, case.severity) == (CaseStatus.OPEN, Severity.HIGHLY_SUSPICIOUS)
    assert case.opened_at > cleared_at


def test_a_cleared_case_stays_cleared_on_the_same_evidence(admin_user) -> None:
    product = make_product()
    case = _open(product, "suspicious")
    case_decide(case=case, status=CaseStatus.CLEARED, actor=admin_user)

    case = _open(product, "suspicious")

    assert case.status == CaseStatus.CLEARED
    assert case.decided_by == admin_user
    assert "stays cleared" in case.events.first().message


def test_a_confirmed_case_stays_confirmed_while_the_verdict_stays_the_same(admin_user) -> None:
    product = make_product()
    case = _open(product, "suspicious")
    case_decide(case=case, status=CaseStatus.CONFIRMED_MANIPULATION, actor=admin_user)

    case = _open(product, "suspicious")

    assert case.status == CaseStatus.CONFIRMED_MANIPULATION
    assert "stays confirmed manipulation" in case.events.first().message


@pytest.mark.parametrize("new_category", ["highly_suspicious", "normal"])
def test_a_changed_verdict_reopens_a_confirmed_case(admin_user, new_category) -> None:
    product = make_product()
    case = _open(product, "suspicious")
    case_decide(case=case, status=CaseStatus.CONFIRMED_MANIPULATION, actor=admin_user)

    analysis = make_analysis(product, category=new_category)
    case_open_for_analysis(analysis=analysis)

    case.refresh_from_db()
    assert (case.status, case.analysis, case.decided_by) == (CaseStatus.OPEN, analysis, None)
    assert case.events.first().message.startswith("Re-opened (verdict changed)")


def test_a_normal_verdict_is_noted_on_an_open_case_without_closing_it() -> None:
    product = make_product()
    case = _open(product, "suspicious")

    assert _open(product, "normal") == case
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert "stays open" in case.events.first().message
