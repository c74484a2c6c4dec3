"""Which marketplaces this deployment accepts: Amazon's, plus the demo market while it is on.

``marketplace_served`` is asked before anything is crawled (a request, the analyse button, a
queued job, the recrawl schedule): a demo product stored while the demo was on is not fetched
once it is off, and an uploaded product (``upload``) is never crawled at all.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from marketplaces import DEMO, InvalidProductRef, allowed_marketplaces


class MarketplaceNotServed(InvalidProductRef):
    """A marketplace this deployment does not crawl; the message says why."""


def demo_extra_hosts() -> dict[str, str]:
    """The demo market's ``host:port`` for the crawler's allow-list, only while the demo is on."""
    if not settings.DEMO_MARKET:
        return {}
    netloc = urlsplit(settings.DEMO_MARKET_BASE_URL).netloc.lower()
    hosts = {netloc: DEMO}
    if netloc.startswith("127.0.0.1:"):
        hosts["localhost:" + netloc.split(":", 1)[1]] = DEMO
    return hosts


def mirror_base_url(marketplace: str) -> str | None:
    """Where the crawler reads a marketplace when it is not the real shop (the demo market)."""
    return settings.DEMO_MARKET_BASE_URL if marketplace == DEMO else None


def served_marketplaces() -> frozenset[str]:
    """The marketplaces this deployment crawls: Amazon's, and ``demo`` while it is on."""
    return allowed_marketplaces(demo_extra_hosts())


def marketplace_served_check(marketplace: str) -> None:
    """Raise ``MarketplaceNotServed`` unless this deployment crawls ``marketplace``."""
    if marketplace in served_marketplaces():
        return
    if marketplace == DEMO:
        raise MarketplaceNotServed(
            "The demo marketplace is not served here (it is turned off: DEMO_MARKET=0)."
        )
    if marketplace == "upload":
        raise MarketplaceNotServed(
            "Uploaded products are not served from a shop: upload the file again to re-analyse."
        )
    raise MarketplaceNotServed(f"The marketplace {marketplace!r} is not served here.")
