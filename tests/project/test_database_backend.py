"""The suite says which database it ran on, and CI proves it was PostgreSQL."""

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_suite_runs_on_the_database_ci_expects() -> None:
    expected = os.environ.get("REVIEWSEC_EXPECT_DB")
    if not expected:
        pytest.skip(f"no REVIEWSEC_EXPECT_DB; running on {connection.vendor}")
    assert connection.vendor == expected


def test_migrations_are_in_step_with_the_models() -> None:
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
