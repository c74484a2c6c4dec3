"""Hostile inputs replayed against the app: no 5xx, readable refusals, a consistent database.

The cases of issue 14 (items 1, 2, 6-12) first, then a few hundred generated bodies, paths and
headers (hypothesis) through the Django test client, and a few raw requests to a live server.
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
from urllib.parse import quote, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from reviewsec.catalog import limits
from reviewsec.catalog.models import Review
from reviewsec.submissions.models import UploadJob
from tests.hostile.payloads import BAD_UPLOAD_LINES, jsonl, review_line

pytestmark = pytest.mark.django_db

ASIN = "B0BBPNPZTC"
JSON_ENDPOINTS = [
    "/api/v1/analyses",
    f"/api/v1/products/amazon.com/{ASIN}/reviews",
]
GET_ENDPOINTS = [
    "/api/v1/products/{m}/{a}/verdict",
    "/api/v1/products/{m}/{a}/analyses",
    "/api/v1/jobs/{a}",
    "/api/v1/uploads/{a}",
    "/p/{m}/{a}/",
    "/p/{m}/{a}/verdict.json",
    "/jobs/{a}/",
    "/uploads/{a}/",
    "/healthz",
    "/{a}",
]
NESTED = "[" * 5000 + "]" * 5000
GENEROUS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@pytest.fixture(autouse=True)
def open_limits(settings):
    """High rate limits (the suite sends hundreds of requests), tasks run to the end inline."""
    settings.API_RATE_ANON = settings.API_RATE_KEY = "100000/minute"
    settings.API_RATE_AUTH_FAILURES = settings.UPLOAD_RATE = "100000/minute"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = True
    cache.clear()
    yield
    cache.clear()


def assert_consistent() -> None:
    """What the database may hold whatever was sent."""
    for review_id, title, body, country in Review.objects.values_list(
        "review_id", "title", "body", "country"
    ):
        assert re.fullmatch(r"[A-Za-z0-9_-]{4,32}", review_id), review_id
        assert len(title) <= limits.TITLE_MAX and len(body) <= limits.BODY_MAX
        assert "\x00" not in title + body + country
    assert not UploadJob.objects.filter(state="running").exists()
    for job in UploadJob.objects.filter(state="failed"):
        assert job.errors and not any("went wrong" in error for error in job.errors)


def _post_file(client, path: str, name: str, content: bytes, capture):
    with capture(execute=True):
        return client.post(path, {"file": SimpleUploadedFile(name, content)})


# --- The cases of issue 14 ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/upload/", "/api/v1/uploads"])
def test_bad_upload_files_fail_readably(client, path, django_capture_on_commit_callbacks) -> None:
    files = {f"{case}.jsonl": jsonl(review_line(), line) for case, line in BAD_UPLOAD_LINES.items()}
    files["long-line.jsonl.gz"] = gzip.compress(b'{"text": "' + b"a" * (2 * 1024 * 1024) + b'"}\n')
    for name, content in files.items():
        response = _post_file(client, path, name, content, django_capture_on_commit_callbacks)
        assert response.status_code in (202, 302), name
    assert UploadJob.objects.filter(state="failed").count() == len(files)
    assert not Review.objects.exists()
    assert_consistent()


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_malformed_json_is_a_4xx(client, path) -> None:
    for body in [
        NESTED,
        "{",
        '{"reviews": ' + NESTED + "}",
        "x" * 3_000_000,
        "\x00",
        "[]",
        "1e999",
    ]:
        response = client.post(path, body, content_type="application/json")
        assert 400 <= response.status_code < 500, (body[:20], response.status_code)
        assert response.json()["error"]["message"]
    assert_consistent()


def test_trailing_newline_ids_from_the_extension_are_one_review(client) -> None:
    from tests.submissions.conftest import batch, review

    path = JSON_ENDPOINTS[1]
    for review_id in ["R1ABCDEFGH", "R1ABCDEFGH\n", " R1ABCDEFGH "]:
        body = json.dumps(batch([review(1, review_id=review_id)]))
        assert client.post(path, body, content_type="application/json").status_code == 200
    assert Review.objects.count() == 1
    assert_consistent()


def test_the_smaller_cases(client) -> None:
    assert client.get("/api/v1/products/amazon.de/0/verdict").status_code == 400
    for path in ["/upload/", "/api/v1/uploads", "/api/v1/analyses"]:
        response = client.generic("POST", path, b"{}", CONTENT_LENGTH="-1x")
        assert response.status_code == 400
    for n in range(3):
        bogus = client.get("/healthz", HTTP_AUTHORIZATION=f"Api-Key nope-{n}")
        assert b"pid" not in bogus.content


# --- Generated -------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
review_like = st.fixed_dictionaries(
    {},
    optional={
        name: json_values | st.text(max_size=60)
        for name in ["review_id", "rating", "title", "body", "posted_date", "country",
                     "helpful_votes", "image_count", "profile_id", "vine"]
    },
)  # fmt: skip
segments = st.text(max_size=24).map(lambda text: quote(text, safe="")) | st.sampled_from(
    ["amazon.com", "amazon.de", "upload", "demo", ASIN, "0", "..", "%00", "1" * 30, "-1"]
)


@hypothesis_settings(max_examples=150, **GENEROUS)
@given(
    path=st.sampled_from(JSON_ENDPOINTS),
    body=json_values
    | st.fixed_dictionaries({"reviews": st.lists(review_like, max_size=4)})
    | st.fixed_dictionaries({"asin": json_values, "marketplace": json_values}),
)
def test_generated_json_bodies_never_5xx(client, path, body) -> None:
    response = client.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code < 500, (body, response.content[:300])
    assert_consistent()


@hypothesis_settings(max_examples=150, **GENEROUS)
@given(template=st.sampled_from(GET_ENDPOINTS), marketplace=segments, asin=segments)
def test_generated_paths_never_5xx(client, template, marketplace, asin) -> None:
    response = client.get(template.format(m=marketplace, a=asin))
    assert response.status_code < 500, response.content[:300]


header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)


@hypothesis_settings(max_examples=120, **GENEROUS)
@given(
    path=st.sampled_from([*JSON_ENDPOINTS, "/upload/", "/api/v1/uploads", "/"]),
    content_type=st.sampled_from(
        ["application/json", "multipart/form-data; boundary=x", "text/plain", "", "a/b; c"]
    )
    | header_text,
    content_length=st.none() | header_text | st.integers(-5, 10**12).map(str),
    authorization=st.none() | header_text.map(lambda text: "Api-Key " + text) | header_text,
    body=st.binary(max_size=200),
)
def test_generated_headers_never_5xx(
    client, path, content_type, content_length, authorization, body
) -> None:
    extra = {}
    if content_length is not None:
        # A numeric length beyond the body is the transport's business (a server waits for the
        # rest, then times out); Django's test client asserts on it instead of short-reading.
        if content_length.strip().isdigit() and int(content_length) > len(body):
            content_length = str(len(body))
        extra["CONTENT_LENGTH"] = content_length
    if authorization is not None:
        extra["HTTP_AUTHORIZATION"] = authorization
    response = client.generic("POST", path, body, content_type=content_type, **extra)
    assert response.status_code < 500, response.content[:300]
    assert_consistent()


# --- A live server ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_raw_requests_to_a_live_server(live_server) -> None:
    host = urlsplit(live_server.url).netloc
    cases = [
        ("POST", "/api/v1/analyses", {"Content-Type": "application/json"}, NESTED.encode()),
        (
            "POST",
            "/upload/",
            {"Content-Length": "lots", "Content-Type": "multipart/form-data"},
            b"",
        ),
        ("GET", "/api/v1/products/amazon.de/0/verdict", {}, b""),
        ("GET", "/healthz", {}, b""),
    ]
    for method, path, headers, body in cases:
        connection = http.client.HTTPConnection(host, timeout=30)
        connection.putrequest(method, path)
        for name, value in headers.items():
            connection.putheader(name, value)
        if "Content-Length" not in headers:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        assert response.status < 500, (path, response.status)
        content = response.read()
        connection.close()
        if path == "/healthz":
            assert b"pid" not in content and b"ms" not in content
