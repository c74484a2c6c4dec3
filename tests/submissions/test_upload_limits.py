"""Uploaded files are read with limits: a bad line is a line-numbered error, never a 500."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviewsec.catalog.models import Review
from reviewsec.submissions.models import UploadJob
from reviewsec.submissions.uploads import UploadInvalid, upload_parse
from tests.hostile.payloads import BAD_UPLOAD_LINES, gzip_bomb, jsonl, review_line

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024

_MEASURE = """
import os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsec.settings")
import django
django.setup()
from reviewsec.submissions.uploads import UploadInvalid, upload_parse
content = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    upload_parse(content, file_name="bomb.jsonl.gz")
    print("accepted")
except UploadInvalid as invalid:
    print("refused:", invalid.errors[0])
print(time.perf_counter() - started)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


@pytest.fixture(scope="session")
def bomb(tmp_path_factory) -> Path:
    return gzip_bomb(tmp_path_factory.mktemp("bomb") / "bomb.jsonl.gz")


def test_a_gzip_bomb_is_refused_quickly_in_bounded_memory(bomb) -> None:
    assert bomb.stat().st_size < 1.2 * MIB
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(bomb)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    verdict, seconds, rss_growth_mib = result.stdout.strip().splitlines()[-3:]
    print(
        f"gzip bomb: {verdict[:90]} in {float(seconds):.2f} s, RSS +{float(rss_growth_mib):.0f} MiB"
    )
    assert verdict.startswith("refused: line 1: longer than")
    assert float(seconds) < 5
    assert float(rss_growth_mib) < 200


def test_the_decompressed_total_is_capped(settings) -> None:
    settings.UPLOAD_MAX_DECOMPRESSED_BYTES = MIB
    content = gzip.compress(jsonl(*[review_line(review_id=f"R{n:09d}") for n in range(10_000)]))
    assert len(content) < MIB
    with pytest.raises(UploadInvalid) as refused:
        upload_parse(content, file_name="many.jsonl.gz")
    assert refused.value.errors == ["many.jsonl.gz is larger than 1 MiB once decompressed"]


def test_a_long_csv_record_is_refused(settings) -> None:
    settings.UPLOAD_MAX_LINE_CHARS = 1000
    content = b'rating,date,text\n5,2024-01-01,"' + b"x\n" * 2000 + b'"\n'
    with pytest.raises(UploadInvalid) as refused:
        upload_parse(content, file_name="long.csv")
    assert "longer than 1,000 characters" in refused.value.errors[0]


@pytest.mark.parametrize("case", sorted(BAD_UPLOAD_LINES))
def test_a_bad_line_is_a_line_numbered_error(case) -> None:
    content = jsonl(review_line(), BAD_UPLOAD_LINES[case])
    with pytest.raises(UploadInvalid) as refused:
        upload_parse(content, file_name="bad.jsonl")
    assert len(refused.value.errors) == 1
    assert refused.value.errors[0].startswith("line 2: ")


def test_a_long_line_is_read_past_and_the_lines_after_it_are_checked(settings) -> None:
    settings.UPLOAD_MAX_LINE_CHARS = 1000
    long = review_line(text="x" * 5000)
    content = jsonl(review_line(), long, review_line(), "{oops", review_line(rating=9))
    with pytest.raises(UploadInvalid) as refused:
        upload_parse(content, file_name="long.jsonl")
    assert [error.split(":")[0] for error in refused.value.errors] == ["line 2", "line 4", "line 5"]
    assert "longer than 1,000 characters" in refused.value.errors[0]
    assert refused.value.bad_lines == 3


def test_bytes_that_are_not_utf8_are_that_lines_error() -> None:
    content = jsonl(review_line(), review_line()) + b'{"text": "caf\xe9"}\n' + jsonl(review_line())
    with pytest.raises(UploadInvalid) as refused:
        upload_parse(content, file_name="latin1.jsonl")
    assert refused.value.errors == ["line 3: not UTF-8 text (save the file as UTF-8)"]


def test_lines_before_the_decompressed_cap_are_listed_with_it(settings) -> None:
    settings.UPLOAD_MAX_DECOMPRESSED_BYTES = MIB
    lines = [review_line(review_id=f"R{n:09d}") for n in range(10_000)]
    content = gzip.compress(jsonl(lines[0], "{oops", *lines[1:]))
    with pytest.raises(UploadInvalid) as refused:
        upload_parse(content, file_name="many.jsonl.gz")
    assert refused.value.errors[0].startswith("line 2: not valid JSON")
    assert refused.value.errors[-1] == "many.jsonl.gz is larger than 1 MiB once decompressed"


@pytest.mark.django_db
def test_bad_lines_fail_the_job_readably_through_the_form(
    client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = True
    cases = sorted(BAD_UPLOAD_LINES)  # every kind of bad line, each reported at its number
    content = jsonl(review_line(), *(BAD_UPLOAD_LINES[case] for case in cases))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/upload/", {"file": SimpleUploadedFile("bad.jsonl", content)})
    assert response.status_code == 302
    job = UploadJob.objects.get()
    assert job.state == "failed"
    assert [error.split(":")[0] for error in job.errors] == [
        f"line {n}" for n in range(2, 2 + len(cases))
    ]
    assert "went wrong" not in json.dumps(job.errors)
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_a_review_id_with_a_trailing_newline_is_the_same_review(
    client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = True
    content = jsonl(review_line(review_id="R1ABCDEFGH"), review_line(review_id="R1ABCDEFGH\n"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/upload/", {"file": SimpleUploadedFile("ids.jsonl", content)})
    assert list(Review.objects.values_list("review_id", flat=True)) == ["R1ABCDEFGH"]
