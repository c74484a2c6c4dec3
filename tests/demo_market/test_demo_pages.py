"""The demo shop's pages read, through the crawler's own parsers, exactly as simulated."""

import pytest
from django.test import Client
from parsel import Selector

from crawler.parsing.pages import PageKind, classify_page
from crawler.parsing.product import parse_product
from crawler.parsing.profile import parse_profile
from crawler.parsing.reviews import parse_reviews
from reviewsec.demo_market.catalogue import REVIEWS_PER_PAGE, shop
from reviewsec.demo_market.products import DEMO_ROBOT_CHECK_ASIN


@pytest.fixture(autouse=True)
def demo_on(settings) -> None:
    settings.DEMO_MARKET = True


def _page(client: Client, url: str) -> Selector:
    response = client.get(url)
    assert response.status_code == 200, url
    return Selector(text=response.content.decode())


def test_the_catalogue_lists_every_demo_product_and_the_robot_check(client: Client) -> None:
    page = _page(client, "/demo-market/")
    listed = set(page.css("[data-asin]::attr(data-asin)").getall())
    assert listed == set(shop().products) | {DEMO_ROBOT_CHECK_ASIN}


def test_a_product_page_reads_back_as_the_simulated_listing(client: Client) -> None:
    product = next(p for p in shop().products.values() if p.list_price)
    item = parse_product(
        _page(client, f"/demo-market/dp/{product.asin}"), marketplace="demo", asin=product.asin
    )
    assert item.title == product.title
    assert float(item.price) == pytest.approx(product.price)
    assert float(item.list_price) == pytest.approx(product.list_price)
    assert item.shop_rating_count == product.n_reviews
    assert item.shop_average_rating == pytest.approx(round(product.columns.rating.mean(), 1))
    assert sum(item.star_histogram.values()) == pytest.approx(100, abs=3)


@pytest.mark.parametrize(
    ("asin", "seller_id", "name"),
    [("B0DEMO0011", "A2ZNTRX7DIRECT", "Zentrix Direct"), ("B0DEMO0002", "", "Amazon.com")],
)
def test_a_product_page_shows_its_seller_and_byline_as_amazon_does(
    client: Client, asin: str, seller_id: str, name: str
) -> None:
    item = parse_product(_page(client, f"/demo-market/dp/{asin}"), marketplace="demo", asin=asin)
    assert (item.seller_id, item.seller_name) == (seller_id, name)
    assert item.brand == shop().products[asin].brand


def test_review_pages_are_newest_first_ten_a_page_and_read_back_exactly(client: Client) -> None:
    product = next(p for p in shop().products.values() if p.scenario == "boost")
    newest_first = list(reversed(product.reviews))
    page = _page(client, f"/demo-market/product-reviews/{product.asin}?pageNumber=2&sortBy=recent")
    items = list(parse_reviews(page, marketplace="demo", asin=product.asin))
    expected = newest_first[REVIEWS_PER_PAGE : 2 * REVIEWS_PER_PAGE]
    assert [i.review_id for i in items] == [r.review_id for r in expected]
    for item, review in zip(items, expected, strict=True):
        assert item.rating == review.rating
        assert item.posted_date == review.posted_at.date()
        assert item.verified_purchase == review.verified_purchase
        assert item.helpful_votes == review.helpful_votes
        assert item.body == review.text
        assert item.reviewer_profile_id == f"amzn1.account.{review.user_id}"


def _review_ids(client: Client, asin: str, query: str) -> list[str]:
    page = _page(client, f"/demo-market/product-reviews/{asin}?{query}")
    return [item.review_id for item in parse_reviews(page, marketplace="demo", asin=asin)]


def test_sort_by_recent_lists_every_review_once_newest_first(client: Client) -> None:
    product = next(p for p in shop().products.values() if p.scenario == "tiny")
    listed = _review_ids(client, product.asin, "pageNumber=1&sortBy=recent")
    listed += _review_ids(client, product.asin, "pageNumber=2&sortBy=recent")
    by_date = sorted(product.reviews, key=lambda review: review.posted_at, reverse=True)
    assert listed == [review.review_id for review in by_date]


def test_without_sort_by_the_list_shows_the_most_helpful_reviews_first(client: Client) -> None:
    product = next(p for p in shop().products.values() if p.scenario == "honest")
    votes = {review.review_id: review.helpful_votes for review in product.reviews}
    for query in ("pageNumber=1", "pageNumber=1&sortBy=helpful", "sortBy=nonsense"):
        listed = _review_ids(client, product.asin, query)
        assert [votes[i] for i in listed] == sorted(votes.values(), reverse=True)[:10], query
    page = _page(client, f"/demo-market/product-reviews/{product.asin}?sortBy=helpful")
    next_link = page.css("[data-hook=pagination-bar] li.a-last > a::attr(href)").get()
    assert "sortBy=helpful" in next_link


def test_the_last_review_page_has_no_next_link(client: Client) -> None:
    product = next(p for p in shop().products.values() if p.scenario == "tiny")
    last = -(-product.n_reviews // REVIEWS_PER_PAGE)
    page = _page(client, f"/demo-market/product-reviews/{product.asin}?pageNumber={last}")
    assert page.css("[data-hook=pagination-bar] li.a-last > a").get() is None
    on_last_page = product.n_reviews - (last - 1) * REVIEWS_PER_PAGE
    assert len(list(parse_reviews(page, marketplace="demo", asin=product.asin))) == on_last_page


def test_a_reviewer_profile_reads_back_with_its_history(client: Client) -> None:
    profile = next(iter(shop().profiles.values()))
    item = parse_profile(
        _page(client, f"/demo-market/gp/profile/{profile.about.profile_id}"),
        marketplace="demo",
        profile_id=profile.about.profile_id,
    )
    assert item.display_name == profile.about.display_name
    assert [(h.product_asin, h.rating, h.posted_date) for h in item.history] == [
        (p.asin, r.rating, r.posted_at.date()) for p, r in profile.reviews
    ]  # dated: the group fit places a profile's reviews in time windows


def test_the_robot_check_product_answers_with_a_captcha_page(client: Client) -> None:
    url = f"/demo-market/dp/{DEMO_ROBOT_CHECK_ASIN}"
    response = client.get(url)
    kind = classify_page(response.status_code, url, Selector(text=response.content.decode()))
    assert kind == PageKind.ROBOT_CHECK


def test_the_demo_market_is_invisible_while_the_demo_is_off(client: Client, settings) -> None:
    settings.DEMO_MARKET = False
    assert client.get("/demo-market/").status_code == 404
