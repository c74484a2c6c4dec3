"""Plain-words sentences for ERO results, for shoppers reading the verdict page.

"1-star and 5-star reviews differ in review length (p < 0.001): on average 41 characters for
5-star reviews against 310 for 1-star reviews."
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detector.ero import FeatureResult

__all__ = ["category_phrase", "describe_feature", "feature_noun", "format_p", "star_list"]

# name → (what the feature is, in words; the unit of its values)
_NUMERIC_WORDS = {
    "text_length": ("review length", "characters"),
    "helpful_votes": ("helpful votes", "helpful votes"),
    "reviewer_review_count": ("how many reviews the reviewers have written", "reviews"),
}
_CATEGORICAL_NOUNS = {
    "day_of_week": "the day of the week they were posted",
    "hour_of_day": "the hour they were posted",
    "country": "the reviewers' country",
    "verified": "verified purchases",
}


def feature_noun(name: str) -> str:
    """What the feature is, in words ("review length")."""
    if name in _NUMERIC_WORDS:
        return _NUMERIC_WORDS[name][0]
    return _CATEGORICAL_NOUNS.get(name, name.replace("_", " "))


def star_list(stars: Iterable[int]) -> str:
    """ "1-star reviews", "1-star and 3-star reviews", "1-star, 2-star and 3-star reviews"."""
    names = [f"{int(star)}-star" for star in stars]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{joined} reviews"


def format_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def category_phrase(name: str, category: Hashable) -> str:
    """What being in the category means ("posted on a Saturday"), to follow "how many are"."""
    if name == "day_of_week":
        return f"posted on a {category}"
    if name == "hour_of_day" and isinstance(category, int):
        return f"posted between {category:02d}:00 and {category:02d}:59"
    if name == "country":
        return f"from reviewers in {category}"
    if name == "verified":
        return "verified purchases" if category in (True, "True", "true", 1) else "unverified"
    return f"{name.replace('_', ' ')} = {category}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"


def describe_feature(result: FeatureResult, alpha: float = 0.05) -> str:
    """One sentence for one feature's ERO test; see the module docstring."""
    noun = feature_noun(result.name)
    pair = result.driving_pair
    if result.satisfaction is None or pair is None:
        reason = result.notes[-1] if result.notes else f"{noun} could not be tested"
        return f"{reason[0].upper()}{reason[1:]}."
    if result.satisfaction >= alpha:
        sentence = (
            f"No two star groups differ clearly in {noun} "
            f"(smallest adjusted p = {result.satisfaction:.2g})."
        )
    else:
        stars = star_list((pair.a, pair.b))
        p = format_p(result.satisfaction)
        if result.kind == "numeric":
            unit = _NUMERIC_WORDS.get(result.name, (noun, ""))[1]
            sentence = (
                f"{stars} differ in {noun} ({p}): on average {_number(pair.mean_b)} {unit} "
                f"for {pair.b}-star reviews against {_number(pair.mean_a)} "
                f"for {pair.a}-star reviews."
            )
        else:
            phrase = category_phrase(result.name, result.category)
            sentence = (
                f"{stars} differ in how many are {phrase}: {pair.mean_a:.0%} of {pair.a}-star "
                f"reviews against {pair.mean_b:.0%} of {pair.b}-star reviews ({p})."
            )
        sentence = sentence[0].upper() + sentence[1:]
    if result.calibrated_p is not None:
        common = "unusual" if result.calibrated_p < alpha else "common"
        calibrated = format_p(result.calibrated_p)
        sentence += f" Compared with other products this is {common} (calibrated {calibrated})."
    return sentence
