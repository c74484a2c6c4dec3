"""Which product a shopper means: a pasted URL or ASIN becomes a ``ProductRef`` or is refused.

Everything a shopper pastes goes through :func:`parse_product_ref` before any network access:
only hosts on the allow-list of Amazon marketplaces (and, while the demo is on, the demo
market's exact ``host:port``) are accepted. Hosts are judged with the Public Suffix List
(``tldextract``'s bundled snapshot, never fetched), so ``amazon.com.evil.example`` or
``amazon.com@evil.example`` cannot pass as Amazon.

Short links (``amzn.to``, ``a.co``) need one network round trip per redirect;
:func:`resolve_short_link` follows them only while every hop stays on the allow-list.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import tldextract

from marketplaces.table import AMAZON_DOMAINS

__all__ = [
    "NO_EXTRA_HOSTS",
    "SHORT_LINK_HOSTS",
    "Fetch",
    "InvalidProductRef",
    "ProductRef",
    "allowed_marketplaces",
    "fetch_location",
    "is_allowed_url",
    "is_short_link",
    "parse_product_ref",
    "resolve_product_ref",
    "resolve_short_link",
]

NO_EXTRA_HOSTS: Mapping[str, str] = MappingProxyType({})
SHORT_LINK_HOSTS = frozenset({"amzn.to", "a.co", "amzn.eu", "amzn.asia"})
# Subdomains that serve the shop itself; aws.amazon.com or music.amazon.com are not shops.
_SHOP_SUBDOMAINS = frozenset({"", "www", "smile", "m"})
_MAX_INPUT_LENGTH = 2048
_ASIN = re.compile(r"B[0-9A-Z]{9}|\d{9}[\dX]")
_PRODUCT_PATH = re.compile(
    r"/(?:dp|gp/product|product-reviews|gp/aw/d|gp/aw/reviews|gp/offer-listing|"
    r"exec/obidos/asin|o/asin)/([a-z0-9]{10})(?=[/?#;]|$)",
    re.IGNORECASE,
)
_HOSTNAME = re.compile(r"[a-z0-9.-]+")
_URL_IN_TEXT = re.compile(r"https?://\S+", re.IGNORECASE)

# Only the bundled Public Suffix List snapshot: no network, no cache directory. amazon.com.be
# is a real marketplace whose "com.be" the list does not know as a suffix.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, extra_suffixes=("com.be",))


class InvalidProductRef(ValueError):
    """The input is not a product on an allowed marketplace; the message is for the shopper."""


class ProductRef(NamedTuple):
    """A product on one marketplace: ``("amazon.com", "B0BBPNPZTC")``."""

    marketplace: str
    asin: str


# --- Allow-list -------------------------------------------------------------------------------


def allowed_marketplaces(extra_hosts: Mapping[str, str] = NO_EXTRA_HOSTS) -> frozenset[str]:
    """The Amazon marketplace ids, plus the ones ``extra_hosts`` maps to (``demo``)."""
    return AMAZON_DOMAINS | frozenset(extra_hosts.values())


def _refuse_odd_host(host: str) -> None:
    """Raise for IP literals and internationalised names, which can imitate any shop."""
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        pass
    else:
        raise InvalidProductRef("Addresses made of numbers (IP addresses) are not Amazon shops.")
    if re.fullmatch(r"(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+))*", bare):
        raise InvalidProductRef("Addresses made of numbers (IP addresses) are not Amazon shops.")
    if not _HOSTNAME.fullmatch(host) or "xn--" in host:
        raise InvalidProductRef(
            "That address uses unusual characters, as look-alike sites do; "
            "paste a link from the Amazon site itself."
        )


def _marketplace_for_netloc(netloc: str, extra_hosts: Mapping[str, str]) -> str:
    """The marketplace a URL's ``host[:port]`` belongs to, or InvalidProductRef saying why not."""
    netloc = netloc.lower()
    extra_hosts = {host.lower(): marketplace for host, marketplace in extra_hosts.items()}
    if "@" in netloc:
        raise InvalidProductRef(
            "Links with a user name before the address (…@…) are not accepted; "
            "paste the link straight from the Amazon page."
        )
    if netloc in extra_hosts:
        return extra_hosts[netloc]
    host, _, port = netloc.rpartition(":") if _has_port(netloc) else (netloc, "", "")
    host = host.rstrip(".")
    if not host:
        raise InvalidProductRef("That does not look like a web link.")
    _refuse_odd_host(host)
    parts = _EXTRACT(host)
    domain = parts.top_domain_under_public_suffix
    if domain not in AMAZON_DOMAINS:
        raise InvalidProductRef(
            f"{host} is not an Amazon marketplace we can check "
            "(amazon.com, amazon.co.uk, amazon.de, …)."
        )
    if parts.subdomain not in _SHOP_SUBDOMAINS:
        raise InvalidProductRef(f"{host} is an Amazon service, not one of its shops.")
    if port not in {"", "80", "443"}:
        raise InvalidProductRef("Amazon shop links never name a port; paste the plain link.")
    return domain


