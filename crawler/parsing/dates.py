"""Review dates and countries from the date line, in every allow-listed marketplace's language.

Since 2020 Amazon writes one sentence: "Reviewed in the United States on July 1, 2024",
"Rezension aus Deutschland vom 6. Juni 2021", "2021年6月6日に日本でレビュー済み". Older pages
show only the date ("14 novembre 2018", "on 3 June 2016"). Each language's sentence is split
by a pattern into country and date, and the date is read by ``dateparser`` in the marketplace's
languages; anything unrecognised still gets a best effort on its date-looking tail.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import NamedTuple

import dateparser

from crawler.parsing.spec import date_sentences
from marketplaces import languages_for, marketplace_info

# The sentence of each language, shared with the browser extension (review_spec.json), e.g.
# en "Reviewed in the United States on July 1, 2024", de "Rezension aus Deutschland vom 6. Juni
# 2021", ja "2021年6月6日に日本でレビュー済み", and the country-less "on 3 June 2016" of old pages.
_SENTENCES = date_sentences()
_DATEPARSER_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["custom-formats", "absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}


class ReviewDate(NamedTuple):
    posted_date: dt.date | None
    country: str


def parse_review_date(text: str | None, marketplace: str) -> ReviewDate:
    """Split a review's date line into (date, country); country is "" when not shown."""
    line = re.sub(r"\s+", " ", text or "").strip()
    if not line:
        return ReviewDate(None, "")
    return _parse_line(line, marketplace)


@lru_cache(maxsize=4096)
def _parse_line(line: str, marketplace: str) -> ReviewDate:
    for sentence in _SENTENCES:
        match = sentence.match(line)
        if match:
            country = match.groupdict().get("country") or ""
            return ReviewDate(parse_date(match.group("date"), marketplace), country.strip())
    return ReviewDate(_parse_tail(line, marketplace), "")


def parse_date(text: str, marketplace: str) -> dt.date | None:
    """A calendar date written in one of the marketplace's languages, else None."""
    settings = dict(_DATEPARSER_SETTINGS, DATE_ORDER=marketplace_info(marketplace).date_order)
    parsed = dateparser.parse(
        text.strip().rstrip("."), languages=list(languages_for(marketplace)), settings=settings
    )
    return parsed.date() if parsed else None


def _parse_tail(line: str, marketplace: str) -> dt.date | None:
    """Best effort for an unknown sentence: the whole line, then from the word before a digit."""
    parsed = parse_date(line, marketplace)
    if parsed:
        return parsed
    first_digit = re.search(r"\d", line)
    if not first_digit:
        return None
    start = line.rfind(" ", 0, max(line.rfind(" ", 0, first_digit.start()), 0)) + 1
    for candidate in (line[start:], line[first_digit.start() :]):
        parsed = parse_date(candidate, marketplace)
        if parsed:
            return parsed
    return None
