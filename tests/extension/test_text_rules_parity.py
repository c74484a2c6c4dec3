"""The extension's text rules (dates, countries, helpful votes, ratings) agree with the crawler's.

Every localised line the crawler's own tests know (tests/crawler/test_parse_locales.py) goes
through ``extension/lib/parse.js`` in Node and through the Python parser; the answers must match.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from crawler.parsing.dates import parse_review_date
from crawler.parsing.numbers import parse_helpful_votes, parse_rating
from tests.conftest import service_unavailable
from tests.crawler import test_parse_locales as locales

EXTENSION = Path(__file__).resolve().parents[2] / "extension"
RUN_RULES = """
const parse = require(process.argv[1] + "/lib/parse.js");
const spec = require(process.argv[1] + "/lib/review_spec.json");
const cases = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
console.log(JSON.stringify({
  dates: cases.dates.map(([line, marketplace]) => parse.parseReviewDate(spec, line, marketplace)),
  helpful: cases.helpful.map((text) => parse.parseHelpfulVotes(spec, text)),
  ratings: cases.ratings.map((text) => parse.parseRating(spec, text)),
}));
"""


def _table(test_function) -> list[tuple]:
    """The parameter rows of one of the crawler's parametrized tests."""
    mark = next(mark for mark in test_function.pytestmark if mark.name == "parametrize")
    return list(mark.args[1])


def _extension_reads(cases: dict) -> dict:
    node = shutil.which("node")
    if node is None:
        service_unavailable("Node.js is not installed (apt-get install nodejs)")
    result = subprocess.run(
        [node, "-e", RUN_RULES, str(EXTENSION)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(result.stdout)


def test_both_parsers_read_every_known_line_alike() -> None:
    date_lines = [
        (line, marketplace)
        for line, marketplace, *_ in _table(
            locales.test_date_lines_of_every_language_give_date_and_country
        )
    ] + [
        ("Reviewed recently", "amazon.com"),
        ("", "amazon.com"),
        ("Reviewed in Demo on March 3, 2021", "demo"),
    ]
    statements = [
        statement for statement, _ in _table(locales.test_helpful_statements_of_every_language)
    ]
    ratings = [text for text, _ in _table(locales.test_ratings_of_every_language)]

    read = _extension_reads({"dates": date_lines, "helpful": statements, "ratings": ratings})

    for (line, marketplace), ours in zip(date_lines, read["dates"], strict=True):
        date, country = parse_review_date(line, marketplace)
        expected = {"date": date.isoformat() if date else None, "country": country}
        assert ours == expected, line
    for statement, ours in zip(statements, read["helpful"], strict=True):
        assert ours == parse_helpful_votes(statement), statement
    for text, ours in zip(ratings, read["ratings"], strict=True):
        assert ours == parse_rating(text), text
