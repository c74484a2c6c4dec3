"""Which marketplaces this deployment accepts: Amazon's, plus the demo market while it is on.

``marketplace_served`` is asked before anything is crawled (a request, the analyse button, a
queued job, the recrawl schedule): a demo product stored while the demo was on is not fetched
once it is off, and an uploaded product (``upload``) is never crawled at all.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.crypto import salted_hmac

from marketplaces import DEMO, InvalidProductRef, allowed_marketplaces

# Uploaded products live on a marketplace of their uploader's own, ``upload-<12 hex>``: one
# client's file never joins another's product, and review ids are deduplicated per client (the
# review natural key is marketplace + review id). ``upload`` alone is the pooled, pre-scoping one.
UPLOAD = "upload"


def upload_marketplace_for(client_key: str) -> str:
    """The uploading client's own marketplace: a keyed hash of its client key, readable in URLs
    (``/p/upload-3fa2c1d9e0b4/B0…/``) and not reversible to the key or the address."""
    digest = salted_hmac("reviewsec.catalog.upload-scope", client_key, algorithm="sha256")
    return f"{UPLOAD}-{digest.hexdigest()[:12]}"


def is_upload_marketplace(marketplace: str) -> bool:
    return marketplace == UPLOAD or marketplace.startswith(f"{UPLOAD}-")


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
    if is_upload_marketplace(marketplace):
        raise MarketplaceNotServed(
            "Uploaded products are not served from a shop: upload the file again to re-analyse."
        )
    raise MarketplaceNotServed(f"The marketplace {marketplace!r} is not served here.")
