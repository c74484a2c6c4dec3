"""Which marketplaces this deployment accepts: Amazon's, plus the demo market while it is on."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from marketplaces import DEMO


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
