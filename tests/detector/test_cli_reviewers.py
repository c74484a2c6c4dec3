"""python -m detector: one review graph per file, the reviewers block, --reviewers-out and
--reviews-out."""

import gzip
import io
import itertools
import json
from pathlib import Path

import pytest

from detector.cli import main
from detector.simulate import population, write_jsonl

AMAZON_2018 = Path("/work/shared/data/amazon-2018-5core")
BLOCK_KEYS = {
    "adjusted_rating",
    "adjusted_interval",
    "plain_mean",
    "suspect_share",
    "base_suspect_share",
    "direction",
    "strong",
    "counts",
    "evidence",
}


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli-reviewers") / "reviews.jsonl"
    write_jsonl(population(8, seed=23), path)
    return path


def run(*args: object) -> str:
    out = io.StringIO()
    assert main([str(arg) for arg in args], out=out) == 0
    return out.getvalue()


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_every_product_line_has_a_reviewers_block(jsonl):
    for record in map(json.loads, run(jsonl, "--json").splitlines()):
        block = record["reviewers"]
        assert set(block) == BLOCK_KEYS
        if record["verdict"]["category"] != "insufficient_data":
            assert block["direction"] in ("inflated", "deflated", "none")
            low, high = block["adjusted_interval"]
            assert 1 <= low <= block["adjusted_rating"] <= high <= 5
            assert 0 < block["base_suspect_share"] < 1  # the file's graph was fitted
        for item in block["evidence"]:
            assert set(item) == {"code", "sentence", "figures"}


def test_reviewers_out_and_reviews_out_follow_the_contract(jsonl, tmp_path):
    reviewers, reviews = tmp_path / "reviewers.jsonl", tmp_path / "reviews.jsonl"
    run(jsonl, "--json", "--reviewers-out", reviewers, "--reviews-out", reviews)
    people = lines(reviewers)
    rows = lines(reviews)
    source = lines(jsonl)
    assert all(set(p) == {"user_id", "reviews", "reliability", "suspicion"} for p in people)
    assert sum(p["reviews"] for p in people) == len(rows) == len(source)
    assert all(0 <= p["suspicion"] <= 1 and p["reliability"] > 0 for p in people)
    assert all(
        set(r) == {"user_id", "parent_asin", "timestamp", "suspicion", "weight"} for r in rows
    )
    for row, review in zip(rows, source, strict=True):  # a grouped file: file order
        assert (row["user_id"], row["parent_asin"], row["timestamp"]) == (
            review["user_id"],
            review["parent_asin"],
            review["timestamp"],
        )
        assert row["weight"] is None or 0 <= row["weight"] <= 1


def test_reviews_without_a_user_id_are_each_their_own_reviewer(jsonl, tmp_path):
    anonymous = tmp_path / "anonymous.jsonl"
    records = lines(jsonl)
    for record in records:
        del record["user_id"]
    anonymous.write_text("".join(json.dumps(record) + "\n" for record in records))
    reviewers = tmp_path / "reviewers.jsonl"
    run(anonymous, "--json", "--reviewers-out", reviewers)
    people = lines(reviewers)
    assert len(people) == len(records)
    assert all(p["user_id"] is None and p["reviews"] == 1 for p in people)


def test_the_outputs_are_deterministic_and_the_same_with_two_jobs(jsonl, tmp_path):
    outputs = []
    for run_number, jobs in enumerate((1, 1, 2)):
        folder = tmp_path / str(run_number)
        folder.mkdir()
        verdicts = run(
            jsonl,
            "--json",
            "--jobs",
            jobs,
            "--reviewers-out",
            folder / "a.jsonl",
            "--reviews-out",
            folder / "b.jsonl",
        )
        outputs.append(
            (verdicts, (folder / "a.jsonl").read_text(), (folder / "b.jsonl").read_text())
        )
    assert outputs[0] == outputs[1] == outputs[2]


@pytest.mark.skipif(not AMAZON_2018.is_dir(), reason="the shared 2018 files are not here")
def test_a_slice_of_a_real_2018_file_is_read_and_judged(tmp_path):
    path = tmp_path / "gift_cards.jsonl"
    with gzip.open(AMAZON_2018 / "Gift_Cards_5.json.gz", "rt") as stream:
        path.write_text("".join(itertools.islice(stream, 600)))
    reviews = tmp_path / "reviews.jsonl"
    records = [
        json.loads(line) for line in run(path, "--json", "--reviews-out", reviews).splitlines()
    ]
    assert records and all(set(r["reviewers"]) == BLOCK_KEYS for r in records)
    # Each review once (the file repeats one under every variant ASIN: test_cli_variants.py).
    lines_read = [json.loads(line) for line in path.read_text().splitlines()]
    distinct = {
        (r["reviewerID"], r["unixReviewTime"], r["overall"], r.get("summary"), r.get("reviewText"))
        for r in lines_read
    }
    assert len(distinct) < 600
    assert sum(r["reviews_analyzed"] for r in records) == len(distinct)
    rows = lines(reviews)
    first = json.loads(path.read_text().splitlines()[0])
    assert rows[0]["user_id"] == first["reviewerID"]
    assert rows[0]["parent_asin"] == first["asin"]
    assert rows[0]["timestamp"] == first["unixReviewTime"] * 1000
