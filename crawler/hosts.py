"""The crawl child's extra allow-list hosts, read from its environment."""

from __future__ import annotations

import os
from collections.abc import Mapping

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
