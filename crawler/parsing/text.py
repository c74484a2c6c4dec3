"""Readable text out of markup: what a person sees, with line breaks where ``<br>`` puts them."""

from __future__ import annotations

import copy
import re

from lxml import etree
from parsel import Selector

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b\u200e\u200f]+")


def clean_text(text: str | None) -> str:
    """Collapse runs of whitespace (newlines included) into single spaces and trim."""
    return re.sub(r"\s+", " ", (text or "").replace("\u200b", "")).strip()


def element_text(element: Selector, *, exclude: str = "false()", multiline: bool = False) -> str:
    """The visible text of ``element``, skipping text nodes for which ``exclude`` holds.

    ``exclude`` is an XPath boolean evaluated on each text node (e.g. ``ancestor::script``).
    With ``multiline``, ``<br>`` and block boundaries become line breaks, blank lines collapse.
    """
    nodes = element.xpath(f".//text()[not({exclude})] | .//br")
    pieces = []
    for node in nodes:
        if isinstance(node.root, str):
            pieces.append(node.root)
        else:
            pieces.append("\n")
    raw = "".join(pieces)
    if not multiline:
        return clean_text(raw)
    lines = [_SPACES.sub(" ", line).strip() for line in raw.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def without(element: Selector, css: str) -> Selector:
    """A copy of ``element`` with the descendants matching ``css`` removed (their tails kept).

    Broken HTML nests what should be siblings: an unclosed tag puts the next review inside
    this one, or the date inside the title. Parsing a pruned copy keeps fields apart.
    """
    if not any(node.root is not element.root for node in element.css(css)):
        return element  # nothing nested (css() also matches the element itself)
    pruned = Selector(root=copy.deepcopy(element.root), type="html")
    for node in pruned.css(css):
        _drop(node.root)
    return pruned


def _drop(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
