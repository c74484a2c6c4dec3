"""How long each field of a review may be, and what its text may hold: the one place.

Uploads (``reviewsec.submissions.uploads``), extension batches (``reviewsec.api.serializers``)
and the crawler's store (``crawler.store``) all read these numbers. What each does past them:

- **Uploads and extension batches refuse** the review with a message (line-numbered for a file):
  the sender can fix the input, and a silently shortened review would be analysed as if whole.
- **The crawler truncates**: a shop's page is not a request anyone sent us, and refusing would
  drop an honest review from the analysis. It keeps the first ``*_MAX`` characters and drops
  NUL characters (PostgreSQL cannot store them in text).

Every text field refuses NUL characters; numbers stay inside a PostgreSQL ``integer``.
"""

from __future__ import annotations

import re
from typing import Any

REVIEW_ID_MAX = 32
PROFILE_ID_MAX = 64
TITLE_MAX = 2_000
BODY_MAX = 50_000
COUNTRY_MAX = 64
REVIEWER_NAME_MAX = 255
VARIANT_MAX = 255
HELPFUL_VOTES_MAX = 10_000_000
IMAGE_COUNT_MAX = 100

TEXT_LIMITS = {
    "title": TITLE_MAX,
    "body": BODY_MAX,
    "country": COUNTRY_MAX,
    "reviewer_name": REVIEWER_NAME_MAX,
    "variant": VARIANT_MAX,
}
# Review ids as stored: what any source's id must be after normalising (``review_id_clean``).
_REVIEW_ID = re.compile(r"[A-Za-z0-9_-]{4,32}")


def text_refusal(name: str, value: str, limit: int) -> str | None:
    """Why ``value`` cannot be stored as field ``name`` (a message for people), or None."""
    if len(value) > limit:
        return f"{name} is longer than {limit:,} characters ({len(value):,})"
    if "\x00" in value:
        return f"{name} contains a NUL character"
    return None


def text_checked(name: str, value: Any, limit: int) -> str:
    """``value`` as text of at most ``limit`` characters; ``ValueError`` saying what is wrong."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise ValueError(f"{name} must be text, not a JSON {type(value).__name__}")
    text = str(value)
    refusal = text_refusal(name, text, limit)
    if refusal:
        raise ValueError(refusal)
    return text


def text_truncated(value: str, limit: int) -> str:
    """The crawler's rule: at most ``limit`` characters, NUL characters dropped."""
    return value.replace("\x00", "")[:limit]


def review_id_clean(value: str) -> str:
    """A review id with surrounding whitespace removed; ``ValueError`` unless it is 4–32 of
    A–Z a–z 0–9 _ - (checked with ``fullmatch``: ``$`` would let ``"R1…\\n"`` through)."""
    text = value.strip()
    if not _REVIEW_ID.fullmatch(text):
        raise ValueError(f"{value!r} is not a review id (4-32 of A-Z a-z 0-9 _ -)")
    return text
