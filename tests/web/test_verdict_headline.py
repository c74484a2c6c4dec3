"""The top of the verdict page: what it says before any chart, from the verdict JSON alone."""

import re

import pytest
from django.test import Client

from tests.factories import make_product
from tests.verdicts import make_analysis
from tests.web.verdict_fixtures import demo_analysis

pytestmark = pytest.mark.django_db


def _page(client: Client, analysis) -> str:
    product = analysis.product
    return client.get(f"/p/{product.marketplace}/{product.asin}/").content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def test_without_a_summary_the_headline_is_the_category_and_its_first_reason(
    client: Client,
) -> None:
    analysis = make_analysis(make_product(title="Desk lamp"), category="suspicious")
    body = _page(client, analysis)

    headline = body[body.index('id="verdict"') : body.index('class="panels"')]
    assert "Suspicious" in headline
    assert analysis.verdict["verdict"]["reasons"][0] in headline
    assert 'data-field="grade"' not in headline  # nothing made up
    assert 'data-field="adjusted-rating"' not in headline
    assert 'data-field="direction"' not in headline


def test_a_summary_lights_up_grade_direction_and_adjusted_rating(client: Client) -> None:
    analysis = make_analysis(make_product(title="Desk lamp"), category="highly_suspicious")
    analysis.verdict["summary"] = {
        "grade": "F",
        "direction": "inflated",
        "shop_rating": 4.6,
        "adjusted_rating": 3.1,
        "adjusted_interval": [2.8, 3.4],
        "headline": "Fake 5-star reviews lift this product by about 1.5 stars.",
    }
    analysis.save()
    headline = _text(_page(client, analysis))

    assert "F" in headline and "The rating looks inflated" in headline
    assert "Shop's rating 4.6 out of 5" in headline
    assert "Adjusted rating 3.1 out of 5 (likely 2.8–3.4)" in headline
    assert "Fake 5-star reviews lift this product by about 1.5 stars." in headline


def test_the_page_says_what_the_reference_products_are(client: Client) -> None:
    text = _text(_page(client, demo_analysis("boost")))

    assert re.search(r"Compared with [\d,]+ reference products — simulated ones", text)


def test_the_page_speaks_plainly(client: Client) -> None:
    body = _page(client, demo_analysis("boost"))
    visible = _text(body.split("<details", 1)[0])  # technical details may stay technical

    for jargon in ("μ0", "C-index", "1 − PCI", "F = ", "unverified accounts"):
        assert jargon not in visible.split("Why we say so")[0], jargon
    assert 'class="table-scroll"' in body


def test_an_insufficient_verdict_shows_counts_and_the_histogram_but_no_judgement(
    client: Client,
) -> None:
    body = _page(client, demo_analysis("tiny"))

    assert 'data-panel="known"' in body and 'id="figure-ratings"' in body
    for judgement in (
        "Consistency score",
        'id="figure-satisfaction"',
        'id="figure-tukey"',
        'data-panel="ero-results"',
        'data-panel="consistency"',
        "Compared with",
    ):
        assert judgement not in body, judgement


def test_star_groups_show_their_sizes_and_guide_lines_their_meaning(client: Client) -> None:
    import json

    body = _page(client, demo_analysis("boost"))

    def figure(name: str) -> dict:
        start = body.index(f'id="{name}"')
        return json.loads(body[body.index(">", start) + 1 : body.index("</script>", start)])

    distribution = figure("dist-text_length")
    assert all("(n=" in label for label in distribution["data"][0]["x"])
    satisfaction = figure("figure-satisfaction")
    assert satisfaction["layout"]["xaxis"]["ticktext"][:2] == ["0.1<br>unusual", "0.8<br>ordinary"]
    assert satisfaction["layout"]["xaxis"]["title"]["text"]
    consistency = figure("figure-consistency")
    titles = [v["title"]["text"] for k, v in consistency["layout"].items() if k.startswith("yaxis")]
    assert "g" not in titles


def test_the_direction_is_said_once(client: Client) -> None:
    analysis = make_analysis(make_product(title="Desk lamp"), category="highly_suspicious")
    analysis.verdict["summary"] = {
        "grade": "F",
        "direction": "inflated",
        "shop_rating": 4.6,
        "adjusted_rating": 3.1,
        "adjusted_interval": [2.8, 3.4],
        "headline": "The rating looks inflated: 4.6 in the shop, about 3.1 (2.8–3.4) without "
        "the reviews we doubt.",
    }
    analysis.save()
    headline = _text(_page(client, analysis)).split("Why we say so")[0]

    assert headline.count("looks inflated") == 1
    assert "4.6 in the shop, about 3.1 (2.8–3.4) without the reviews we doubt." in headline


def test_an_insufficient_verdict_in_the_history_shows_no_scores(client: Client) -> None:
    analysis = demo_analysis("tiny")
    body = _page(client, analysis)
    (row,) = re.findall(r"<tr[^>]*><td>[^<]+</td><td>Not enough reviews.*?</tr>", body)
    assert re.findall(r"<td>([^<]*)</td>", row)[2:4] == ["—", "—"]


def test_a_preliminary_verdict_says_so_and_reloads(client: Client) -> None:
    analysis = make_analysis(make_product(title="Desk lamp"), category="suspicious")
    analysis.verdict["collection"] = {"preliminary": True, "reviews_analyzed": 40}
    analysis.save()
    body = _page(client, analysis)

    assert 'data-field="preliminary"' in body and "still being read" in body
    assert '<meta http-equiv="refresh" content="5">' in body


def test_a_collusion_group_sentence_shows_in_the_reviewers_panel(client: Client) -> None:
    analysis = demo_analysis("boost")
    sentence = "14 of these reviewers also gave 5 stars to 4 other products within 3 weeks"
    analysis.verdict.setdefault("reviewers", {})["groups"] = {
        "sentence": sentence,
        "confirmed": True,
    }
    analysis.save()
    text = _text(_page(client, analysis))

    assert f"{sentence} (confirmed by a moderator)." in text
