"""The group queue in the admin: a moderator sees the latest fit's groups with members, products,
sellers, window and evidence, and confirms or dismisses them per target kind."""

import pytest
from django.contrib.auth import get_user_model

from reviewsec.groups.models import GroupDecision, TargetKind
from reviewsec.groups.services import group_fit_run

pytestmark = pytest.mark.django_db

QUEUE = "/admin/groups/reviewergroup/"


def test_a_moderator_sees_the_latest_fits_groups(demo_shop, moderator_client) -> None:
    group_fit_run()
    latest = group_fit_run().groups.get()
    response = moderator_client.get(QUEUE)
    assert response.status_code == 200
    assert [group.pk for group in response.context["cl"].result_list] == [latest.pk]
    body = response.content.decode()
    assert "Zentrix Direct" in body and "Halcyon Trading Co." in body
    assert "B0DEMO0011" in body and "undecided" in body
    everything = moderator_client.get(QUEUE + "?fit=all")
    assert len(everything.context["cl"].result_list) == 2


def test_a_groups_page_lists_members_products_window_and_evidence(
    demo_shop, moderator_client
) -> None:
    group = group_fit_run().groups.get()
    body = moderator_client.get(f"{QUEUE}{group.pk}/change/").content.decode()
    for member in group.members.all():
        assert member.profile_id in body
    assert "what makes it dense" in body.lower() and "seller_density" in body
    assert "within" in body  # the products' public sentences
    assert f"{group.window_start:%Y-%m-%d}" in body


@pytest.mark.parametrize(
    ("action", "target", "abusive"),
    [
        ("confirm_members_paid", TargetKind.MEMBERS_PAID, True),
        ("confirm_sellers_paid", TargetKind.SELLERS_PAID, True),
        ("confirm_members_compromised", TargetKind.MEMBERS_COMPROMISED, True),
        ("dismiss_members", TargetKind.MEMBERS_PAID, False),
        ("dismiss_sellers", TargetKind.SELLERS_PAID, False),
    ],
)
def test_actions_record_the_decision_per_target_kind(
    demo_shop, moderator_client, action, target, abusive
) -> None:
    group = group_fit_run().groups.get()
    response = moderator_client.post(
        QUEUE, {"action": action, "_selected_action": [group.pk]}, follow=True
    )
    assert response.status_code == 200
    decision = GroupDecision.objects.get(group=group)
    assert (decision.target, decision.abusive) == (target, abusive)
    assert decision.decided_by.username == "mod"
    undecided = moderator_client.get(QUEUE + "?decision=undecided")
    assert list(undecided.context["cl"].result_list) == []


def test_staff_without_the_moderators_group_cannot_see_the_queue(client, db) -> None:
    user = get_user_model().objects.create_user("staff", "s@example.com", "pw", is_staff=True)
    client.force_login(user)
    assert client.get(QUEUE).status_code == 403
