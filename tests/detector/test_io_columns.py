"""detector.read_columns: one fast reading of a file gives what detector.io's row-by-row reading
gives — the same values, the same bad-line messages — whatever the byte ranges."""

import gzip
import itertools
import json
import random
from pathlib import Path

import numpy as np
import pytest

from detector import columns as columns_module
from detector import read_columns as reader
from detector.columns import ColumnBuilder, ProductTable, ReviewColumns, first_appearance
from detector.io import BadReviewFile, iter_records
from detector.read_columns import file_ranges, read_columns
from detector.simulate import population, write_jsonl
from detector.variants import CONTENT_FIELDS, content_key

AMAZON_2018 = Path("/work/shared/data/amazon-2018-5core")
ARRAYS = ("product", "rating", "timestamp_ms", "has_time", "text_length", "verified",
          "helpful_votes", "reviewer_review_count", "country", "user", "seller",
          "review_key")  # fmt: skip
LABELS = ("product_keys", "product_asin", "product_parent", "user_labels", "country_labels",
          "seller_labels")  # fmt: skip


def row_by_row(path: Path) -> ReviewColumns:
    """The columns from detector.io's own per-row validation (the slow, exact reading)."""
    builder = ColumnBuilder()
    records = list(iter_records(path))
    rows = [record.row() for record in records]
    sellers = [record.fields.get("seller_id") for record in records]
    keys = [
        0
        if "parent_asin" in record.fields or "unixReviewTime" not in record.fields
        else content_key([record.fields.get(name) for name in CONTENT_FIELDS])
        for record in records
    ]
    builder.add_rows(rows, [None if s is None else str(s).strip() or None for s in sellers], keys)
    return builder.finish()


def assert_same(got: ReviewColumns, expected: ReviewColumns) -> None:
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)
        assert getattr(got, name).dtype == getattr(expected, name).dtype, name
    for name in LABELS:
        assert getattr(got, name) == getattr(expected, name), name


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("columns") / "reviews.jsonl"
    write_jsonl(population(10, seed=31), path)
    return path


def varied_lines(path: Path) -> list[str]:
    """Every unusual value the fast path must hand to the exact one, mixed into ordinary lines."""
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    rng = random.Random(8)
    for row in rows:
        pick = rng.randrange(12)
        if pick == 0:
            del row["user_id"]
        elif pick == 1:
            row["rating"] = str(int(row["rating"]))
        elif pick == 2:
            row["helpful_vote"] = "1,234"
        elif pick == 3:
            row.pop("verified_purchase", None)
        elif pick == 4:
            row["verified_purchase"] = "yes"
        elif pick == 5:
            row["asin"] = "  " + row["asin"] + " "
        elif pick == 6:
            row["timestamp"] = float(row["timestamp"]) + 0.75
        elif pick == 7:
            row["country"] = ""
        elif pick == 8:
            row["seller_id"] = " S123 "
    return [json.dumps(row) for row in rows]


def test_the_fast_reading_equals_the_row_by_row_one(simulated):
    assert_same(read_columns(simulated), row_by_row(simulated))


def test_unusual_values_are_read_exactly_as_detector_io_reads_them(tmp_path, simulated):
    path = tmp_path / "varied.jsonl"
    path.write_text("\n".join(varied_lines(simulated)) + "\n")
    assert_same(read_columns(path), row_by_row(path))


@pytest.mark.skipif(not AMAZON_2018.is_dir(), reason="the shared 2018 files are not here")
def test_a_real_2018_file_is_read_exactly(tmp_path):
    path = tmp_path / "beauty.jsonl"
    with gzip.open(AMAZON_2018 / "All_Beauty_5.json.gz", "rb") as stream:
        path.write_bytes(stream.read())
    columns = read_columns(path)
    assert_same(columns, row_by_row(path))
    assert (columns.review_key != 0).all()
    assert not columns.has_time.any()


def test_many_small_ranges_give_the_same_columns(monkeypatch, tmp_path, simulated):
    path = tmp_path / "varied.jsonl"
    path.write_text("\n".join(varied_lines(simulated)) + "\n")
    whole = read_columns(path)
    monkeypatch.setattr(reader, "file_ranges", lambda p: file_ranges(p, size=4096))
    assert len(reader.file_ranges(path)) > 20
    assert_same(read_columns(path), whole)


def test_ranges_start_after_a_newline_and_cover_the_file(simulated):
    ranges = file_ranges(simulated, size=10_000)
    data = simulated.read_bytes()
    assert ranges[0][1] == 0 and ranges[-1][2] == len(data)
    for (_, _, end), (_, start, _) in itertools.pairwise(ranges):
        assert end == start and data[start - 1 : start] == b"\n"


