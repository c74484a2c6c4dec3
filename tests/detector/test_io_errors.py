"""A review file's bad lines are all reported, with numbers and reasons, in bounded memory."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from detector.io import (
    MAX_LISTED_ERRORS,
    BadReviewFile,
    LineErrors,
    ReadLimits,
    iter_records,
    iter_rows,
)

ROOT = Path(__file__).resolve().parents[2]
GOOD = json.dumps({"rating": 5, "timestamp": 1_600_000_000_000, "asin": "B000000001"})


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_bad_line_is_listed_after_reading_the_whole_file(tmp_path) -> None:
    path = _write(tmp_path, "bad.jsonl", [GOOD, "{oops", GOOD, "[1]", GOOD.replace("5", "9", 1)])
    with pytest.raises(BadReviewFile) as refused:
        list(iter_rows(path))
    assert str(refused.value).splitlines() == [
        f"{path}: 3 bad lines",
        "  line 2: not valid JSON (Expecting property name enclosed in double quotes, "
        "at character 2)",
        "  line 4: expected a JSON object per line",
        "  line 5: rating must be a whole number of stars from 1 to 5, got 9",
    ]
    assert refused.value.lines is not None and refused.value.lines.total == 3


def test_no_row_is_yielded_after_the_first_bad_line(tmp_path) -> None:
    path = _write(tmp_path, "bad.jsonl", [GOOD, GOOD, "{oops", GOOD, GOOD])
    seen = []
    with pytest.raises(BadReviewFile):
        seen.extend(iter_rows(path))
    assert len(seen) == 2


def test_a_file_of_bad_lines_lists_the_first_hundred_and_counts_the_rest(tmp_path) -> None:
    path = _write(tmp_path, "bad.jsonl", ["{oops"] * 1000)
    with pytest.raises(BadReviewFile) as refused:
        list(iter_rows(path))
    lines = str(refused.value).splitlines()
    assert lines[0] == f"{path}: 1,000 bad lines"
    assert len(lines) == 1 + MAX_LISTED_ERRORS + 1
    assert lines[-1] == f"  … and {1000 - MAX_LISTED_ERRORS:,} more bad lines (1,000 in all)"


def test_without_a_collector_the_first_bad_line_raises(tmp_path) -> None:
    path = _write(tmp_path, "bad.jsonl", [GOOD, "{oops", "{oops"])
    with pytest.raises(BadReviewFile, match=r"bad\.jsonl, line 2: not valid JSON"):
        list(iter_records(path))


def test_a_long_line_is_skipped_and_reading_goes_on(tmp_path) -> None:
    path = _write(tmp_path, "long.jsonl", [GOOD, "x" * 10_000, GOOD, "{oops"])
    errors = LineErrors()
    records = list(iter_records(path, limits=ReadLimits(max_line_chars=1000), errors=errors))
    assert [record.line for record in records] == [1, 3]
    assert [(error.line, error.reason[:26]) for error in errors.listed] == [
        (2, "longer than 1,000 characte"),
        (4, "not valid JSON (Expecting "),
    ]


def test_a_file_level_problem_names_the_lines_seen_before_it(tmp_path) -> None:
    path = _write(tmp_path, "big.jsonl", [GOOD, "{oops", *[GOOD] * 20_000])
    errors = LineErrors()
    with pytest.raises(BadReviewFile) as refused:
        list(iter_records(path, limits=ReadLimits(max_total_bytes=1024 * 1024), errors=errors))
    assert refused.value.stopped == f"{path} is larger than 1 MiB once decompressed"
    assert "line 2: not valid JSON" in str(refused.value)


def test_the_cli_prints_every_bad_line_and_exits_1(tmp_path) -> None:
    path = _write(tmp_path, "bad.jsonl", [GOOD, "{oops", GOOD, '{"rating": "five"}'])
    completed = subprocess.run(
        [sys.executable, "-m", "detector", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr.splitlines() == [
        f"detector: {path}: 2 bad lines",
        "  line 2: not valid JSON (Expecting property name enclosed in double quotes, "
        "at character 2)",
        "  line 4: rating 'five' is not a number of stars",
    ]
