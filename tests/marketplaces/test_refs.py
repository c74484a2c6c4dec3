"""Which pasted inputs name a product, and which are refused before any network access."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplaces import (
    AMAZON_DOMAINS,
    InvalidProductRef,
    ProductRef,
    allowed_marketplaces,
    is_allowed_url,
    parse_product_ref,
    product_page_url,
    profile_page_url,
    resolve_product_ref,
    resolve_short_link,
    review_page_url,
)
from marketplaces.refs import fetch_location
from tests.crawler.fake_market import FakeMarket

DEMO = {"127.0.0.1:8000": "demo", "localhost:8000": "demo"}

ACCEPTED = [
    # bare ASINs and ISBN-10s
    ("B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("  b0bbpnpztc  ", "amazon.com", "B0BBPNPZTC"),
    ("1849757097", "amazon.com", "1849757097"),
    ("080442957X", "amazon.com", "080442957X"),
    ("080442957x", "amazon.com", "080442957X"),
    # URL forms
    ("https://www.amazon.com/dp/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("https://www.amazon.com/Dawn-Ultra/dp/B0BBPNPZTC/ref=sr_1_1?th=1", "amazon.com", "B0BBPNPZTC"),
    ("http://amazon.com/dp/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("https://www.amazon.com/gp/product/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("https://www.amazon.com/gp/product/B0BBPNPZTC/ref=ppx_yo_dt", "amazon.com", "B0BBPNPZTC"),
    ("https://www.amazon.com/product-reviews/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    (
        "https://amazon.com/Dawn/product-reviews/B0BBPNPZTC/ref=cm?pageNumber=2",
        "amazon.com",
        "B0BBPNPZTC",
    ),
    ("https://www.amazon.com/gp/aw/d/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("https://m.amazon.com/gp/aw/d/B0BBPNPZTC/", "amazon.com", "B0BBPNPZTC"),
    ("https://smile.amazon.com/dp/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    (
        "https://amazon.com/gp/customer-reviews/R1JR3UADC7EV9R?ASIN=B000FC1C50",
        "amazon.com",
        "B000FC1C50",
    ),
    ("https://www.amazon.com/exec/obidos/ASIN/1849757097/", "amazon.com", "1849757097"),
    ("https://www.amazon.com/dp/b0bbpnpztc", "amazon.com", "B0BBPNPZTC"),
    ("HTTPS://WWW.AMAZON.COM/DP/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("https://www.amazon.com./dp/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("https://www.amazon.com:443/dp/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("https://www.amazon.com/dp%2FB0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("https://www.amazon.com/Caf%C3%A9-Mug/dp/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("https://www.amazon.com/dp/B0BBPNPZTC#customerReviews", "amazon.com", "B0BBPNPZTC"),
    ("www.amazon.com/dp/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    ("amazon.de/dp/B0BBPNPZTC", "amazon.de", "B0BBPNPZTC"),
    ("//www.amazon.fr/dp/B0BBPNPZTC", "amazon.fr", "B0BBPNPZTC"),
    ("Look at this! https://www.amazon.com/dp/B0BBPNPZTC", "amazon.com", "B0BBPNPZTC"),
    # every marketplace of the allow-list
    ("https://www.amazon.co.uk/dp/1849757097", "amazon.co.uk", "1849757097"),
    ("https://www.amazon.de/dp/B0BBPNPZTC", "amazon.de", "B0BBPNPZTC"),
    ("https://www.amazon.fr/dp/B0BBPNPZTC", "amazon.fr", "B0BBPNPZTC"),
    ("https://www.amazon.it/Paperwhite/product-reviews/B07747FR44", "amazon.it", "B07747FR44"),
    ("https://www.amazon.es/dp/B0BBPNPZTC", "amazon.es", "B0BBPNPZTC"),
    ("https://www.amazon.ca/dp/B0BBPNPZTC", "amazon.ca", "B0BBPNPZTC"),
    ("https://www.amazon.com.au/dp/B0BBPNPZTC", "amazon.com.au", "B0BBPNPZTC"),
    ("https://www.amazon.in/dp/B0BBPNPZTC", "amazon.in", "B0BBPNPZTC"),
    ("https://www.amazon.co.jp/dp/B0BBPNPZTC", "amazon.co.jp", "B0BBPNPZTC"),
    ("https://www.amazon.com.mx/dp/B0BBPNPZTC", "amazon.com.mx", "B0BBPNPZTC"),
    ("https://www.amazon.com.br/dp/B0BBPNPZTC", "amazon.com.br", "B0BBPNPZTC"),
    ("https://www.amazon.nl/dp/B0BBPNPZTC", "amazon.nl", "B0BBPNPZTC"),
    ("https://www.amazon.se/dp/B0BBPNPZTC", "amazon.se", "B0BBPNPZTC"),
    ("https://www.amazon.pl/dp/B0BBPNPZTC", "amazon.pl", "B0BBPNPZTC"),
    ("https://www.amazon.sg/dp/B0BBPNPZTC", "amazon.sg", "B0BBPNPZTC"),
    ("https://www.amazon.ae/dp/B0BBPNPZTC", "amazon.ae", "B0BBPNPZTC"),
    ("https://www.amazon.sa/dp/B0BBPNPZTC", "amazon.sa", "B0BBPNPZTC"),
    ("https://www.amazon.com.tr/dp/B0BBPNPZTC", "amazon.com.tr", "B0BBPNPZTC"),
    ("https://www.amazon.com.be/dp/B0BBPNPZTC", "amazon.com.be", "B0BBPNPZTC"),
    ("https://www.amazon.eg/dp/B0BBPNPZTC", "amazon.eg", "B0BBPNPZTC"),
]

REFUSED = [
    "",
    "   ",
    "hello",
    "B0BBPNPZT",  # nine characters
    "B0BBPNPZTCX",  # eleven
    "ABCDEFGHIJ",  # ten letters, not an ASIN
    "1234567890",  # ISBN-10 with a wrong check digit
    "https://www.amazon.com/",
    "https://www.amazon.com/s?k=dish+soap",
    "https://www.amazon.com/dp/ABCDEFGHIJ",
    "https://www.amazon.com/dp/1234567890",
    "https://evil.example/dp/B0BBPNPZTC",
    "https://amazon.com.evil.example/dp/B0BBPNPZTC",
    "https://amazon-deals.com/dp/B0BBPNPZTC",
    "https://amaz0n.com/dp/B0BBPNPZTC",
    "https://www.amazon.co/dp/B0BBPNPZTC",  # .co is not a marketplace
    "https://www.amazon.cn/dp/B0BBPNPZTC",  # not on the allow-list
    "https://аmazon.com/dp/B0BBPNPZTC",  # Cyrillic а
    "https://xn--mazon-3ve.com/dp/B0BBPNPZTC",  # punycode look-alike
    "https://amazon.com@evil.example/dp/B0BBPNPZTC",
    "https://user:pass@www.amazon.com/dp/B0BBPNPZTC",
    "https://www.amazon.com\\@evil.example/dp/B0BBPNPZTC",
    "https://evil.example\\.amazon.com/dp/B0BBPNPZTC",
    "http://127.0.0.1/dp/B0BBPNPZTC",
    "http://127.0.0.1:8000/demo-market/dp/B0BBPNPZTC",  # demo off
    "http://2130706433/dp/B0BBPNPZTC",
    "http://0x7f.0.0.1/dp/B0BBPNPZTC",
    "http://[::1]/dp/B0BBPNPZTC",
    "http://localhost/dp/B0BBPNPZTC",
    "localhost:8000/dp/B0BBPNPZTC",
    "https://www.amazon.com:8443/dp/B0BBPNPZTC",
    "https://aws.amazon.com/dp/B0BBPNPZTC",
    "https://sellercentral.amazon.com/dp/B0BBPNPZTC",
    "ftp://www.amazon.com/dp/B0BBPNPZTC",
    "file:///etc/passwd",
    "javascript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "mailto:someone@amazon.com",
    "https://amzn.to/3xYzAbC",  # short link: needs resolving first
    "https://www.amazon.com/dp/B0BBPNPZTC\nhttps://evil.example",
    "https://www.amazon.com/dp/B0BBPNPZTC https://www.amazon.de/dp/B0BBPNPZTC",
    "https://www.amazon.com/dp/B0BBPNPZTC\x00",
    "https:///dp/B0BBPNPZTC",
    "http://[invalid/dp/B0BBPNPZTC",
    "x" * 3000,
]


@pytest.mark.parametrize(("text", "marketplace", "asin"), ACCEPTED)
def test_it_accepts_product_links_and_asins(text: str, marketplace: str, asin: str) -> None:
    assert parse_product_ref(text) == ProductRef(marketplace, asin)


@pytest.mark.parametrize("text", REFUSED)
def test_it_refuses_anything_that_is_not_an_allowed_product(text: str) -> None:
    with pytest.raises(InvalidProductRef) as refused:
        parse_product_ref(text)
    assert str(refused.value)  # a message for the shopper


def test_the_table_has_at_least_sixty_rows() -> None:
    assert len(ACCEPTED) + len(REFUSED) >= 60


def test_a_bare_asin_uses_the_default_marketplace() -> None:
    assert parse_product_ref("B0BBPNPZTC", "amazon.de") == ProductRef("amazon.de", "B0BBPNPZTC")


def test_an_unknown_default_marketplace_is_refused() -> None:
    with pytest.raises(InvalidProductRef):
        parse_product_ref("B0BBPNPZTC", "amazon.cn")


def test_refusals_explain_themselves_to_shoppers() -> None:
    with pytest.raises(InvalidProductRef, match="not an Amazon marketplace"):
        parse_product_ref("https://evil.example/dp/B0BBPNPZTC")
    with pytest.raises(InvalidProductRef, match="IP addresses"):
        parse_product_ref("http://10.0.0.1/dp/B0BBPNPZTC")
    with pytest.raises(InvalidProductRef, match="user name"):
        parse_product_ref("https://amazon.com@evil.example/dp/B0BBPNPZTC")


# --- The demo market ----------------------------------------------------------------------------


def test_a_demo_link_is_accepted_only_with_the_demo_on() -> None:
    link = "http://127.0.0.1:8000/demo-market/dp/B0DEMO0001"
    assert parse_product_ref(link, extra_hosts=DEMO) == ProductRef("demo", "B0DEMO0001")
    assert parse_product_ref("localhost:8000/demo-market/dp/B0DEMO0001", extra_hosts=DEMO)
    with pytest.raises(InvalidProductRef):
        parse_product_ref(link)


def test_the_demo_host_allows_its_exact_port_only() -> None:
    with pytest.raises(InvalidProductRef):
        parse_product_ref("http://127.0.0.1:8001/demo-market/dp/B0DEMO0001", extra_hosts=DEMO)


def test_a_bare_asin_can_name_the_demo_market_while_it_is_on() -> None:
    assert parse_product_ref("B0DEMO0001", "demo", extra_hosts=DEMO) == ("demo", "B0DEMO0001")
    with pytest.raises(InvalidProductRef):
        parse_product_ref("B0DEMO0001", "demo")
    assert "demo" in allowed_marketplaces(DEMO)
    assert "demo" not in allowed_marketplaces()


# --- Crawlable URLs and page addresses ------------------------------------------------------------


def test_spiders_may_fetch_marketplace_pages_and_the_sign_in_page() -> None:
    assert is_allowed_url("https://www.amazon.com/ap/signin?openid.return_to=x")
    assert is_allowed_url("http://127.0.0.1:8000/demo-market/dp/X", DEMO)
    assert not is_allowed_url("https://images-na.ssl-images-amazon.com/x.jpg")
    assert not is_allowed_url("http://127.0.0.1:8000/demo-market/dp/X")
    assert not is_allowed_url("ftp://www.amazon.com/")


def test_page_addresses_keep_a_mirror_prefix() -> None:
    base = "http://127.0.0.1:8000/demo-market/"
    assert product_page_url(base, "B0X") == "http://127.0.0.1:8000/demo-market/dp/B0X"
    assert review_page_url(base, "B0X", 3) == (
        "http://127.0.0.1:8000/demo-market/product-reviews/B0X"
        "?pageNumber=3&sortBy=recent&reviewerType=all_reviews"
    )
    assert profile_page_url(base, "amzn1.account.A") == (
        "http://127.0.0.1:8000/demo-market/gp/profile/amzn1.account.A"
    )


# --- Short links ----------------------------------------------------------------------------------


def redirects(table: dict[str, str]):  # a fetch stand-in that records what it was asked
    fetched: list[str] = []

    def fetch(url: str) -> str | None:
        fetched.append(url)
        return table.get(url)

    fetch.fetched = fetched  # type: ignore[attr-defined]
    return fetch


def test_a_short_link_is_followed_to_its_product() -> None:
    fetch = redirects({"https://amzn.to/3xYz": "https://www.amazon.de/dp/B0BBPNPZTC?tag=x"})
    assert resolve_short_link("https://amzn.to/3xYz", fetch=fetch) == ("amazon.de", "B0BBPNPZTC")


def test_a_short_link_may_hop_through_other_short_links_and_amazon_pages() -> None:
    fetch = redirects(
        {
            "https://a.co/d/abc": "https://amzn.to/xyz",
            "https://amzn.to/xyz": "https://www.amazon.com/gp/r.html?x=1",
            "https://www.amazon.com/gp/r.html?x=1": "/dp/B0BBPNPZTC",
        }
    )
    assert resolve_short_link("https://a.co/d/abc", fetch=fetch) == ("amazon.com", "B0BBPNPZTC")


def test_a_short_link_leading_off_the_allow_list_is_refused_without_fetching_there() -> None:
    fetch = redirects({"https://amzn.to/bad": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(InvalidProductRef):
        resolve_short_link("https://amzn.to/bad", fetch=fetch)
    assert fetch.fetched == ["https://amzn.to/bad"]  # type: ignore[attr-defined]


def test_a_short_link_that_loops_gives_up() -> None:
    fetch = redirects(
        {"https://amzn.to/a": "https://amzn.to/b", "https://amzn.to/b": "https://amzn.to/a"}
    )
    with pytest.raises(InvalidProductRef):
        resolve_short_link("https://amzn.to/a", fetch=fetch)


def test_a_short_link_that_cannot_be_opened_is_refused_politely() -> None:
    def broken(url: str) -> str | None:
        raise OSError("no route to host")

    with pytest.raises(InvalidProductRef, match="could not open"):
        resolve_short_link("https://amzn.to/a", fetch=broken)


def test_resolve_product_ref_handles_short_links_and_plain_links() -> None:
    fetch = redirects({"https://amzn.to/x": "https://www.amazon.com/dp/B0BBPNPZTC"})
    shared = "Dawn Ultra, 38 fl oz https://amzn.to/x"
    assert resolve_product_ref(shared, fetch=fetch) == ("amazon.com", "B0BBPNPZTC")
    assert resolve_product_ref("B0BBPNPZTC", fetch=fetch) == ("amazon.com", "B0BBPNPZTC")


def test_the_real_fetcher_reads_one_redirect_without_following_it() -> None:
    with FakeMarket() as market:
        market.redirect("/d/abc", "https://www.amazon.com/dp/B0BBPNPZTC", status=301)
        market.add("/plain", "<html></html>")
        assert fetch_location(market.origin + "/d/abc") == "https://www.amazon.com/dp/B0BBPNPZTC"
        assert fetch_location(market.origin + "/plain") is None
        assert market.paths() == ["/d/abc", "/plain"]  # the amazon.com target was not fetched


# --- Fuzzing --------------------------------------------------------------------------------------

HOSTS = st.sampled_from(
    [
        "www.amazon.com", "amazon.co.uk", "evil.example", "amazon.com.evil.example", "127.0.0.1",
        "localhost", "[::1]", "amazon.com@evil.example", "m.amazon.de", "xn--mazon-3ve.com",
        "amzn.to", "a.co", "amazon.com:8080", "aws.amazon.com", "",
    ]
)  # fmt: skip
PATHS = st.sampled_from(["/dp/", "/gp/product/", "/product-reviews/", "/x/", "/gp/aw/d/", ""])
SCHEMES = st.sampled_from(["https://", "http://", "ftp://", "javascript:", "//", ""])
ASINISH = st.text(alphabet="B0123456789ACXZbx%/", min_size=0, max_size=12)


def _check_acceptance(text: str) -> None:
    try:
        ref = parse_product_ref(text)
    except InvalidProductRef:
        return
    assert ref.marketplace in AMAZON_DOMAINS
    assert len(ref.asin) == 10 and ref.asin == ref.asin.upper()


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_either_a_product_or_a_refusal(text: str) -> None:
    _check_acceptance(text)


@settings(max_examples=400, deadline=None)
@given(SCHEMES, HOSTS, PATHS, ASINISH, st.text(max_size=20))
def test_url_shaped_input_is_never_accepted_off_the_allow_list(
    scheme: str, host: str, path: str, asin: str, tail: str
) -> None:
    text = f"{scheme}{host}{path}{asin}{tail}"
    try:
        ref = parse_product_ref(text)
    except InvalidProductRef:
        return
    assert ref.marketplace in AMAZON_DOMAINS
    bare_host = host.split(":")[0]
    accepted_hosts = {"www.amazon.com", "amazon.co.uk", "m.amazon.de"}
    assert bare_host in accepted_hosts or (not host and not scheme) or text.strip() == ref.asin