def _has_port(netloc: str) -> bool:
    """True for ``host:port`` and ``[v6]:port``, false for a bare ``[v6]`` literal."""
    return bool(re.search(r":\d*$", netloc)) and not netloc.endswith("]")


def is_allowed_url(url: str, extra_hosts: Mapping[str, str] = NO_EXTRA_HOSTS) -> bool:
    """Whether a spider may fetch ``url``: http(s) on an allowed marketplace host."""
    try:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or "\\" in url:
            return False
        _marketplace_for_netloc(parts.netloc, extra_hosts)
    except (InvalidProductRef, ValueError):
        return False
    return True


def is_short_link(text: str) -> bool:
    """Whether ``text`` is an http(s) link on an Amazon short-link host."""
    try:
        parts = urlsplit(text.strip())
        return parts.scheme in {"http", "https"} and _netloc_host(parts.netloc) in SHORT_LINK_HOSTS
    except ValueError:
        return False


def _netloc_host(netloc: str) -> str:
    return netloc.lower().rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")


# --- Parsing ----------------------------------------------------------------------------------


def _bare_asin(text: str) -> str | None:
    """The ASIN if ``text`` is a bare ASIN or a valid ISBN-10, else None."""
    candidate = text.upper()
    if not _ASIN.fullmatch(candidate):
        return None
    if candidate[0].isdigit() and not _isbn10_checksum_ok(candidate):
        raise InvalidProductRef(f"{text} looks like an ISBN-10 but its check digit is wrong.")
    return candidate


def _isbn10_checksum_ok(isbn: str) -> bool:
    digits = [10 if ch == "X" else int(ch) for ch in isbn]
    return sum((10 - i) * d for i, d in enumerate(digits)) % 11 == 0


def _asin_from_url(path: str, query: str) -> str | None:
    """The ASIN a product, review-list or review URL names, or None."""
    for _ in range(2):  # tolerate one extra level of percent-encoding (%252F)
        path = unquote(path)
    for match in _PRODUCT_PATH.finditer(path):
        if _ASIN.fullmatch(match.group(1).upper()):
            return match.group(1).upper()
    for key, value in parse_qsl(query):
        if key.lower() == "asin" and _ASIN.fullmatch(value.upper()):
            return value.upper()
    return None


def _single_url(text: str) -> str:
    """Pick the link out of shared text ("Look at this! https://…"); refuse two links."""
    if not any(ch.isspace() for ch in text):
        return text
    found: list[str] = _URL_IN_TEXT.findall(text)
    if len(found) != 1:
        raise InvalidProductRef("Paste one Amazon product link or one ASIN at a time.")
    return found[0]


def _as_url(text: str) -> str:
    """Give scheme-less input (``amazon.de/dp/…``) a scheme; refuse anything not http(s)."""
    if text.startswith("//"):
        return "https:" + text
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", text, re.IGNORECASE)
    if scheme and text[scheme.end() : scheme.end() + 2] == "//":
        if scheme.group(1).lower() not in {"http", "https"}:
            raise InvalidProductRef("Only web links (http or https) to Amazon can be checked.")
        return text
    if scheme and not re.match(r"[^/?#]*:\d+(?:[/?#]|$)", text):
        raise InvalidProductRef("Only web links (http or https) to Amazon can be checked.")
    return "https://" + text


def _check_default(default_marketplace: str, allowed: frozenset[str]) -> str:
    if default_marketplace not in allowed:
        raise InvalidProductRef(f"{default_marketplace} is not a marketplace we can check.")
    return default_marketplace


