import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from reviewsec.moderation.services import MODERATORS_GROUP
from tests.analyses.conftest import sent_jobs  # noqa: F401  (crawls are recorded, never run)


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user("mod", "mod@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
