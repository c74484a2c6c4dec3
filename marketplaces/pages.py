"""The addresses of a marketplace's pages: product, review list, reviewer profile."""

from __future__ import annotations

from urllib.parse import urlencode

from marketplaces.table import home_url

__all__ = ["base_url_for", "product_page_url", "profile_page_url", "review_page_url"]


def base_url_for(marketplace: str, base_url: str | None = None) -> str:
    """Where a marketplace's pages live: ``base_url`` (a mirror, the demo) or the real shop."""
    if base_url:
        return base_url.rstrip("/")
    return home_url(marketplace)


def product_page_url(base_url: str, asin: str) -> str:
    return f"{base_url.rstrip('/')}/dp/{asin}"


def review_page_url(base_url: str, asin: str, page: int = 1, *, sort: str = "recent") -> str:
    """A review-list page, newest first, so a recrawl can stop at reviews it already has."""
    query = urlencode({"pageNumber": page, "sortBy": sort, "reviewerType": "all_reviews"})
    return f"{base_url.rstrip('/')}/product-reviews/{asin}?{query}"


def profile_page_url(base_url: str, profile_id: str) -> str:
    return f"{base_url.rstrip('/')}/gp/profile/{profile_id}"
