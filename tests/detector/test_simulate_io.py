"""detector.simulate writers: Amazon Reviews 2023 JSON Lines and CSV that the CLI reads."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from detector.simulate import (
    CSV_COLUMNS,
    iter_population,
    population,
    simulate,
    write_csv,
    write_jsonl,
)
from detector.simulate.__main__ import main

# The review schema of Amazon Reviews 2023 (McAuley Lab), field by field.
SCHEMA_2023 = {
    "rating": float,
    "title": str,
    "text": str,
    "images": list,
    "asin": str,
    "parent_asin": str,
    "user_id": str,
    "timestamp": int,
    "helpful_vote": int,
    "verified_purchase": bool,
}
EXTRAS = {
    "review_id": str,
    "country": str,
    "reviewer_review_count": int,
    "vine": bool,
    "variant": str,
}
IMAGE_KEYS = {"small_image_url", "medium_image_url", "large_image_url", "attachment_type"}


@pytest.fixture(scope="module")
def products():
    return population(6, seed=21, mix={"honest": 1, "boost": 1, "badmouth": 1})


def _read_jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def _has_type(value, expected: type) -> bool:
    # bool is a subclass of int: an int field must not hold true/false
    return isinstance(value, expected) and (expected is bool or not isinstance(value, bool))


def test_jsonl_records_follow_the_amazon_reviews_2023_schema(products):
    stream = io.StringIO()
    count = write_jsonl(products, stream, extras=False)
    records = _read_jsonl(stream.getvalue())
    assert count == len(records) == sum(product.n_reviews for product in products)
    for record in records:
        assert set(record) == set(SCHEMA_2023)
        for key, expected in SCHEMA_2023.items():
            assert _has_type(record[key], expected), (key, record[key])
        assert record["rating"] in {1.0, 2.0, 3.0, 4.0, 5.0}
        assert record["text"] and record["title"]
        assert record["helpful_vote"] >= 0
        assert record["timestamp"] > 1_500_000_000_000  # milliseconds, not seconds
        for image in record["images"]:
            assert set(image) == IMAGE_KEYS and all(isinstance(v, str) for v in image.values())


def test_jsonl_extras_are_optional_keys_with_their_types(products):
    stream = io.StringIO()
    write_jsonl(products[:2], stream)
    for record in _read_jsonl(stream.getvalue()):
        assert set(record) == set(SCHEMA_2023) | set(EXTRAS)
        for key, expected in EXTRAS.items():
            assert _has_type(record[key], expected), (key, record[key])


def test_jsonl_round_trips_each_review(products):
    stream = io.StringIO()
    write_jsonl(products, stream)
    records = iter(_read_jsonl(stream.getvalue()))
    for product in products:
        for review in product.reviews:
            record = next(records)
            assert datetime.fromtimestamp(record["timestamp"] / 1000, tz=UTC) == review.posted_at
            assert (record["asin"], record["parent_asin"]) == (product.asin, product.parent_asin)
            assert record["rating"] == review.rating
            assert (record["title"], record["text"]) == (review.title, review.text)
            assert record["user_id"] == review.user_id
            assert record["helpful_vote"] == review.helpful_votes
            assert record["verified_purchase"] == review.verified_purchase
            assert len(record["images"]) == review.image_count
            assert record["review_id"] == review.review_id


def test_jsonl_carries_ground_truth_only_when_asked():
    product = simulate("boost", seed=2)
    stream = io.StringIO()
    write_jsonl([product], stream, truth=True)
    records = _read_jsonl(stream.getvalue())
    assert [record["sim_is_fake"] for record in records] == product.columns.is_fake.tolist()
    assert {record["sim_scenario"] for record in records} == {"boost"}


def test_write_jsonl_streams_a_generator_to_a_path(tmp_path):
    path = tmp_path / "reviews.jsonl"
    count = write_jsonl(iter_population(3, seed=5), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert count == len(lines) == sum(product.n_reviews for product in population(3, seed=5))


def test_csv_has_the_header_and_round_trips_dates_and_texts(tmp_path, products):
    path = tmp_path / "reviews.csv"
    count = write_csv(products, path)
    with path.open(encoding="utf-8", newline="") as stream:
        header = stream.readline().strip()
        stream.seek(0)
        rows = list(csv.DictReader(stream))
    assert header.startswith("asin,parent_asin,rating,date,text")
    assert tuple(header.split(",")) == CSV_COLUMNS
    assert count == len(rows)
    reviews = [review for product in products for review in product.reviews]
    for row, review in zip(rows, reviews, strict=True):
        assert datetime.fromisoformat(row["date"]) == review.posted_at
        assert row["date"].endswith("Z")
        assert int(row["rating"]) == review.rating
        assert row["text"] == review.text  # commas and apostrophes survive quoting
        assert row["verified_purchase"] == ("true" if review.verified_purchase else "false")
        assert row["asin"] == review.asin


def test_csv_truth_columns_are_appended_when_asked():
    stream = io.StringIO()
    write_csv([simulate("badmouth", seed=3)], stream, truth=True)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert {row["sim_scenario"] for row in rows} == {"badmouth"}
    assert {row["sim_is_fake"] for row in rows} == {"true", "false"}


def test_cli_writes_jsonl_or_csv_by_suffix(tmp_path, capsys):
    jsonl, table = tmp_path / "boost.jsonl", tmp_path / "mixed.csv"
    assert main(["--scenario", "boost", "--seed", "1", "--out", str(jsonl)]) == 0
    assert main(["--products", "3", "--review-counts", "20", "30", "--out", str(table)]) == 0
    records = _read_jsonl(jsonl.read_text(encoding="utf-8"))
    assert len({record["parent_asin"] for record in records}) == 1
    rows = table.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("asin,parent_asin,rating,date,text")
    assert len(rows) - 1 <= 3 * 30
    assert "wrote" in capsys.readouterr().err
