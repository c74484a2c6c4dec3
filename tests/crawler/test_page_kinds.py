"""Amazon's ways of saying no are told apart from the pages the spiders asked for."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.parsing.pages import PageKind, classify_page
from tests.crawler.helpers import saved

URL = "https://www.amazon.com/product-reviews/B0BBPNPZTC?pageNumber=2"


@pytest.mark.parametrize("status", [200, 503])
def test_a_captcha_page_is_a_robot_check(status: int) -> None:
    assert classify_page(status, URL, saved("captcha.html")) is PageKind.ROBOT_CHECK


def test_a_robot_check_is_recognised_by_its_words_alone() -> None:
    assert classify_page(200, URL, saved("captcha_text_only.html")) is PageKind.ROBOT_CHECK


def test_a_redirect_to_sign_in_is_a_sign_in_wall() -> None:
    signin_url = "https://www.amazon.com/ap/signin?openid.return_to=https%3A%2F%2Fwww.amazon.com"
    assert classify_page(200, signin_url, Selector(text="<html></html>")) is PageKind.SIGNIN


def test_a_sign_in_form_is_a_sign_in_wall_wherever_it_is_served() -> None:
    assert classify_page(200, URL, saved("signin.html")) is PageKind.SIGNIN


def test_the_dogs_of_amazon_page_is_not_found_even_with_status_200() -> None:
    assert classify_page(200, URL, saved("not_found.html")) is PageKind.NOT_FOUND
    assert classify_page(404, URL, Selector(text="")) is PageKind.NOT_FOUND


@pytest.mark.parametrize("status", [429, 500, 503])
def test_server_errors_mean_unavailable(status: int) -> None:
    assert classify_page(status, URL, Selector(text="<html>busy</html>")) is PageKind.UNAVAILABLE


@pytest.mark.parametrize(
    "name",
    [
        "de_review_list.html",
        "empty_review_list.html",
        "broken_review_list.html",
        "profile_demo.html",
    ],
)
def test_ordinary_pages_are_ok(name: str) -> None:
    assert classify_page(200, URL, saved(name)) is PageKind.OK
