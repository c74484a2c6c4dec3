"""With DEMO_MARKET_SIGNIN_WALL on, review lists need a demo sign-in, as on Amazon since 2024."""

import pytest
from django.test import Client
from parsel import Selector

from crawler.parsing.pages import PageKind, classify_page
from reviewsec.demo_market.catalogue import shop
from reviewsec.demo_market.signin import SESSION_COOKIE

ASIN = next(iter(shop().products))
REVIEWS = f"/demo-market/product-reviews/{ASIN}?pageNumber=2&sortBy=recent"


@pytest.fixture(autouse=True)
def demo_on(settings) -> None:
    settings.DEMO_MARKET = True
    settings.DEMO_MARKET_SIGNIN_WALL = True


def test_an_anonymous_review_list_request_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(REVIEWS)
    assert response.status_code == 302
    signin = client.get(response["Location"])
    assert signin.status_code == 200
    url = f"http://testserver{response['Location']}"
    assert classify_page(200, url, Selector(text=signin.content.decode())) is PageKind.SIGNIN


def test_signing_in_sets_the_demo_cookie_and_goes_back_to_the_list(client: Client) -> None:
    response = client.post("/demo-market/ap/signin", {"openid.return_to": REVIEWS})
    assert response.status_code == 302
    assert response["Location"] == REVIEWS
    assert response.cookies[SESSION_COOKIE]["httponly"]
    listed = client.get(REVIEWS)
    assert listed.status_code == 200
    assert b'data-hook="review"' in listed.content


def test_sign_in_only_returns_into_the_demo_market(client: Client) -> None:
    for target in ("https://evil.example/demo-market/", "//evil.example/", "/admin/"):
        response = client.post("/demo-market/ap/signin", {"openid.return_to": target})
        assert response["Location"] == "/demo-market/", target


def test_the_product_page_stays_open_and_the_wall_is_off_by_default(client, settings) -> None:
    assert client.get(f"/demo-market/dp/{ASIN}").status_code == 200
    settings.DEMO_MARKET_SIGNIN_WALL = False
    assert client.get(REVIEWS).status_code == 200
