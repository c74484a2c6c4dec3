"""The verdict page's weight as a shopper's browser downloads it (issue 16: under 1 MB).

HTML, scripts and style sheets, each gzip-compressed as WhiteNoise serves them in production
(``CompressedManifestStaticFilesStorage`` writes a ``.gz`` beside every static file).
"""

import gzip
import re
from pathlib import Path

import plotly
import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.web.verdict_fixtures import demo_analysis

pytestmark = pytest.mark.django_db

LIMIT_BYTES = 1_000_000
ASSET = re.compile(r'<(?:script|link)[^>]+(?:src|href)="/static/([^"?]+)"')


def _compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def test_the_verdict_page_weighs_under_one_megabyte(client: Client) -> None:
    analysis = demo_analysis("boost")
    product = analysis.product
    html = client.get(f"/p/{product.marketplace}/{product.asin}/").content

    assets = ASSET.findall(html.decode())
    assert any(name.endswith(".js") for name in assets) and any(
        name.endswith(".css") for name in assets
    )
    sizes = {"page": _compressed(html)}
    for name in assets:
        sizes[name] = _compressed(Path(finders.find(name)).read_bytes())
    total = sum(sizes.values())
    print("verdict page transfer (gzip):", {k: f"{v / 1000:.0f} kB" for k, v in sizes.items()})
    print(f"total {total / 1000:.0f} kB")
    assert total < LIMIT_BYTES, sizes


def test_the_vendored_plotly_is_the_version_the_figures_are_built_for() -> None:
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    wanted = re.search(r"plotly\.js v(\S+)", bundled.read_text()[:300]).group(1)
    vendored = Path(finders.find("vendor/plotly-cartesian.min.js")).read_text()[:300]
    assert f"v{wanted}" in vendored, "refresh static/vendor (see static/vendor/README.md)"
