"""The crawl child reads the demo market's hosts from its environment."""

from crawler.hosts import demo_hosts

DEMO = {"127.0.0.1:8000": "demo", "localhost:8000": "demo"}


def test_demo_hosts_are_empty_while_the_demo_is_off() -> None:
    assert demo_hosts({}) == {}
    assert demo_hosts({"DEMO_MARKET": "0"}) == {}


def test_demo_hosts_come_from_the_environment_when_the_demo_is_on() -> None:
    assert demo_hosts({"DEMO_MARKET": "1"}) == DEMO
    assert demo_hosts({"DEMO_MARKET": "true", "DEMO_MARKET_HOSTS": "Shop.test:9000"}) == {
        "shop.test:9000": "demo"
    }
