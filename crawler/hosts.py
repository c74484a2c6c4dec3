"""The crawl child's extra allow-list hosts, read from its environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from marketplaces import DEMO


def demo_hosts(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """``{host:port: "demo"}`` for the demo market while ``DEMO_MARKET`` is on, else ``{}``.

    The hosts come from ``DEMO_MARKET_HOSTS`` (comma-separated ``host:port``; default the local
    development server). Pass the result as ``extra_hosts`` to ``marketplaces``' functions.
    """
    if environ.get("DEMO_MARKET", "").strip().lower() not in {"1", "true", "yes", "on"}:
        return {}
    hosts = environ.get("DEMO_MARKET_HOSTS", "127.0.0.1:8000,localhost:8000")
    return {host.strip().lower(): DEMO for host in hosts.split(",") if host.strip()}


def demo_mirror_refusal(base_url: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """Why a demo crawl of ``base_url`` is not served, or None when it is.

    The app always tells the crawl child whether the demo is on (``DEMO_MARKET``) and where it
    lives (``DEMO_MARKET_HOSTS``): off, or at another address, nothing is fetched. A crawl run
    by hand with neither variable set is trusted with its ``-a base_url`` (tests, a mirror).
    """
    if "DEMO_MARKET" not in environ:
        return None
    hosts = demo_hosts(environ)
    if not hosts:
        return "The demo marketplace is not served here (DEMO_MARKET is off)."
    if urlsplit(base_url).netloc.lower() not in hosts:
        return f"The demo marketplace is not served at {base_url} (see DEMO_MARKET_HOSTS)."
    return None
