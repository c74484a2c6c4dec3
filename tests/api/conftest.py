import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.analyses.conftest import sent_jobs  # noqa: F401  (crawls are recorded, never run)


@pytest.fixture(autouse=True)
def empty_throttle_counts():
    """Rate-limit counts live in the cache; each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()
