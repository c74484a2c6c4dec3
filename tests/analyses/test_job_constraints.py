"""At most one active crawl job per product and one active reference model, enforced by the DB."""

import pytest
from django.db import IntegrityError, transaction

from reviewsec.analyses.models import CrawlJob, JobState, ReferenceModelVersion
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_a_second_active_job_for_the_same_product_is_rejected() -> None:
    product = make_product()
    CrawlJob.objects.create(product=product, state=JobState.QUEUED)
    with pytest.raises(IntegrityError), transaction.atomic():
        CrawlJob.objects.create(product=product, state=JobState.RUNNING)


def test_finished_jobs_do_not_block_a_new_one() -> None:
    product = make_product()
    CrawlJob.objects.create(product=product, state=JobState.DONE)
    CrawlJob.objects.create(product=product, state=JobState.FAILED)
    CrawlJob.objects.create(product=product, state=JobState.QUEUED)
    assert product.crawl_jobs.count() == 3


def test_only_one_reference_model_can_be_active() -> None:
    ReferenceModelVersion.objects.create(
        version="a", model={}, reference_products=1, is_active=True
    )
    ReferenceModelVersion.objects.create(
        version="b", model={}, reference_products=1, is_active=False
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceModelVersion.objects.create(
            version="c", model={}, reference_products=1, is_active=True
        )
