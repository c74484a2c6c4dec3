"""The four-panel verdict page, rendered from a real detector verdict."""

import json

import pytest
from django.test import Client

import detector
from detector.simulate import badmouth
from reviewsec.analyses.models import Analysis
from reviewsec.analyses.services import reference_model_active
from tests.factories import make_product

pytestmark = pytest.mark.django_db

PANELS = ("product", "consistency", "ero-principle", "ero-results")


@pytest.fixture
def analysis() -> Analysis:
    row, model = reference_model_active()
    simulated = badmouth(seed=7, n_reviews=300, fake_share=0.25)
    verdict = detector.analyze(dict(simulated.to_arrays()), reference=model).to_dict()
    verdict["collection"] = {
        "reviews_analyzed": 300,
        "shop_rating_count": 1200,
        "sources": {"crawler": 300},
    }
    product = make_product(title=simulated.title, shop_rating_count=1200)
    return Analysis.objects.create(
        product=product,
        reference_model=row,
        detector_version=verdict["detector_version"],
        verdict=verdict,
        category=verdict["verdict"]["category"],
        reviews_analyzed=300,
        pci=verdict["consistency"]["pci"],
        ero_satisfaction=verdict["ero"]["satisfaction"],
    )


def test_the_page_has_the_four_panels_and_the_reasons(client: Client, analysis: Analysis) -> None:
    product = analysis.product
    body = client.get(f"/p/{product.marketplace}/{product.asin}/").content.decode()
    for panel in PANELS:
        assert f'data-panel="{panel}"' in body, panel
    for reason in analysis.verdict["verdict"]["reasons"]:
        assert reason.split("(")[0].strip()[:40] in body.replace("&#x27;", "'").replace(
            "&quot;", '"'
        )
    assert "300 of 1,200 the shop reports" in body


def test_the_charts_are_embedded_as_plotly_json(client: Client, analysis: Analysis) -> None:
    product = analysis.product
    body = client.get(f"/p/{product.marketplace}/{product.asin}/").content.decode()
    for chart in ("consistency", "satisfaction", "tukey", "contours"):
        start = body.index(f'id="figure-{chart}"')
        payload = body[body.index(">", start) + 1 : body.index("</script>", start)]
        figure = json.loads(payload)
        assert figure["data"], chart
    assert "vendor/plotly-cartesian.min.js" in body


def test_the_verdict_json_is_the_stored_verdict(client: Client, analysis: Analysis) -> None:
    product = analysis.product
    data = client.get(f"/p/{product.marketplace}/{product.asin}/verdict.json").json()
    assert data == json.loads(json.dumps(analysis.verdict))


def test_plotly_is_served_locally(client: Client, settings) -> None:
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/plotly-cartesian.min.js")


def test_the_history_charts_every_verdict_and_marks_where_the_category_changed(
    client: Client, analysis: Analysis
) -> None:
    import datetime as dt

    from django.utils import timezone

    from tests.verdicts import make_analysis

    product = analysis.product
    for days_ago, category in ((30, "normal"), (20, "normal"), (10, "suspicious")):
        past = make_analysis(product, category=category, age=dt.timedelta(days=days_ago))
        assert past.created_at < timezone.now()

    body = client.get(f"/p/{product.marketplace}/{product.asin}/").content.decode()

    section = body[body.index('data-panel="history"') :]
    assert section.count("<tr") == 1 + 4  # header + four analyses
    assert section.count('class="verdict-changed"') == 2  # normal → suspicious → highly
    start = body.index('id="figure-history"')
    figure = json.loads(body[body.index(">", start) + 1 : body.index("</script>", start)])
    assert [trace["name"] for trace in figure["data"]] == [
        "PCI (share in change intervals)",
        "ERO satisfaction",
    ]
    assert len(figure["data"][0]["x"]) == 4
    assert [note["text"] for note in figure["layout"]["annotations"]] == [
        "→ Suspicious",
        "→ Highly suspicious",
    ]


def test_a_single_analysis_has_a_history_row_but_no_chart(client: Client, analysis) -> None:
    product = analysis.product
    body = client.get(f"/p/{product.marketplace}/{product.asin}/").content.decode()
    assert 'data-panel="history"' in body and 'id="figure-history"' not in body
