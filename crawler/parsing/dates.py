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

from crawler.marketplaces import languages_for, marketplace_info

_SENTENCES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # en: "Reviewed in the United States on July 1, 2024"
        r"^Reviewed in (?:the )?(?P<country>.+?) on (?P<date>.+)$",
        # de: "Rezension aus Deutschland vom 6. Juni 2021", "… aus den Vereinigten Staaten …"
        r"^Rezension aus (?:den |der |dem )?(?P<country>.+?) vom (?P<date>.+)$",
        # fr: "Commenté en France le 6 juin 2021", "Commenté aux États-Unis le …"
        r"^Comment[ée] (?:en|au|aux|à|a) (?P<country>.+?) le (?P<date>.+)$",
        # it: "Recensito in Italia il 14 novembre 2018", "Recensito negli Stati Uniti l'8 …"
        r"^Recensito (?:in|negli|nei|nel|nella|nelle) (?P<country>.+?) (?:il |l['’])(?P<date>.+)$",
        # es: "Revisado en España el 6 de junio de 2021"; com.mx: "Calificado en México el …"
        r"^(?:Revisado|Calificado|Reseñado|Valorado) en (?:los |las |el |la )?"
        r"(?P<country>.+?) el (?P<date>.+)$",
        # pt-BR: "Avaliado no Brasil em 6 de junho de 2021"
        r"^Avaliado (?:no|na|nos|nas|em) (?P<country>.+?) em (?P<date>.+)$",
        # nl / com.be: "Beoordeeld in Nederland op 6 juni 2021"
        r"^Beoordeeld in (?:de |het )?(?P<country>.+?) op (?P<date>.+)$",
        # sv: "Recenserad i Sverige den 6 juni 2021"
        r"^Recenserad i (?P<country>.+?) (?:den|på) (?P<date>.+)$",
        # pl: "Zrecenzowano w Polsce dnia 6 czerwca 2021" / "… w dniu …"
        r"^Zrecenzowano w (?P<country>.+?) (?:dnia|w dniu) (?P<date>.+)$",
        # tr: "Türkiye'de 6 Haziran 2021 tarihinde değerlendirildi"
        r"^(?P<country>.+?)['’](?:de|da|te|ta) (?P<date>.+?) tarihinde \w+$",
        # ja: "2021年6月6日に日本でレビュー済み"
        r"^(?P<date>\d{4}年\s*\d{1,2}月\s*\d{1,2}日)に(?P<country>.+?)でレビュー済み$",
        # ar (ae, sa, eg): "تمت المراجعة في الإمارات العربية المتحدة في 6 يونيو 2021"
        r"^تم(?:ت)? (?:المراجعة|التقييم) في (?P<country>.+?) (?:في|بتاريخ) (?P<date>.+)$",
        # Country-less lines of older pages: "on 3 June 2016", "am 6. Juni 2021", "le 6 juin …"
        r"^(?:on|am|le|il|el|em|op|den|dnia) (?P<date>.+)$",
    )
]
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
