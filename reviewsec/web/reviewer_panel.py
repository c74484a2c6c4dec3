"""The verdict page's "Who wrote the reviews" panel, from the stored verdict's ``reviewers`` block.

Public page: only aggregates (ratings, shares, counts, the detector's sentences, which speak of
groups of reviews). Nothing that names or links a reviewer is passed to the template, whatever
the block holds (DESIGN §4).
"""

from __future__ import annotations

from typing import Any


def reviewer_panel(verdict: dict[str, Any]) -> dict[str, Any] | None:
    """What the panel shows, or None when the verdict has no ``reviewers`` block."""
    block = verdict.get("reviewers")
    if not block:
        return None
    counts = block.get("counts") or {}
    interval = block.get("adjusted_interval") or None
    adjusted = block.get("adjusted_rating")
    plain = block.get("plain_mean")
    return {
        "adjusted_rating": adjusted,
        "adjusted_interval": interval if interval and len(interval) == 2 else None,
        "plain_mean": plain,
        "moved": adjusted is not None and plain is not None and round(adjusted - plain, 1) != 0,
        "suspect_percent": _percent(block.get("suspect_share")),
        "base_percent": _percent(block.get("base_suspect_share")),
        "reviews": counts.get("reviews"),
        "one_review_accounts": counts.get("one_review_accounts"),
        "verified": counts.get("verified"),
        "direction": block.get("direction"),
        "groups": block.get("groups") or None,  # collusion groups (reviewsec.groups), aggregates
        "strong": bool(block.get("strong")),
        "evidence": [
            item["sentence"]
            for item in block.get("evidence") or []
            if isinstance(item, dict) and item.get("sentence")
        ],
    }


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)
