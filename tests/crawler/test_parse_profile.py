"""Reviewer profiles: Amazon's class names, the demo market's data-hooks, and failing soft."""

from __future__ import annotations

import datetime as dt

from parsel import Selector

from crawler.items import HistoryEntry
from crawler.parsing.profile import normalise_badge, parse_profile
from tests.crawler.helpers import saved


def test_an_amazon_profile_gives_name_location_badges_totals_and_history() -> None:
    reviewer = parse_profile(
        saved("profile_amazon.html"), marketplace="amazon.com", profile_id="amzn1.account.A"
    )
    assert (reviewer.display_name, reviewer.location) == ("Nora Quill", "Portland, OR")
    assert reviewer.badges == ["vine_voice", "top_1000"]
    assert (reviewer.total_reviews, reviewer.helpful_votes) == (318, 2417)
    assert reviewer.history == [
        HistoryEntry("B0BBPNPZTC", 5, "Dawn Ultra Dishwashing Liquid", dt.date(2021, 6, 3)),
        HistoryEntry("B07747FR44", 2, "Kindle Paperwhite", dt.date(2020, 1, 15)),
    ]  # the answered question is not a review


def test_a_demo_profile_is_read_from_its_data_hooks() -> None:
    reviewer = parse_profile(saved("profile_demo.html"), marketplace="demo", profile_id="rv-1")
    assert (reviewer.display_name, reviewer.location) == ("Rita Vale", "Lyon, France")
    assert reviewer.badges == ["hall_of_fame", "top_50"]
    assert (reviewer.total_reviews, reviewer.helpful_votes) == (1208, 15332)
    assert [(h.product_asin, h.rating, h.posted_date) for h in reviewer.history] == [
        ("B0DEMO0001", 1, dt.date(2021, 3, 3)),
        ("B0DEMO0002", 5, dt.date(2021, 3, 4)),
    ]
    assert reviewer.history[0].product_title == "Steel Water Bottle"


def test_a_profile_page_without_the_expected_markup_gives_empty_values() -> None:
    reviewer = parse_profile(
        Selector(text="<html><body><div id='app'></div></body></html>"),
        marketplace="amazon.com",
        profile_id="amzn1.account.A",
    )
    assert reviewer.profile_id == "amzn1.account.A"
    assert (reviewer.display_name, reviewer.badges, reviewer.total_reviews) == ("", [], None)
    assert reviewer.history == []


def test_badges_are_normalised() -> None:
    assert normalise_badge("VINE VOICE") == "vine_voice"
    assert normalise_badge("TOP 1,000 REVIEWER") == "top_1000"
    assert normalise_badge("Hall of Fame Reviewer") == "hall_of_fame"
