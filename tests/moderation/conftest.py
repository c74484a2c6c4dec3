"""``moderator`` and ``moderator_client`` live in tests/conftest.py (groups and submissions use
them too)."""

from tests.analyses.conftest import sent_jobs  # noqa: F401  (crawls are recorded, never run)
