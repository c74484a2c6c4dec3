"""Moderators' decisions record who and when; "needs recrawl" starts a new analysis."""

import pytest

from reviewsec.analyses.models import CrawlJob
from reviewsec.moderation.models import CaseStatus
from reviewsec.moderation.services import case_assign, case_decide, case_open_for_analysis
from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return case_open_for_analysis(analysis=make_analysis(make_product(), category="suspicious"))


def test_a_decision_records_who_and_when(case, moderator) -> None:
    decided = case_decide(
        case=case, status=CaseStatus.CONFIRMED_MANIPULATION, actor=moderator, note="Paid reviews."
    )

    assert decided.status == CaseStatus.CONFIRMED_MANIPULATION
    assert decided.decided_by == moderator
    assert decided.decided_at is not None
    event = decided.events.first()
    assert (event.actor, event.status) == (moderator, CaseStatus.CONFIRMED_MANIPULATION)
    assert event.message == "Confirmed manipulation by mod. Paid reviews."


def test_the_same_decision_twice_is_recorded_once(case, moderator) -> None:
    case_decide(case=case, status=CaseStatus.CLEARED, actor=moderator)
    case_decide(case=case, status=CaseStatus.CLEARED, actor=moderator)

    assert case.events.count() == 2  # opened, cleared


def test_needs_recrawl_starts_a_forced_analysis(
    case, moderator, sent_jobs, django_capture_on_commit_callbacks
) -> None:
    make_analysis(case.product)  # a fresh verdict would normally be served as it is

    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, status=CaseStatus.NEEDS_RECRAWL, actor=moderator)

    job = CrawlJob.objects.get(product=case.product)
    assert sent_jobs == [job.id]


def test_reopening_by_hand_forgets_the_decision(case, moderator) -> None:
    case_decide(case=case, status=CaseStatus.CLEARED, actor=moderator)

    reopened = case_decide(case=case, status=CaseStatus.OPEN, actor=moderator)

    assert (reopened.status, reopened.decided_by, reopened.decided_at) == ("open", None, None)


def test_assigning_is_recorded(case, moderator, admin_user) -> None:
    case_assign(case=case, assignee=moderator, actor=admin_user)

    case.refresh_from_db()
    assert case.assignee == moderator
    assert case.events.first().message == "Assigned to mod by admin."