def parse_product_ref(
    text: str,
    default_marketplace: str = "amazon.com",
    *,
    extra_hosts: Mapping[str, str] = NO_EXTRA_HOSTS,
) -> ProductRef:
    """Turn a pasted URL or ASIN into a ``ProductRef``, without touching the network.

    ``default_marketplace`` is used for bare ASINs. ``extra_hosts`` maps exact ``host:port``
    strings to extra marketplace ids (``demo_hosts()`` gives the demo market's while it is on).
    Short links raise ``InvalidProductRef`` here; :func:`resolve_product_ref` follows them.
    """
    if not isinstance(text, str):
        raise InvalidProductRef("Paste an Amazon product link or its 10-character ASIN.")
    text = text.strip()
    if not text or len(text) > _MAX_INPUT_LENGTH:
        raise InvalidProductRef("Paste an Amazon product link or its 10-character ASIN.")
    asin = _bare_asin(text)
    if asin:
        marketplace = _check_default(default_marketplace, allowed_marketplaces(extra_hosts))
        return ProductRef(marketplace, asin)
    return _parse_product_url(_single_url(text), extra_hosts)


def _parse_product_url(text: str, extra_hosts: Mapping[str, str]) -> ProductRef:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text) or "\\" in text:
        raise InvalidProductRef("That link contains characters a real Amazon link never has.")
    if is_short_link(text):
        raise InvalidProductRef("That is a short link; it has to be opened to find the product.")
    try:
        parts = urlsplit(_as_url(text))
        marketplace = _marketplace_for_netloc(parts.netloc, extra_hosts)
    except ValueError as error:
        if isinstance(error, InvalidProductRef):
            raise
        raise InvalidProductRef("That does not look like a web link.") from None
    asin = _asin_from_url(parts.path, parts.query)
    if asin is None:
        raise InvalidProductRef(
            "That Amazon link does not point at a product; open the product's page and copy "
            "its address."
        )
    if asin[0].isdigit() and not _isbn10_checksum_ok(asin):
        raise InvalidProductRef(f"{asin} is not a valid product number.")
    return ProductRef(marketplace, asin)


# --- Short links ------------------------------------------------------------------------------

Fetch = Callable[[str], "str | None"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch_location(url: str, timeout_s: float = 5.0) -> str | None:
    """One request; the ``Location`` it redirects to, or None if it does not redirect.

    HEAD first (no body to download); GET when the server does not do HEAD.
    """
    opener = urllib.request.build_opener(_NoRedirect)
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": "ReviewSec"})
        try:
            with opener.open(request, timeout=timeout_s):
                return None
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                return error.headers.get("Location")
            if error.code not in {405, 501}:
                return None
    return None


def resolve_short_link(
    url: str,
    *,
    fetch: Fetch = fetch_location,
    default_marketplace: str = "amazon.com",
    extra_hosts: Mapping[str, str] = NO_EXTRA_HOSTS,
    max_redirects: int = 5,
) -> ProductRef:
    """Follow a short link hop by hop, refusing any hop off the allow-list before fetching it.

    ``fetch(url)`` makes one request and returns the redirect target (or None); tests inject
    one, production uses :func:`fetch_location`.
    """
    if not is_short_link(url):
        raise InvalidProductRef("That is not an Amazon short link.")
    current = url.strip()
    for _ in range(max_redirects):
        try:
            location = fetch(current)
        except (OSError, ValueError):
            raise InvalidProductRef(
                "We could not open that short link; paste the full Amazon link instead."
            ) from None
        if not location:
            break
        current = urljoin(current, location)
        if is_short_link(current):
            continue
        try:
            return parse_product_ref(current, default_marketplace, extra_hosts=extra_hosts)
        except InvalidProductRef:
            if not is_allowed_url(current, extra_hosts):
                raise
            # An Amazon page that is not yet the product (a tracking hop): keep following.
    raise InvalidProductRef("That short link does not lead to an Amazon product.")


def resolve_product_ref(
    text: str,
    default_marketplace: str = "amazon.com",
    *,
    extra_hosts: Mapping[str, str] = NO_EXTRA_HOSTS,
    fetch: Fetch = fetch_location,
) -> ProductRef:
    """:func:`parse_product_ref`, plus short links resolved through ``fetch``."""
    candidate = text.strip() if isinstance(text, str) else text
    if isinstance(candidate, str) and is_short_link(_single_url(candidate)):
        return resolve_short_link(
            _single_url(candidate),
            fetch=fetch,
            default_marketplace=default_marketplace,
            extra_hosts=extra_hosts,
        )
    return parse_product_ref(text, default_marketplace, extra_hosts=extra_hosts)
