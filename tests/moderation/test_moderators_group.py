"""The ``moderators`` group holds exactly the permissions the queue needs."""

import pytest
from django.contrib.auth.models import Group, Permission

from reviewsec.moderation.services import MODERATORS_GROUP, moderators_group_sync

pytestmark = pytest.mark.django_db

EXPECTED = {
    "moderation.view_reviewcase",
    "moderation.change_reviewcase",
    "moderation.view_reviewcaseevent",
    "catalog.view_reviewsubmission",
    "catalog.change_reviewsubmission",
    "groups.view_groupfit",
    "groups.view_reviewergroup",
    "groups.change_reviewergroup",
    "groups.view_groupdecision",
    "catalog.view_reviewer",
    "catalog.view_seller",
}


def _permissions(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_migrate_creates_the_group_with_exactly_the_queue_permissions() -> None:
    assert _permissions(Group.objects.get(name=MODERATORS_GROUP)) == EXPECTED


def test_syncing_removes_permissions_added_by_hand() -> None:
    group = Group.objects.get(name=MODERATORS_GROUP)
    group.permissions.add(*Permission.objects.filter(codename__startswith="delete_"))

    assert _permissions(moderators_group_sync()) == EXPECTED
