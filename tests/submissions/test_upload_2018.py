"""A 2018-schema file uploads as the CLI reads it: reviewer ids from ``reviewerID``, text from
``summary`` / ``reviewText``, variant ASINs folded into listings and each review stored once.

The expectations are counted here from the file itself (json, sets and the test's own union-find
in ``tests.detector.test_cli_variants``), not by the code under test.
"""

import gzip
import json

import pytest

from reviewsec.catalog.models import Product, Review, Reviewer
from tests.detector.test_cli_variants import FASHION, content, listings
from tests.submissions.conftest import upload_job

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FASHION.is_file(), reason="the shared 2018 files are not here"),
]


@pytest.fixture(autouse=True)
def run_inline(settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = True


def test_the_fashion_file_stores_each_review_once_under_its_listing(
    client, django_capture_on_commit_callbacks
) -> None:
    raw = FASHION.read_bytes()
    reviews = [json.loads(line) for line in gzip.decompress(raw).splitlines()]
    distinct = {content(review) for review in reviews}
    groups = listings(reviews)

    job = upload_job(client, FASHION.name, raw, django_capture_on_commit_callbacks)

    assert job.errors == [] and job.state == "done"
    products = Product.objects.filter(upload_jobs=job)
    assert products.count() == len(groups)
    first_seen = list(dict.fromkeys(review["asin"] for review in reviews))
    heads = {min(group, key=first_seen.index) for group in groups}
    assert set(products.values_list("asin", flat=True)) == heads
    stored = Review.objects.filter(product__in=products)
    assert stored.count() == len(distinct)  # 448: one reviewer retitled a review
    assert job.reviews_imported == len(distinct)
    assert job.duplicates == len(reviews) - len(distinct)
    scope = products.first().marketplace
    assert set(Reviewer.objects.filter(marketplace=scope).values_list("profile_id", flat=True)) == {
        review["reviewerID"] for review in reviews
    }
    texts = {(r["reviewerID"], r.get("summary", ""), r.get("reviewText", "")) for r in reviews}
    assert set(stored.values_list("reviewer__profile_id", "title", "body")) == texts

    again = upload_job(client, FASHION.name, raw, django_capture_on_commit_callbacks)
    assert again.reviews_imported == 0 and again.duplicates == len(reviews)