def test_bad_lines_in_later_ranges_keep_their_file_line_numbers(monkeypatch, tmp_path, simulated):
    lines = simulated.read_text().splitlines()
    lines[300] = "{oops"
    lines[-2] = '{"rating": "five", "timestamp": 1}'
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(reader, "file_ranges", lambda p: file_ranges(p, size=8192))
    with pytest.raises(BadReviewFile) as refused:
        read_columns(path)
    assert str(refused.value).splitlines() == [
        f"{path}: 2 bad lines",
        "  line 301: not valid JSON (Expecting property name enclosed in double quotes, "
        "at character 2)",
        f"  line {len(lines) - 1}: rating 'five' is not a number of stars",
    ]


def test_a_byte_order_mark_blank_lines_and_crlf_are_read_past(tmp_path, simulated):
    lines = simulated.read_text().splitlines()[:30]
    windows, plain = tmp_path / "windows.jsonl", tmp_path / "plain.jsonl"
    windows.write_bytes(b"\xef\xbb\xbf" + "\r\n\r\n".join(lines).encode() + b"\r\n")
    plain.write_text("\n".join(lines) + "\n")
    assert_same(read_columns(windows), row_by_row(plain))


def test_an_over_long_line_is_reported_and_the_rest_read(monkeypatch, tmp_path, simulated):
    lines = simulated.read_text().splitlines()[:10]
    lines[4] = '{"rating": 5, "timestamp": 1, "text": "' + "x" * 50_000 + '"}'
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(reader, "DEFAULT_LIMITS", reader.DEFAULT_LIMITS.__class__(20_000))
    with pytest.raises(BadReviewFile, match=r"long\.jsonl, line 5: longer than 20,000 characters"):
        read_columns(path)


def test_a_gzip_file_is_read_like_the_plain_one(tmp_path, simulated):
    path = tmp_path / "reviews.jsonl.gz"
    path.write_bytes(gzip.compress(simulated.read_bytes()))
    assert_same(read_columns(path), read_columns(simulated))


def test_products_are_laid_out_in_order_of_first_appearance(tmp_path, simulated):
    lines = simulated.read_text().splitlines()
    random.Random(2).shuffle(lines)
    path = tmp_path / "shuffled.jsonl"
    path.write_text("\n".join(lines) + "\n")
    table = ProductTable.from_columns(read_columns(path))
    records = [json.loads(line) for line in lines]
    first_seen = list(dict.fromkeys(r["parent_asin"] for r in records))
    assert [table.product(k).parent_asin for k in range(table.n_products)] == first_seen
    for k, key in enumerate(first_seen):
        mine = [r for r in records if r["parent_asin"] == key]
        product = table.product(k)
        assert product.reviews["rating"].tolist() == [int(r["rating"]) for r in mine]
        assert product.reviews["user_id"].tolist() == [r["user_id"] for r in mine]
        moments = product.reviews["posted_at"].astype("datetime64[ms]").astype(np.int64)
        assert moments.tolist() == [r["timestamp"] for r in mine]


def dict_first_appearance(labels: list) -> tuple[list[int], list[int]]:
    """The reference: codes handed out by a dict in list order, each None a code of its own."""
    seen: dict = {}
    codes, heads = [], []
    for position, label in enumerate(labels):
        if label is None or label not in seen:
            if label is not None:
                seen[label] = len(heads)
            codes.append(len(heads))
            heads.append(position)
        else:
            codes.append(seen[label])
    return codes, heads


@pytest.mark.parametrize("collide", [False, True])
def test_first_appearance_codes_are_a_dicts_even_when_hashes_collide(monkeypatch, collide):
    rng = random.Random(4)
    labels = [rng.choice(["A1", "B2", "C3", "D4", None, "E5", "F6"]) for _ in range(500)]
    labels = [None if label is None else "".join(list(label)) for label in labels]  # new objects
    if collide:  # every label one hash: only the comparison with the group's first tells them
        monkeypatch.setattr(columns_module, "hash", lambda label: 7, raising=False)
    codes, heads = first_appearance(labels)
    expected_codes, expected_heads = dict_first_appearance(labels)
    assert codes.tolist() == expected_codes
    assert heads == expected_heads


def test_concatenated_ranges_code_reviewers_and_products_by_first_appearance(monkeypatch, tmp_path):
    """Reviewers recurring across ranges (and reviews without a user id) get the codes a dict
    in file order gives; the same file read as one range gives the same columns."""
    products = population(6, seed=8)
    path = tmp_path / "mixed.jsonl"
    write_jsonl(products, path)
    rng = random.Random(2)
    lines = path.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    for record in records:
        record["user_id"] = rng.choice(["U1", "U2", "U3", "U4", "", None, f"U{rng.random()}"])
    rng.shuffle(records)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    whole = read_columns(path)
    monkeypatch.setattr(reader, "file_ranges", lambda p: file_ranges(p, size=2_000))
    assert len(reader.file_ranges(path)) > 10
    ranged = read_columns(path)
    assert_same(ranged, whole)
    ids = [r["user_id"] or None for r in records]
    codes, heads = dict_first_appearance(ids)
    assert ranged.user.tolist() == codes
    assert ranged.user_labels == [ids[i] for i in heads]
    keys, _ = dict_first_appearance([r["parent_asin"] for r in records])
    assert ranged.product.tolist() == keys
