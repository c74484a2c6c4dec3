"""Crawl outcomes: what they say to people, and that they survive the trip between processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.outcome import CrawlOutcome, Reason, describe, status_for


@pytest.mark.parametrize(
    ("reason", "gathered", "status"),
    [
        (Reason.NONE, 12, "ok"),
        (Reason.NO_REVIEWS, 0, "ok"),
        (Reason.MAX_PAGES, 100, "ok"),
        (Reason.CAUGHT_UP, 3, "ok"),
        (Reason.CAUGHT_UP, 0, "ok"),  # an incremental crawl that found nothing new succeeded
        (Reason.SIGNIN_REQUIRED, 8, "partial"),
        (Reason.SIGNIN_REQUIRED, 0, "failed"),
        (Reason.ROBOT_CHECK, 30, "partial"),
        (Reason.ROBOT_CHECK, 0, "failed"),
        (Reason.NOT_FOUND, 0, "failed"),
    ],
)
def test_status_follows_the_reason_and_what_was_gathered(
    reason: str, gathered: int, status: str
) -> None:
    assert status_for(reason, gathered) == status


def test_messages_are_sentences_for_people() -> None:
    assert describe(Reason.ROBOT_CHECK, retry_after_s=600) == (
        "Amazon showed a robot check; we will retry in 10 minutes."
    )
    assert describe(Reason.SIGNIN_REQUIRED, reviews=8) == (
        "Amazon requires sign-in to list all reviews: analysed the 8 reviews shown."
    )
    assert describe(Reason.CAUGHT_UP, reviews=3) == "Found 3 new reviews since the last crawl."
    assert describe(Reason.CAUGHT_UP) == "No new reviews since the last crawl."
    assert describe("something_new") == "something_new"


def test_an_outcome_round_trips_through_its_file(tmp_path: Path) -> None:
    outcome = CrawlOutcome(
        status="partial",
        reason_code=Reason.SIGNIN_REQUIRED,
        message="…",
        pages=2,
        reviews=13,
        reviews_expected=504,
        details={"stages": {"reviews": {"pages": 2}}},
    )
    outcome.save(tmp_path / "outcome.json")
    assert CrawlOutcome.load(tmp_path / "outcome.json") == outcome
    assert not (tmp_path / "outcome.json.tmp").exists()


def test_unknown_keys_from_a_newer_child_are_ignored() -> None:
    assert CrawlOutcome.from_dict({"status": "ok", "new_field": 1}) == CrawlOutcome(status="ok")
