"""The review-list field rules the crawler shares with the browser extension.

``review_spec.json`` (beside this module) holds the selectors and text patterns both parsers
use; ``extension/lib/review_spec.json`` is a copy the extension packages (a test keeps the two
identical). Patterns are written in the syntax Python and JavaScript share, except that named
groups are spelt ``(?<name>…)`` as JavaScript wants; :func:`pattern` turns them into Python's.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from cssselect import GenericTranslator

SPEC_PATH = Path(__file__).with_name("review_spec.json")
_JS_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_])")


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def selector(name: str) -> str:
    """A CSS selector list by name (``review_blocks``, ``rating_icon``…)."""
    return spec()["selectors"][name]


def selector_list(name: str) -> tuple[str, ...]:
    """The named selector list split into its selectors, for rules that try them in order."""
    return tuple(part.strip() for part in selector(name).split(","))


def python_regex(source: str) -> str:
    """A shared pattern in Python's syntax: ``(?<name>…)`` becomes ``(?P<name>…)``."""
    return _JS_NAMED_GROUP.sub("(?P<", source)


def pattern(name: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(python_regex(spec()["patterns"][name]), flags)


def date_sentences() -> list[re.Pattern[str]]:
    """The localised "Reviewed in <country> on <date>" sentences, most specific first."""
    return [re.compile(python_regex(source), re.IGNORECASE) for source in spec()["date_sentences"]]


def ancestor_xpath(name: str) -> str:
    """An XPath test that holds for nodes inside an element the named selector matches."""
    return GenericTranslator().css_to_xpath(selector(name), prefix="ancestor::")
