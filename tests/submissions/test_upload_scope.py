"""Uploaded products belong to their uploader: another client's file never changes their verdict,
and review ids are deduplicated per client (nobody can claim ids for someone else's file)."""

import datetime as dt
import json
from importlib import import_module

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from reviewsec.analyses.models import Analysis
from reviewsec.catalog.marketplaces import upload_marketplace_for
from reviewsec.catalog.models import Product, Review, ReviewSubmission
from reviewsec.submissions.models import UploadJob

pytestmark = pytest.mark.django_db

ASIN = "B0SHARED01"


@pytest.fixture(autouse=True)
def run_inline(settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = True
    settings.UPLOAD_RATE = "1000/minute"


def _lines(stars: int, count: int, prefix: str) -> bytes:
    rows = [
        {
            "asin": ASIN,
            "review_id": f"{prefix}{n:04d}",
            "rating": stars,
            "title": f"{stars} stars",
            "text": f"Review {prefix} {n}",
            "user_id": f"{prefix}-user-{n}",
            "timestamp": 1_700_000_000_000 + n * 86_400_000,
        }
        for n in range(count)
    ]
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def _upload(client, content: bytes, address: str, capture) -> UploadJob:
    with capture(execute=True):
        response = client.post(
            "/upload/", {"file": SimpleUploadedFile("r.jsonl", content)}, REMOTE_ADDR=address
        )
    assert response.status_code == 302, response.content[:300]
    return UploadJob.objects.order_by("-created_at").first()


def _product_of(job: UploadJob) -> Product:
    return job.products.get(asin=ASIN)


def test_another_clients_file_does_not_change_the_first_clients_verdict(
    client, django_capture_on_commit_callbacks
) -> None:
    first = _upload(client, _lines(5, 40, "RA"), "10.0.0.1", django_capture_on_commit_callbacks)
    mine = _product_of(first)
    before = Analysis.objects.filter(product=mine).latest("created_at")

    second = _upload(client, _lines(1, 40, "RB"), "10.0.0.2", django_capture_on_commit_callbacks)
    theirs = _product_of(second)

    assert mine.id != theirs.id
    assert mine.marketplace.startswith("upload-") and theirs.marketplace.startswith("upload-")
    assert Review.objects.filter(product=mine).count() == 40
    assert set(Review.objects.filter(product=mine).values_list("rating", flat=True)) == {5}
    after = Analysis.objects.filter(product=mine).latest("created_at")
    assert after.id == before.id and after.reviews_analyzed == 40


def test_review_ids_claimed_by_one_client_do_not_shadow_anothers(
    client, django_capture_on_commit_callbacks
) -> None:
    # The attacker uploads the victim's review ids first, with one-star ratings.
    _upload(client, _lines(1, 10, "RV"), "10.0.0.66", django_capture_on_commit_callbacks)

    victim = _upload(client, _lines(5, 10, "RV"), "10.0.0.1", django_capture_on_commit_callbacks)

    assert (victim.reviews_imported, victim.duplicates) == (10, 0)
    ratings = Review.objects.filter(product=_product_of(victim)).values_list("rating", flat=True)
    assert set(ratings) == {5}


def test_the_same_client_uploading_again_is_deduplicated(
    client, django_capture_on_commit_callbacks
) -> None:
    _upload(client, _lines(5, 10, "RS"), "10.0.0.1", django_capture_on_commit_callbacks)

    again = _upload(client, _lines(5, 10, "RS"), "10.0.0.1", django_capture_on_commit_callbacks)

    assert (again.reviews_imported, again.duplicates) == (0, 10)
    assert Product.objects.filter(asin=ASIN).count() == 1


def test_the_verdict_url_names_the_scoped_marketplace(
    client, django_capture_on_commit_callbacks
) -> None:
    job = _upload(client, _lines(5, 10, "RU"), "10.0.0.1", django_capture_on_commit_callbacks)
    product = _product_of(job)

    response = client.get(f"/p/{product.marketplace}/{ASIN}/")

    assert response.status_code == 200


def test_the_migration_splits_a_pooled_upload_product_by_client() -> None:
    migration = import_module("reviewsec.submissions.migrations.0002_upload_products_per_client")
    pooled = Product.objects.create(marketplace="upload", asin=ASIN)
    alone = Product.objects.create(marketplace="upload", asin="B0ALONE001")
    for product, client_key, prefix in [
        (pooled, "ip:a", "RA"),
        (pooled, "ip:b", "RB"),
        (alone, "ip:a", "RC"),
    ]:
        submission = ReviewSubmission.objects.create(
            product=product, source="upload", client_key=client_key
        )
        for n in range(3):
            Review.objects.create(
                marketplace="upload",
                review_id=f"{prefix}{n}",
                product=product,
                rating=5 if client_key == "ip:a" else 1,
                source="upload",
                submission=submission,
                posted_date=dt.date(2024, 1, 1 + n),
            )

    migration.scope_uploads(apps, None)

    alone.refresh_from_db()
    assert alone.marketplace == upload_marketplace_for("ip:a")
    for client_key, rating in (("ip:a", 5), ("ip:b", 1)):
        scoped = Product.objects.get(marketplace=upload_marketplace_for(client_key), asin=ASIN)
        assert list(scoped.reviews.values_list("rating", flat=True)) == [rating] * 3
        assert set(scoped.reviews.values_list("marketplace", flat=True)) == {scoped.marketplace}
    assert Product.objects.get(id=pooled.id).reviews.count() == 0
