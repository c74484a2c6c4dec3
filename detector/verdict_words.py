"""The verdict's reasons, in words a shopper understands (DESIGN §3.4).

Every category names what is behind it: the stretches of reviews whose ratings moved ("From 3 May
2021 to 9 May 2021, 61 reviews were clearly more positive than usual ...") and the features whose
star levels differ ("The 5-star reviews were much shorter than the others ..."). Numbers come from
the consistency result and the per-star distributions of ``detector.distributions``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from detector.consistency import ChangeInterval, ConsistencyResult
from detector.ero import EROResult, FeatureResult
from detector.ero_words import feature_noun

__all__ = ["consistency_sentences", "feature_sentence", "flagged_features", "readable_date"]

MAX_INTERVALS = 3
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# Numeric features: (what "higher" reads as, what "lower" reads as, unit).
_NUMERIC_PHRASES = {
    "text_length": ("were {much} longer than", "were {much} shorter than", "characters"),
    "helpful_votes": (
        "got {far} more helpful votes than",
        "got {far} fewer helpful votes than",
        "",
    ),
    "reviewer_review_count": (
        "came from reviewers with {far} more reviews to their name than",
        "came from reviewers with {far} fewer reviews to their name than",
        "reviews",
    ),
}


def readable_date(moment: np.datetime64) -> str:
    """'3 May 2021'."""
    day = moment.astype("datetime64[D]").item()
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def interval_sentence(
    interval: ChangeInterval, ratings: np.ndarray, dates: np.ndarray | None, mean: float
) -> str:
    """One change interval: when, how many reviews, which way and by how much."""
    inside = float(ratings[interval.start : interval.end + 1].mean())
    way = "more positive" if interval.direction == "up" else "more negative"
    count = _plural(interval.length, "review")
    if dates is None:
        when = f"Reviews {interval.start + 1} to {interval.end + 1}"
    else:
        first, last = readable_date(dates[interval.start]), readable_date(dates[interval.end])
        when = f"On {first}" if first == last else f"From {first} to {last}"
    return (
        f"{when}, {count} in a row were clearly {way} than usual: "
        f"{inside:.1f} stars on average against {mean:.1f} overall."
    )


def consistency_sentences(consistency: ConsistencyResult, dates: np.ndarray | None) -> list[str]:
    """The weightiest change intervals (at most three: reviews × how far their mean moved), in
    time order, and how many more there are."""
    ratings, mu0 = consistency.ratings, consistency.mu0

    def weight(interval: ChangeInterval) -> float:
        inside = ratings[interval.start : interval.end + 1]
        return abs(float(inside.sum()) - mu0 * inside.size)

    intervals = sorted(consistency.intervals, key=lambda i: -weight(i))[:MAX_INTERVALS]
    sentences = [
        interval_sentence(interval, consistency.ratings, dates, consistency.mu0)
        for interval in sorted(intervals, key=lambda i: i.start)
    ]
    more = len(consistency.intervals) - len(intervals)
    if more:
        stretches = "stretch" if more == 1 else "stretches"
        sentences.append(f"The ratings also shifted in {more} more {stretches} like these.")
    return sentences


def flagged_features(ero: EROResult) -> list[FeatureResult]:
    """Verdict features whose calibrated p-value is below alpha, most unusual first."""
    flagged = [
        f for f in ero.verdict_features if f.calibrated_p is not None and f.calibrated_p < ero.alpha
    ]
    return sorted(flagged, key=lambda f: (f.calibrated_p, f.name))


def feature_sentence(
    feature: FeatureResult, distribution: Mapping[str, Any] | None, reference_products: int
) -> str:
    """'The 5-star reviews were much shorter than the others (on average 41 characters against
    310); none of the 1,000 reference products looks this uneven.'"""
    body = _difference(feature, distribution) if distribution else None
    if body is None:
        body = f"Reviews of different star levels differ in {feature_noun(feature.name)}"
    return f"{body}; {_rarity(feature.calibrated_p, reference_products)}."


def _rarity(calibrated_p: float | None, reference_products: int) -> str:
    if calibrated_p is None:
        return "this feature is not compared with reference products"
    if calibrated_p * reference_products < 1.0:
        return f"fewer than 1 in {reference_products:,} reference products looks this uneven"
    share = f"{calibrated_p:.1%}" if calibrated_p < 0.01 else f"{calibrated_p:.0%}"
    return f"only about {share} of reference products look this uneven"


