"""The finished upload lists every product of the file with its verdict."""

import pytest
from django.test import Client

from reviewsec.analyses.models import JobState
from reviewsec.submissions.models import UploadJob
from tests.factories import make_product
from tests.verdicts import make_analysis

pytestmark = pytest.mark.django_db


def test_each_uploaded_asin_is_listed_with_its_verdict(client: Client) -> None:
    flagged = make_product(marketplace="upload", asin="B0UPLOAD01")
    pending = make_product(marketplace="upload", asin="B0UPLOAD02")
    make_analysis(flagged, category="normal")
    make_analysis(flagged, category="highly_suspicious")  # the latest counts
    job = UploadJob.objects.create(
        state=JobState.DONE, stage="done", file_name="r.jsonl", file_size=10, content=b"",
        client_key="test", reviews_imported=20,
    )  # fmt: skip
    job.products.set([flagged, pending])

    body = client.get(f"/uploads/{job.id}/").content.decode()
    listed = body[body.index('data-field="upload-products"') :]

    first, second = listed.split("<li>")[1:3]
    assert "B0UPLOAD01" in first and "Highly suspicious" in first and "Normal" not in first
    assert "B0UPLOAD02" in second and "no verdict yet" in second
