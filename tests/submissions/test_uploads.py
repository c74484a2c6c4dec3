"""Review-file uploads: every line checked first, all imported or none, a verdict per product."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from detector.simulate import simulate, write_csv, write_jsonl
from reviewsec.analyses.models import Analysis, JobState
from reviewsec.catalog.models import Product, Review, ReviewSubmission
from reviewsec.submissions.models import UploadJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def run_inline(settings) -> None:
    """The upload job runs to the end before the request returns."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = True


def _products():
    return [simulate("honest", seed=3), simulate("boost", seed=4)]


def _jsonl() -> bytes:
    out = io.StringIO()
    write_jsonl(_products(), out)
    return out.getvalue().encode()


def _csv() -> bytes:
    out = io.StringIO()
    write_csv(_products(), out)
    return out.getvalue().encode()


def _upload(client, name: str, content: bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/upload/", {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(("name", "content"), [("reviews.jsonl", _jsonl), ("reviews.csv", _csv)])
def test_a_good_file_gives_a_verdict_page_per_product(
    client, name, content, django_capture_on_commit_callbacks
) -> None:
    data = content()
    rows = data.decode().strip().count("\n") + (0 if name.endswith("csv") else 1)

    response = _upload(client, name, data, django_capture_on_commit_callbacks)

    job = UploadJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/uploads/{job.id}/"
    assert (job.state, job.reviews_imported, job.errors) == (JobState.DONE, rows, [])
    assert bytes(job.content) == b""
    products = {p.parent_asin for p in _products()}
    scoped = job.products.get(asin=next(iter(products))).marketplace  # the uploader's own
    assert scoped.startswith("upload-")
    assert set(Product.objects.filter(marketplace=scoped).values_list("asin", flat=True)) == (
        products
    )
    assert set(Review.objects.values_list("source", flat=True)) == {"upload"}
    assert ReviewSubmission.objects.filter(source="upload").count() == 2
    for asin in products:
        analysis = Analysis.objects.get(product__marketplace=scoped, product__asin=asin)
        assert analysis.verdict["collection"]["sources"] == {"upload": analysis.reviews_analyzed}
        page = client.get(f"/p/{scoped}/{asin}/")
        assert page.status_code == 200
        assert b"from uploaded review files" in page.content
    results = client.get(response["Location"])
    assert all(asin.encode() in results.content for asin in products)


def test_uploading_the_same_file_again_imports_nothing_new(
    client, django_capture_on_commit_callbacks
) -> None:
    _upload(client, "a.jsonl", _jsonl(), django_capture_on_commit_callbacks)
    count = Review.objects.count()

    _upload(client, "b.jsonl", _jsonl(), django_capture_on_commit_callbacks)

    second = UploadJob.objects.get(file_name="b.jsonl")
    assert (second.reviews_imported, second.duplicates) == (0, count)
    assert Review.objects.count() == count


def test_a_broken_file_reports_its_lines_and_imports_nothing(
    client, django_capture_on_commit_callbacks
) -> None:
    lines = _jsonl().decode().splitlines()
    bad_rating = json.loads(lines[2]) | {"rating": 9}
    bad_asin = json.loads(lines[4]) | {"parent_asin": "nope", "asin": "nope"}
    lines[2], lines[4] = json.dumps(bad_rating), json.dumps(bad_asin)
    content = "\n".join(lines).encode()

    _upload(client, "broken.jsonl", content, django_capture_on_commit_callbacks)

    job = UploadJob.objects.get()
    assert job.state == JobState.FAILED
    assert job.errors[0].startswith("line 3: rating must be a whole number of stars")
    assert job.errors[1] == "line 5: 'nope' is not a 10-character ASIN"
    assert not Review.objects.exists()
    assert not Product.objects.exists()
    status = client.get(f"/uploads/{job.id}/status.json").json()
    assert status["state"] == "failed"
    assert "line 3" in status["error"]


def test_every_line_that_is_not_json_is_reported_and_nothing_imported(
    client, django_capture_on_commit_callbacks
) -> None:
    good = _jsonl().splitlines()[0]
    content = b"\n".join([good, b"{oops", good, b"[1, 2]", good, b'{"rating": 5,', good]) + b"\n"

    _upload(client, "bad.jsonl", content, django_capture_on_commit_callbacks)

    job = UploadJob.objects.get()
    quotes = "Expecting property name enclosed in double quotes"
    assert job.errors == [
        f"line 2: not valid JSON ({quotes}, at character 2)",
        "line 4: expected a JSON object per line",
        f"line 6: not valid JSON ({quotes}, at character 14)",
    ]
    assert not Review.objects.exists()


def test_a_file_of_many_bad_lines_lists_the_first_hundred_and_counts_them_all(
    client, django_capture_on_commit_callbacks
) -> None:
    good = _jsonl().splitlines()[0]
    content = b"\n".join([good] + [b"{oops"] * 250) + b"\n"

    _upload(client, "bad.jsonl", content, django_capture_on_commit_callbacks)

    job = UploadJob.objects.get()
    assert len(job.errors) == 101
    assert job.errors[0].startswith("line 2: not valid JSON")
    assert job.errors[99].startswith("line 101: not valid JSON")
    assert job.errors[100] == "… and 150 more bad lines (250 in all)"
    assert not Review.objects.exists()


def test_an_oversize_file_is_refused(client, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1000

    response = client.post("/upload/", {"file": SimpleUploadedFile("big.jsonl", _jsonl())})

    assert response.status_code == 413
    assert b"larger than" in response.content
    assert not UploadJob.objects.exists()


def test_the_api_accepts_a_file_and_reports_the_job(
    client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/uploads", {"file": SimpleUploadedFile("r.csv", _csv())})

    assert response.status_code == 202, response.content
    status = client.get(response["Location"]).json()
    assert status["state"] == "done"
    assert len(status["products"]) == 2
    assert status["products"][0]["verdict_url"].startswith("http://testserver/p/upload-")


def test_the_api_refuses_an_oversize_file(client, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1000

    response = client.post("/api/v1/uploads", {"file": SimpleUploadedFile("r.csv", _csv())})

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_the_page_shows_the_form_with_a_csrf_token(client) -> None:
    response = client.get("/upload/")

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_a_post_without_the_csrf_token_is_refused() -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/upload/", {"file": SimpleUploadedFile("r.csv", _csv())})

    assert response.status_code == 403
    assert not UploadJob.objects.exists()


def test_a_post_without_a_file_asks_for_one(client) -> None:
    response = client.post("/upload/", {})

    assert response.status_code == 400
    assert b"Choose a review file" in response.content


def test_a_file_over_the_limit_is_cut_off_while_it_streams(client, settings) -> None:
    """Within the multipart allowance the declared size passes; the handler stops the read."""
    settings.UPLOAD_MAX_BYTES = 1000
    content = b"\n".join(_csv().splitlines()[:40])
    assert 1000 < len(content) < 60_000

    response = client.post("/upload/", {"file": SimpleUploadedFile("r.csv", content)})

    assert response.status_code == 413
    assert not UploadJob.objects.exists()


def test_the_api_cuts_off_a_file_over_the_limit_while_it_streams(client, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    content = b"\n".join(_csv().splitlines()[:40])

    response = client.post("/api/v1/uploads", {"file": SimpleUploadedFile("r.csv", content)})

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not UploadJob.objects.exists()


def test_the_home_page_links_to_the_upload_page(client) -> None:
    assert b'href="/upload/"' in client.get("/").content
