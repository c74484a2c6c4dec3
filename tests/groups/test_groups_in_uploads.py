"""Uploaded files join the group fit (issue 17): the demo shop written as one review file, with
``user_id`` and ``seller_id`` per line, uploaded, then fitted with the detector's defaults: the
planted pool is found among the uploader's own products and sellers."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviewsec.catalog.models import Reviewer
from reviewsec.demo_market.catalogue import shop
from reviewsec.demo_market.products import demo_paid_pool
from reviewsec.demo_market.sellers import seller_of
from reviewsec.groups.services import group_fit_run
from reviewsec.submissions.models import UploadJob

pytestmark = pytest.mark.django_db


def _demo_shop_file() -> bytes:
    lines = []
    for product in shop().products.values():
        seller = seller_of(product.asin)
        for review in product.reviews:
            line = {
                "parent_asin": product.asin,
                "user_id": review.user_id,
                "rating": review.rating,
                "timestamp": int(review.posted_at.timestamp() * 1000),
                "text": review.text,
                "verified_purchase": review.verified_purchase,
            }
            if seller.seller_id:
                line["seller_id"] = seller.seller_id
            lines.append(json.dumps(line | {"seller_name": seller.name}))
    return ("\n".join(lines) + "\n").encode()


def test_an_uploaded_market_gets_its_group_found(
    client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/upload/", {"file": SimpleUploadedFile("shop.jsonl", _demo_shop_file())})
    job = UploadJob.objects.get()
    assert job.errors == [] and job.reviews_imported == sum(
        len(p.reviews) for p in shop().products.values()
    )
    scope = job.products.first().marketplace

    group = group_fit_run().groups.get()

    pool = demo_paid_pool()
    members = set(group.members.values_list("marketplace", "profile_id"))
    assert members == {(scope, member) for member in pool.members}
    assert set(group.products.values_list("marketplace", "asin")) == {
        (scope, asin) for asin in pool.products
    }
    assert {(s.marketplace, s.seller_id) for s in group.sellers.all()} == {
        (scope, seller) for seller in pool.sellers
    }
    assert Reviewer.objects.filter(marketplace=scope).count() == len(shop().authors)
