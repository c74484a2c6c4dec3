"""The marketplace vocabulary every part of ReviewSec shares (DESIGN §1, §2.1).

Pure Python, importing nothing of ours: which marketplaces exist (``table``), how a pasted URL
or ASIN becomes a ``ProductRef`` or a readable ``InvalidProductRef`` before any network access
(``refs``), and the addresses of a marketplace's pages (``pages``).
"""

from marketplaces.pages import base_url_for, product_page_url, profile_page_url, review_page_url
from marketplaces.refs import (
    NO_EXTRA_HOSTS,
    SHORT_LINK_HOSTS,
    InvalidProductRef,
    ProductRef,
    allowed_marketplaces,
    is_allowed_url,
    is_short_link,
    parse_product_ref,
    resolve_product_ref,
    resolve_short_link,
)
from marketplaces.table import (
    AMAZON_DOMAINS,
    DEMO,
    MARKETPLACES,
    Marketplace,
    home_url,
    languages_for,
    marketplace_info,
)

__all__ = [
    "AMAZON_DOMAINS",
    "DEMO",
    "MARKETPLACES",
    "NO_EXTRA_HOSTS",
    "SHORT_LINK_HOSTS",
    "InvalidProductRef",
    "Marketplace",
    "ProductRef",
    "allowed_marketplaces",
    "base_url_for",
    "home_url",
    "is_allowed_url",
    "is_short_link",
    "languages_for",
    "marketplace_info",
    "parse_product_ref",
    "product_page_url",
    "profile_page_url",
    "resolve_product_ref",
    "resolve_short_link",
    "review_page_url",
]
