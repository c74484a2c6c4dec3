"""The queue in the admin: ordered by severity and age, searchable, decided in bulk."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from reviewsec.analyses.models import CrawlJob
from reviewsec.moderation.models import CaseStatus, ReviewCase
from reviewsec.moderation.services import case_open_for_analysis
from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/reviewcase/"


def _case(category: str, *, asin: str, days_open: int = 0, title: str = "") -> ReviewCase:
    product = make_product(asin=asin, title=title)
    case = case_open_for_analysis(analysis=make_analysis(product, category=category))
    ReviewCase.objects.filter(id=case.id).update(
        opened_at=timezone.now() - dt.timedelta(days=days_open)
    )
    return case


def _listed(response) -> list[str]:
    return [case.product.asin for case in response.context["cl"].result_list]


def test_the_queue_lists_the_most_severe_and_oldest_first(moderator_client) -> None:
    _case("suspicious", asin="B0SUSPNEW1", days_open=1)
    _case("suspicious", asin="B0SUSPOLD1", days_open=5)
    _case("highly_suspicious", asin="B0HIGHNEW1", days_open=0)

    response = moderator_client.get(QUEUE)

    assert response.status_code == 200
    assert _listed(response) == ["B0HIGHNEW1", "B0SUSPOLD1", "B0SUSPNEW1"]
    page = response.content.decode()
    assert 'href="/p/amazon.com/B0HIGHNEW1/"' in page


def test_the_queue_filters_by_status_and_severity_and_searches_titles(moderator_client) -> None:
    _case("suspicious", asin="B0FILTER01", title="Garlic press")
    _case("highly_suspicious", asin="B0FILTER02", title="Phone charger")

    assert _listed(moderator_client.get(QUEUE, {"severity__exact": 2})) == ["B0FILTER02"]
    assert _listed(moderator_client.get(QUEUE, {"q": "garlic"})) == ["B0FILTER01"]
    assert _listed(moderator_client.get(QUEUE, {"status__exact": "cleared"})) == []


def test_the_case_page_shows_the_verdict_summary(moderator_client) -> None:
    case = _case("highly_suspicious", asin="B0SUMMARY1")

    page = moderator_client.get(f"{QUEUE}{case.id}/change/").content.decode()

    assert "Highly suspicious" in page
    assert "5-star reviews are much shorter than the others" in page


@pytest.mark.parametrize(
    ("action", "status"),
    [("confirm", CaseStatus.CONFIRMED_MANIPULATION), ("clear", CaseStatus.CLEARED)],
)
def test_a_bulk_decision_records_the_moderator(moderator_client, moderator, action, status):
    cases = [_case("suspicious", asin=f"B0BULK000{n}") for n in range(2)]

    response = moderator_client.post(
        QUEUE, {"action": action, "_selected_action": [case.id for case in cases]}
    )

    assert response.status_code == 302
    for case in ReviewCase.objects.all():
        assert (case.status, case.decided_by) == (status, moderator)
        assert case.decided_at is not None


def test_recrawl_now_starts_a_new_analysis(
    moderator_client, sent_jobs, django_capture_on_commit_callbacks
) -> None:
    case = _case("suspicious", asin="B0RECRAWL1")

    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(QUEUE, {"action": "recrawl", "_selected_action": [case.id]})

    case.refresh_from_db()
    assert case.status == CaseStatus.NEEDS_RECRAWL
    assert sent_jobs == [CrawlJob.objects.get(product=case.product).id]


def test_changing_the_status_on_the_case_page_records_the_decision(
    moderator_client, moderator
) -> None:
    case = _case("suspicious", asin="B0FORMEDIT")

    response = moderator_client.post(
        f"{QUEUE}{case.id}/change/",
        {
            "status": CaseStatus.CLEARED,
            "assignee": moderator.id,
            "notes": "Seasonal spike.",
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "1",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "0",
            "events-0-id": case.events.get().id,
            "events-0-case": case.id,
        },
    )

    assert response.status_code == 302, response.context["errors"]
    case.refresh_from_db()
    assert (case.status, case.decided_by, case.assignee) == (
        CaseStatus.CLEARED,
        moderator,
        moderator,
    )
    assert case.notes == "Seasonal spike."
    assert [e.actor for e in case.events.all()[:2]] == [moderator, moderator]


def test_moderators_cannot_add_or_delete_cases(moderator_client) -> None:
    case = _case("suspicious", asin="B0NODELETE")

    assert moderator_client.get(f"{QUEUE}add/").status_code == 403
    assert moderator_client.get(f"{QUEUE}{case.id}/delete/").status_code == 403


def test_staff_outside_the_group_cannot_see_the_queue(client) -> None:
    staff = get_user_model().objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)

    assert client.get(QUEUE).status_code == 403
