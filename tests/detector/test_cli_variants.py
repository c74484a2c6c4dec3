"""Amazon 2018 files list one review under every variant ASIN: python -m detector counts it once.

The expectations are counted here straight from the file (json, sets), not by detector code:
SOURCES.md says the Fashion 5-core file has 3,176 lines but 447 distinct reviewer + time + text
reviews, and that ASINs sharing identical reviews are variants of one listing.
"""

import gzip
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest

from detector.cli import main

AMAZON_2018 = Path("/work/shared/data/amazon-2018-5core")
FASHION = AMAZON_2018 / "AMAZON_FASHION_5.json.gz"
pytestmark = pytest.mark.skipif(not FASHION.is_file(), reason="the shared 2018 files are not here")


def run(*args: object) -> list[dict]:
    out = io.StringIO()
    assert main([str(arg) for arg in args], out=out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def content(review: dict) -> tuple:
    return tuple(review.get(k) for k in ("reviewerID", "unixReviewTime", "overall", "summary",
                                          "reviewText"))  # fmt: skip


def listings(reviews: list[dict]) -> list[set[str]]:
    """ASINs joined when they share a review (a plain union-find, written for the test)."""
    parent: dict[str, str] = {}

    def root(asin: str) -> str:
        while parent.setdefault(asin, asin) != asin:
            asin = parent[asin]
        return asin

    first: dict[tuple, str] = {}
    for review in reviews:
        key, asin = content(review), review["asin"]
        root(asin)
        if key in first:
            parent[root(asin)] = root(first[key])
        else:
            first[key] = asin
    groups: dict[str, set[str]] = defaultdict(set)
    for asin in parent:
        groups[root(asin)].add(asin)
    return list(groups.values())


def test_the_fashion_file_counts_each_of_its_447_reviews_once(tmp_path, capsys):
    with gzip.open(FASHION, "rt", encoding="utf-8") as stream:
        reviews = [json.loads(line) for line in stream]
    assert len(reviews) == 3176
    distinct = {content(r) for r in reviews}
    assert (
        len({(r["reviewerID"], r["unixReviewTime"], r.get("reviewText")) for r in reviews}) == 447
    )
    reviewers_out = tmp_path / "reviewers.jsonl"
    records = run(FASHION, "--json", "--reviewers-out", reviewers_out)
    assert sum(r["reviews_analyzed"] for r in records) == len(distinct)
    groups = listings(reviews)
    assert len(records) == len(groups) < len({r["asin"] for r in reviews})
    # Each listing is named by its ASIN that comes first in the file.
    order = list(dict.fromkeys(r["asin"] for r in reviews))
    heads = [min(group, key=order.index) for group in groups]
    assert [r["product"]["asin"] for r in records] == sorted(heads, key=order.index)
    people = [json.loads(line) for line in reviewers_out.read_text().splitlines()]
    per_reviewer: dict[str, set] = defaultdict(set)
    for review in reviews:
        per_reviewer[review["reviewerID"]].add(content(review))
    assert {p["user_id"]: p["reviews"] for p in people} == {
        user: len(keys) for user, keys in per_reviewer.items()
    }
    assert "each review is counted once" in capsys.readouterr().err


def test_one_review_under_three_variants_is_one_review_of_one_listing(tmp_path):
    with gzip.open(FASHION, "rt", encoding="utf-8") as stream:
        first = json.loads(next(stream))
    same = [{**first, "asin": asin} for asin in ("B0VARIANT1", "B0VARIANT2", "B0VARIANT3")]
    other = {**first, "asin": "B0VARIANT2", "reviewerID": "A-SOMEONE-ELSE", "summary": "Other"}
    also = {**first, "asin": "B0UNRELATED", "reviewerID": "A-THIRD", "overall": 1.0}
    exact_copy = dict(also)
    path = tmp_path / "variants.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [*same, other, also, exact_copy]))
    records = run(path, "--json", "--min-reviews", "1")
    assert [(r["product"]["asin"], r["reviews_analyzed"]) for r in records] == [
        ("B0VARIANT1", 2),
        ("B0UNRELATED", 1),
    ]


def test_a_review_written_twice_with_different_headlines_counts_twice(tmp_path):
    with gzip.open(FASHION, "rt", encoding="utf-8") as stream:
        first = json.loads(next(stream))
    twice = [{**first, "summary": "Great"}, {**first, "summary": "Good", "asin": "B0OTHER"}]
    path = tmp_path / "twice.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in twice))
    records = run(path, "--json", "--min-reviews", "1")
    assert [r["reviews_analyzed"] for r in records] == [1, 1]
