"""Two shoppers asking for the same product at the same moment share one job (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from reviewsec.analyses.models import CrawlJob
from reviewsec.analyses.services import analysis_request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def test_simultaneous_requests_for_one_product_share_one_job(postgres_only, sent_jobs) -> None:
    workers = 8
    barrier = threading.Barrier(workers)
    job_ids: list[int] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            barrier.wait(timeout=10)
            outcome = analysis_request(marketplace="amazon.com", asin="B0RACE0001")
            job_ids.append(outcome.job.id)
        except BaseException as error:  # surfaced below: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(job_ids) == workers
    assert len(set(job_ids)) == 1
    assert CrawlJob.objects.filter(product__asin="B0RACE0001").count() == 1
    assert sent_jobs == [job_ids[0]]
