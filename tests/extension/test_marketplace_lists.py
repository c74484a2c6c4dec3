"""The extension's marketplaces are the Python table's: core.js's host pattern, the manifest's
content-script matches and ``marketplaces.AMAZON_DOMAINS`` name the same shops."""

from __future__ import annotations

import json
import re
from pathlib import Path

from marketplaces import AMAZON_DOMAINS

EXTENSION = Path(__file__).resolve().parents[2] / "extension"
MATCH_FORMS = ("https://www.{domain}/*dp/*", "https://www.{domain}/gp/product/*")
# The local demo market (DEMO_MARKET) is the one other shop the extension reads.
DEMO_MATCHES = ["http://127.0.0.1/demo-market/*", "http://localhost/demo-market/*"]


def core_js_domains() -> set[str]:
    """The domains ``AMAZON_HOST`` in lib/core.js accepts, read from its alternation."""
    source = (EXTENSION / "lib" / "core.js").read_text(encoding="utf-8")
    found = re.search(r"const AMAZON_HOST = /\^.*?\(amazon\\\.\(\?:([^)]*)\)\)\$/;", source)
    assert found, "AMAZON_HOST not found in extension/lib/core.js"
    return {"amazon." + suffix.replace("\\.", ".") for suffix in found.group(1).split("|")}


def manifest_matches() -> list[str]:
    manifest = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))
    return [match for script in manifest["content_scripts"] for match in script["matches"]]


def test_core_js_accepts_exactly_the_python_tables_marketplaces() -> None:
    assert core_js_domains() == set(AMAZON_DOMAINS)


def test_the_manifest_matches_every_marketplaces_product_pages_and_the_demo_only() -> None:
    amazon = [form.format(domain=d) for d in AMAZON_DOMAINS for form in MATCH_FORMS]
    assert sorted(manifest_matches()) == sorted(amazon + DEMO_MATCHES)
