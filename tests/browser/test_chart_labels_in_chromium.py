"""Reviewer-supplied strings in Plotly labels render as text, not Plotly's HTML subset
(issue 14, item 9): a country named ``<a href=…>`` must not become a link in the legend."""

from pathlib import Path

from reviewsec.web.charts import distribution_figure
from tests.browser.conftest import screenshot

PLOTLY = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly-cartesian.min.js"
LINK = '<a href="https://evil.example/">click me</a>'
STYLE = '<span style="font-size:60px;color:red">HUGE</span>'


def _figure() -> dict:
    feature = {
        "name": "country",
        "distribution": {
            "groups": [1, 5],
            "categories": [LINK, STYLE, "Deutschland & Co"],
            "shares": [[0.2, 0.3, 0.5], [0.5, 0.25, 0.25]],
        },
    }
    figure = distribution_figure(feature)
    assert figure is not None
    return figure


def test_category_names_are_escaped_in_the_figure() -> None:
    names = [trace["name"] for trace in _figure()["data"]]
    assert all("<" not in name and ">" not in name for name in names)


def test_a_link_or_style_in_a_country_renders_as_text(page) -> None:
    page.set_content(
        '<html><body><div id="chart" style="width:800px;height:400px"></div></body></html>'
    )
    page.add_script_tag(path=str(PLOTLY))
    figure = _figure()
    page.evaluate("f => Plotly.newPlot('chart', f.data, f.layout)", figure)
    page.wait_for_selector(".legend .traces")
    screenshot(page, "chart-legend-escaped")
    assert page.locator(".legend a, #chart a[href*='evil']").count() == 0
    legend = page.locator(".legend .legendtext").all_text_contents()
    assert LINK in legend and STYLE in legend and "Deutschland & Co" in legend
    styled = page.locator(".legend .legendtext tspan[style*='60px']").count()
    assert styled == 0
