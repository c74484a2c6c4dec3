"""An uploaded row's user_id becomes a reviewer of the uploader's own marketplace: one account
across products is one reviewer; an id that is not opaque (an e-mail address) is stored hashed."""

import hashlib
import json

import pytest

from reviewsec.catalog.models import Review, Reviewer
from reviewsec.submissions.models import UploadJob
from tests.submissions.conftest import upload_job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def run_inline(settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = True


def _line(asin: str, n: int, user_id: object) -> str:
    row = {"parent_asin": asin, "rating": 1 + n % 5, "timestamp": 1_700_000_000_000 + n * 3600_000}
    return json.dumps(row | ({} if user_id is None else {"user_id": user_id}) | {"text": f"r{n}"})


def _upload(client, lines: list[str], capture) -> UploadJob:
    return upload_job(client, "r.jsonl", "\n".join(lines).encode(), capture)


def test_one_account_across_products_is_one_reviewer_of_the_upload_scope(
    client, django_capture_on_commit_callbacks
) -> None:
    lines = [_line("B0UPREVW01", n, f"AGUSER{n % 4}") for n in range(12)]
    lines += [_line("B0UPREVW02", n, f"AGUSER{n % 4}") for n in range(12, 20)]
    lines += [_line("B0UPREVW02", 21, None), _line("B0UPREVW02", 22, "someone@example.com")]

    job = _upload(client, lines, django_capture_on_commit_callbacks)

    assert job.errors == []
    scope = job.products.first().marketplace
    reviewers = Reviewer.objects.filter(marketplace=scope)
    hashed = "u-" + hashlib.sha256(b"someone@example.com").hexdigest()[:24]
    assert set(reviewers.values_list("profile_id", flat=True)) == {
        "AGUSER0", "AGUSER1", "AGUSER2", "AGUSER3", hashed,
    }  # fmt: skip
    assert not Reviewer.objects.filter(profile_id__contains="@").exists()
    both = Review.objects.filter(reviewer__profile_id="AGUSER1")
    assert set(both.values_list("product__asin", flat=True)) == {"B0UPREVW01", "B0UPREVW02"}
    assert Review.objects.filter(reviewer__isnull=True).count() == 1


def test_a_user_id_that_is_not_text_is_a_bad_line(client, django_capture_on_commit_callbacks):
    lines = [_line("B0UPREVW03", n, "AGUSER") for n in range(3)] + [
        _line("B0UPREVW03", 4, {"id": 1})
    ]
    job = _upload(client, lines, django_capture_on_commit_callbacks)
    assert job.errors == ["line 4: user_id must be text, not a JSON dict"]
    assert not Review.objects.exists()
