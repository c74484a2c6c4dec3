import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from reviewsec.submissions.models import UploadJob
from tests.api.conftest import api, empty_throttle_counts  # noqa: F401


def upload_job(client: Any, name: str, content: bytes, capture: Any) -> UploadJob:
    """Post a file to the upload form, run its on-commit work (``capture``: pytest-django's
    ``django_capture_on_commit_callbacks``) and return the job it made."""
    with capture(execute=True):
        client.post("/upload/", {"file": SimpleUploadedFile(name, content)})
    return UploadJob.objects.latest("created_at")


def review(n: int, **fields: Any) -> dict[str, Any]:
    """One review as the extension sends it (every field of the contract)."""
    body = {
        "review_id": f"REXT{n:010d}",
        "rating": 1 + n % 5,
        "title": f"Title {n}",
        "body": f"Review text number {n}, " + "words " * (n % 7),
        "posted_date": (dt.date(2024, 1, 1) + dt.timedelta(days=n)).isoformat(),
        "country": "the United States",
        "verified_purchase": n % 3 != 0,
        "helpful_votes": n % 4,
        "reviewer_name": f"Shopper {n}",
        "profile_id": f"amzn1.account.EXT{n:06d}",
        "variant": "Color: Black",
        "image_count": n % 2,
        "vine": False,
    }
    body.update(fields)
    return body


def batch(reviews: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {"reviews": reviews, "final": False, "shop_rating_count": None, **fields}