def _difference(feature: FeatureResult, distribution: Mapping[str, Any]) -> str | None:
    """How the star level that stands out differs from the others, or None if unclear."""
    pair = feature.driving_pair
    groups = list(distribution.get("groups") or [])
    if pair is None or not groups:
        return None
    if "shares" in distribution:
        return _categorical_difference(feature, distribution, groups, (pair.a, pair.b))
    return _numeric_difference(feature.name, distribution, groups, (pair.a, pair.b))


def _others(values: Sequence[float], counts: Sequence[int], index: int) -> tuple[float, int]:
    """(count-weighted mean of every group but ``index``, their review count)."""
    weights = np.array(counts, dtype=np.float64)
    weights[index] = 0.0
    total = float(weights.sum())
    return (float(np.dot(weights, values) / total) if total else float("nan")), int(total)


def _standout(
    groups: list[int],
    pair: tuple[Hashable, Hashable],
    values: Sequence[float],
    counts: Sequence[int],
    shares: bool,
) -> tuple[int, float, float] | None:
    """(star, its value, the other reviews' value) for the member of the driving pair that
    differs most *clearly* from all other reviews: the larger two-sample z (for shares) or
    log-ratio × √(harmonic size) (for means), so a tiny star group's noise does not win."""
    best = None
    for star in pair:
        if star not in groups:
            continue
        index = groups.index(star)
        rest, n_rest = _others(values, counts, index)
        n = counts[index]
        if not n_rest or not n:
            continue
        value = float(values[index])
        if shares:
            pooled = (value * n + rest * n_rest) / (n + n_rest)
            spread = np.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n + 1 / n_rest))
            score = abs(value - rest) / spread
        else:
            score = abs(np.log1p(max(value, 0.0)) - np.log1p(max(rest, 0.0)))
            score *= np.sqrt(n * n_rest / (n + n_rest))
        if best is None or score > best[0]:
            best = (score, int(star), value, rest)
    return None if best is None else best[1:]


def _numeric_difference(
    name: str, distribution: Mapping[str, Any], groups: list[int], pair: tuple[Hashable, Hashable]
) -> str | None:
    found = _standout(groups, pair, distribution["mean"], distribution["n"], shares=False)
    if found is None:
        return None
    star, value, rest = found
    ratio = (value + 1.0) / (rest + 1.0)
    strong = ratio >= 2.0 or ratio <= 0.5
    default = (
        f"had {{much}} higher {feature_noun(name)} than",
        f"had {{much}} lower {feature_noun(name)} than",
        "",
    )
    higher, lower, unit = _NUMERIC_PHRASES.get(name, default)
    phrase = (higher if value > rest else lower).format(
        much="much" if strong else "somewhat", far="far" if strong else "somewhat"
    )
    unit = f" {unit}" if unit else ""
    return (
        f"The {star}-star reviews {phrase} the others "
        f"(on average {_number(value)}{unit} against {_number(rest)})"
    )


def _categorical_difference(
    feature: FeatureResult,
    distribution: Mapping[str, Any],
    groups: list[int],
    pair: tuple[Hashable, Hashable],
) -> str | None:
    categories = list(distribution["categories"])
    label = _category_label(feature.name, feature.category)
    if label not in categories:
        return None
    column = categories.index(label)
    shares = [row[column] for row in distribution["shares"]]
    found = _standout(groups, pair, shares, distribution["n"], shares=True)
    if found is None:
        return None
    star, share, rest = found
    if feature.name == "verified" and label == "verified":  # say it as the unusual thing
        label, share, rest = "unverified", 1.0 - share, 1.0 - rest
    more = share > rest
    ratio = max(share, rest) / max(min(share, rest), 1e-9)
    often = ("far " if ratio >= 2.0 else "") + ("more" if more else "less") + " often"
    return (
        f"The {star}-star reviews {_category_phrase(feature.name, label)} {often} than the others "
        f"({share:.0%} against {rest:.0%})"
    )


def _category_label(name: str, category: Any) -> Any:
    if name == "verified":
        return "verified" if category in (True, 1, "true", "True") else "unverified"
    if isinstance(category, float) and category.is_integer():
        return int(category)
    return category


def _category_phrase(name: str, label: Any) -> str:
    if name == "verified":
        return (
            "came from unverified accounts" if label == "unverified" else "were verified purchases"
        )
    if name == "day_of_week":
        return f"were posted on a {label}"
    if name == "hour_of_day":
        return f"were posted between {int(label):02d}:00 and {int(label):02d}:59 UTC"
    if name == "country":
        return f"came from reviewers in {label}"
    return f"had {feature_noun(name)} {label}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"
