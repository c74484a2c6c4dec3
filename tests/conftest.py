"""Shared fixtures.

Integration tests need real services. Locally (`make test` with nothing configured) they skip
with a reason; in CI ``REVIEWSEC_REQUIRE_SERVICES=1`` turns a missing service into a failure, so
a run that silently skipped the database or the broker cannot pass.
"""

import os

import pytest

REQUIRE_SERVICES = os.environ.get("REVIEWSEC_REQUIRE_SERVICES") == "1"


def service_unavailable(reason: str) -> None:
    """Skip locally, fail in CI."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture
def moderator(db):
    """A staff user in the moderators group (moderation, groups, submissions and API tests)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from reviewsec.moderation.services import MODERATORS_GROUP

    user = get_user_model().objects.create_user("mod", "mod@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    """Django's test client signed in as ``moderator``."""
    client.force_login(moderator)
    return client


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_unavailable("REDIS_URL is not set")
    return url


@pytest.fixture
def postgres_only(settings) -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        service_unavailable("DATABASE_URL does not point at PostgreSQL")


@pytest.fixture(autouse=True)
def no_in_process_beat(settings) -> None:
    """The embedded server's resend thread (``reviewsec.lib.dispatch.InProcessBeat``) and the
    warm crawler child (``crawler.runner.Spares``) stay off in tests: a test that needs one
    turns it on itself."""
    settings.IN_PROCESS_BEAT = False
    settings.CRAWL_WARM_CHILD = False  # no spare crawler child left waiting after each test
