"""The /upload/ form is rate limited per address like the API, with a readable 429 page."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from reviewsec.submissions.models import UploadJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def low_rate(settings):
    settings.UPLOAD_RATE = "3/minute"
    cache.clear()
    yield
    cache.clear()


def _post(client, address: str = "10.0.0.1"):
    file = SimpleUploadedFile("r.jsonl", b'{"rating": 5}\n')
    return client.post("/upload/", {"file": file}, REMOTE_ADDR=address)


def test_uploads_past_the_limit_get_a_readable_429_page(client) -> None:
    assert [_post(client).status_code for _ in range(3)] == [302, 302, 302]
    response = _post(client)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert b"Too many uploads" in response.content
    assert UploadJob.objects.count() == 3


def test_another_address_has_its_own_count(client) -> None:
    for _ in range(4):
        _post(client)
    assert _post(client, address="10.0.0.2").status_code == 302
