"""A product nobody analysed yet offers an analysis; other missing pages get a real 404 page."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from reviewsec.analyses.models import CrawlJob
from reviewsec.catalog.models import Product
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_debug(settings) -> None:
    settings.DEBUG = False


def test_an_unknown_product_offers_to_analyse_it(client: Client, no_debug) -> None:
    response = client.get("/p/amazon.com/B0NEWPROD1/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Analyse this product" in body
    assert 'action="/p/amazon.com/B0NEWPROD1/analyse"' in body
    assert 'class="skip-link"' in body  # it is the site's page, not Django's
    assert not Product.objects.exists()  # looking does not create rows


def test_analysing_an_unknown_product_starts_a_job(client: Client, sent_jobs) -> None:
    response = client.post("/p/amazon.com/B0NEWPROD1/analyse")

    job = CrawlJob.objects.get(product__asin="B0NEWPROD1")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.id}/"


@pytest.mark.parametrize(
    "path",
    ["/p/evil.example/B0NEWPROD1/", "/p/amazon.com/not-an-asin/", "/p/upload/B0NEWPROD1/"],
)
def test_a_product_we_could_not_analyse_is_a_plain_404(client: Client, no_debug, path) -> None:
    response = client.get(path)

    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Analyse this product" not in body
    assert client.post(path.rstrip("/") + "/analyse").status_code == 404


def test_a_known_product_without_a_verdict_still_offers_an_analysis(
    client: Client, no_debug
) -> None:
    product = make_product(title="Tiny lamp")

    response = client.get(f"/p/{product.marketplace}/{product.asin}/")

    assert response.status_code == 404
    assert "Tiny lamp" in response.content.decode()


def test_the_server_error_page_extends_the_site(no_debug) -> None:
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body and 'class="site-header"' in body
