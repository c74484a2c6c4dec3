"""Who sells an uploaded product: optional ``seller_id``, ``seller_name`` and ``brand`` on each
review line (JSON Lines keys or CSV columns).

A file names the seller per review, but a product has one seller in the catalogue
(``Product.seller``, as the product spider records it), so every line of one product that names
one must name the same: a line that contradicts an earlier one is a bad line, reported with the
others. Lines that name none say nothing (a file may give the seller on one line per product).

What is accepted, so a typo cannot create a seller nobody sees:
- ``seller_id``: the shop's id as Amazon writes it in the seller link (``seller=A1B2C3…``),
  6–20 capital letters and digits (``SELLER_ID_PATTERN``, which extension batches' serializer
  uses too; surrounding spaces are removed);
- ``seller_name`` and ``brand``: text of at most 255 characters without control characters
  (runs of white space become one space).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

SELLER_ID_PATTERN = r"[A-Z0-9]{6,20}"
SELLER_NAME_MAX = 255
BRAND_MAX = 255  # Product.brand
_SELLER_ID = re.compile(SELLER_ID_PATTERN)


@dataclass(frozen=True)
class SellerFacts:
    """What one line (or, merged, one product) says about the seller; "" where it says nothing."""

    seller_id: str = ""
    seller_name: str = ""
    brand: str = ""
    line: int = 0  # the first line that said it

    def __bool__(self) -> bool:
        return bool(self.seller_id or self.seller_name or self.brand)


def seller_facts(fields: dict[str, Any], line: int) -> SellerFacts:
    """The seller a record names; ``ValueError`` with a message for people when malformed."""
    seller_id = _text(fields.get("seller_id"), "seller_id", 100).strip()
    if seller_id and not _SELLER_ID.fullmatch(seller_id):
        raise ValueError(
            f"seller_id {seller_id[:40]!r} is not a seller id (6-20 capital letters and digits, "
            "as in the seller link's seller=…)"
        )
    return SellerFacts(
        seller_id=seller_id,
        seller_name=_name(fields.get("seller_name"), "seller_name", SELLER_NAME_MAX),
        brand=_name(fields.get("brand"), "brand", BRAND_MAX),
        line=line,
    )


def seller_merge(known: SellerFacts | None, new: SellerFacts, asin: str) -> SellerFacts:
    """``known`` completed by ``new``; ``ValueError`` when ``new`` contradicts it."""
    if known is None:
        return new
    merged = {}
    for name in ("seller_id", "seller_name", "brand"):
        old, value = getattr(known, name), getattr(new, name)
        if old and value and old != value:
            raise ValueError(
                f"{name} {value!r} differs from {old!r} given for {asin} on line {known.line}"
            )
        merged[name] = old or value
    return SellerFacts(**merged, line=known.line or new.line)


def _text(value: Any, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, not {type(value).__name__}")
    if len(value) > limit:
        raise ValueError(f"{name} is longer than {limit:,} characters ({len(value):,})")
    return value


def _name(value: Any, name: str, limit: int) -> str:
    text = " ".join(_text(value, name, 10 * limit).split())
    if len(text) > limit:
        raise ValueError(f"{name} is longer than {limit:,} characters ({len(text):,})")
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise ValueError(f"{name} contains a control character")
    return text
