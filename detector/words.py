"""Every sentence the detector writes, in words a shopper understands (DESIGN §3.4).

The verdict names what is behind its category: a lead that says why ("Two signs of manipulation
together: ..."), the stretches of reviews whose ratings moved ("From 3 May 2021 to 9 May 2021, 61
reviews in a row were clearly more positive than usual ..."), the features whose star levels
differ ("The 5-star reviews were much shorter than the others ...") and who wrote the reviews ("38%
of the 5-star reviews come from accounts with no other review, against 9% of the 1- to 4-star
ones."; "Without the 41 reviews we doubt, the rating is 3.6 (3.4–3.8) instead of 4.4.").
``describe_feature`` says in one sentence what one feature's ERO test found ("1-star and 5-star
reviews differ in review length (p < 0.001): on average 41 characters for 5-star reviews against
310 for 1-star reviews."). Features are named through the table of ``detector.features``; numbers
come from the consistency result, the ERO results, the per-star distributions of
``detector.ero.distributions`` and the reviewer evidence of ``detector.reviewers.evidence``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detector.consistency import ChangeInterval, ConsistencyResult
from detector.consistency.star_window import StarWindow
from detector.ero import EROResult, FeatureResult
from detector.ero.distributions import Distribution
from detector.features import feature, star_list
from detector.reviewers.evidence import Direction, Finding, ReviewerEvidence
from detector.stats import moments
from detector.verdict import Category

__all__ = [
    "MAX_INTERVALS",
    "consistency_sentences",
    "describe_feature",
    "ero_reasons",
    "feature_noun",
    "feature_sentence",
    "flagged_features",
    "format_p",
    "insufficient_headline",
    "lead",
    "one_star_level",
    "readable_date",
    "reviewer_lead",
    "reviewer_sentences",
    "star_list",
    "star_window_lead",
    "star_window_sentence",
    "summary_headline",
    "too_few_reviews",
]

MAX_INTERVALS = 3
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_TRUE = (True, 1, "true", "True")


# --- small pieces -------------------------------------------------------------------------------


def feature_noun(name: str) -> str:
    """What the feature is, in words ("review length")."""
    return feature(name).noun


def format_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def readable_date(moment: np.datetime64) -> str:
    """'3 May 2021'."""
    day = moment.astype("datetime64[D]").item()
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _capitalized(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:]


# --- one feature's ERO test -------------------------------------------------------------------


# Countries whose English name takes "the" in running text ("reviewers in the Netherlands"); the
# patterns below cover the unions, republics and island groups ("the United States", "the Czech
# Republic", "the Cayman Islands"), this set the rest.
_COUNTRIES_WITH_THE = frozenset(
    {"Bahamas", "Comoros", "Gambia", "Maldives", "Netherlands", "Philippines", "Seychelles"}
    | {"Vatican City", "US", "USA", "UK", "UAE"}
)
_WITH_THE_PREFIXES = ("United ", "Republic of ", "Democratic Republic ")
_WITH_THE_SUFFIXES = (" Republic", " Islands")


def country_in_sentence(country: Hashable) -> str:
    """A country's name as it reads after "in": "the United States", "the Netherlands", but
    "Germany". A name that already starts with "the" is kept as it is."""
    text = str(country).strip()
    if text[:4].lower() == "the ":
        return text
    if (
        text in _COUNTRIES_WITH_THE
        or text.startswith(_WITH_THE_PREFIXES)
        or text.endswith(_WITH_THE_SUFFIXES)
    ):
        return f"the {text}"
    return text


def category_phrase(name: str, category: Hashable) -> str:
    """What being in the category means ("posted on a Saturday"), to follow "how many are"."""
    row = feature(name)
    if name == "verified":
        return row.being if category in (*_TRUE, "1") else row.being_not
    if name == "hour_of_day" and not isinstance(category, int):
        return f"{name.replace('_', ' ')} = {category}"
    if name == "country":
        category = country_in_sentence(category)
    if row.being:
        return row.being.format(category=category)
    return f"{name.replace('_', ' ')} = {category}"


def describe_feature(result: FeatureResult, alpha: float = 0.05) -> str:
    """One sentence for one feature's ERO test (see the module docstring)."""
    row = feature(result.name)
    pair = result.driving_pair
    if result.satisfaction is None or pair is None:
        reason = result.notes[-1] if result.notes else f"{row.noun} could not be tested"
        return f"{_capitalized(reason)}."
    if result.satisfaction >= alpha:
        sentence = (
            f"No two star groups differ clearly in {row.noun} "
            f"(smallest adjusted p = {result.satisfaction:.2g})."
        )
    else:
        stars = star_list((pair.a, pair.b))
        p = format_p(result.satisfaction)
        if result.kind == "numeric":
            unit = row.unit or row.noun  # "3.2 helpful votes", where the verdict says "3.2"
            sentence = (
                f"{stars} differ in {row.noun} ({p}): on average {_number(pair.mean_b)} {unit} "
                f"for {pair.b}-star reviews against {_number(pair.mean_a)} "
                f"for {pair.a}-star reviews."
            )
        else:
            phrase = category_phrase(result.name, result.category)
            sentence = (
                f"{stars} differ in how many are {phrase}: {pair.mean_a:.0%} of {pair.a}-star "
                f"reviews against {pair.mean_b:.0%} of {pair.b}-star reviews ({p})."
            )
        sentence = _capitalized(sentence)
    if result.calibrated_p is not None:
        common = "unusual" if result.calibrated_p < alpha else "common"
        calibrated = format_p(result.calibrated_p)
        sentence += f" Compared with other products this is {common} (calibrated {calibrated})."
    return sentence


def ero_reasons(ero: EROResult) -> list[str]:
    """Sentences for the features behind an ERO result, most significant first.

    Verdict features whose calibrated p is below alpha come first, then uncalibrated features
    whose raw S_i is below alpha (labelled as signals outside the verdict).
    """
    flagged = [
        (f.calibrated_p, f)
        for f in ero.verdict_features
        if f.calibrated_p is not None and f.calibrated_p < ero.alpha
    ]
    signals = [
        (f.satisfaction, f)
        for f in ero.features
        if not f.in_verdict and f.satisfaction is not None and f.satisfaction < ero.alpha
    ]
    by_p = sorted(flagged, key=lambda item: item[0]), sorted(signals, key=lambda item: item[0])
    return [describe_feature(f, ero.alpha) for _, f in by_p[0]] + [
        f"(Not used for the verdict) {describe_feature(f, ero.alpha)}" for _, f in by_p[1]
    ]


# --- the verdict's reasons --------------------------------------------------------------------


def too_few_reviews(n: int, min_reviews: int) -> str:
    return (
        f"Only {n} review{'s' if n != 1 else ''}: at least {min_reviews} are needed "
        "to tell a real change from chance."
    )


def one_star_level(ratings: NDArray[np.int64]) -> str:
    """Why no feature can compare star levels: all reviews (but single ones) share one rating."""
    counts = np.bincount(ratings, minlength=6)
    if np.count_nonzero(counts) == 1:
        level = int(np.flatnonzero(counts)[0])
        return f"Every review gives {level} stars, so there are no two star levels to compare."
    repeated = np.flatnonzero(counts >= 2)
    shown = f"{int(repeated[0])}-star" if repeated.size else "no"
    return (
        f"Only {shown} ratings come up more than once, so there are no two star levels to compare."
    )


def lead(
    category: Category,
    consistency: ConsistencyResult,
    ero: EROResult,
    features: list[str],
    *,
    counted: bool = True,
    evidence: float | None = None,
) -> list[str]:
    """The opening sentence that says why this category, before the details. ``counted``: the
    change interval (if any) counts in the rule (its reviews unlike the same stars' others,
    ``detector.verdict``); ``evidence``: the combined calibrated evidence E that decided."""
    satisfaction = ero.satisfaction
    # The feature panel's own scale, so a shopper can place the number (no "ERO" jargon).
    equal = (
        f"(combined score {satisfaction:.2g}, where 1 is ordinary and below 0.1 unusual)"
        if satisfaction is not None
        else ""
    )
    shifted = consistency.pci > 0.0 and counted
    if category == "highly_suspicious" and not shifted:
        strength = (
            f" (combined evidence {evidence:.2g} against comparable products; below 0.002 is "
            "highly unusual)"
            if evidence is not None
            else ""
        )
        return [
            "No stretch of ratings gives it away, but who wrote the reviews of one star level, "
            f"and how, differs far more than on comparable products{strength}: this is how fake "
            "reviews spread over a product's life look."
        ]
    if category == "suspicious" and consistency.pci > 0.0 and not counted:
        return [
            "The ratings shifted, and that stretch's reviews look like the product's other reviews "
            "of the same stars; but reviews of different star levels differ far more than on "
            f"comparable products {equal}."
        ]
    if category == "highly_suspicious":
        return [
            "Two signs of manipulation together: the ratings shifted in a way that stands out, "
            "and reviews of different star levels differ far more than on comparable products "
            f"{equal}."
        ]
    if category == "normal" and consistency.pci == 0.0:
        steady = (
            "The ratings stayed steady over time: no stretch of reviews moved the average "
            "enough to stand out."
        )
        if features:
            steady += (
                " Some star levels differ a little from the others (below), but without a shift "
                "in the ratings that is no sign of manipulation."
            )
        return [steady]
    if category == "normal":
        return [
            "The ratings shifted, but reviews of every star level look alike in when, where and "
            f"by whom they were written {equal}: what a real change in the product looks like."
        ]
    if consistency.pci == 0.0:
        return [
            "The average rating did not shift, but reviews of different star levels differ far "
            f"more than on comparable products {equal}: this is how fake reviews on an "
            "already well-rated product look."
        ]
    if satisfaction is None:
        untested = ", ".join(feature_noun(f.name) for f in ero.features) or "no feature"
        return [
            "The ratings shifted in a way that stands out, and the reviews could not be compared "
            f"with reference products ({untested}), so manipulation cannot be ruled out."
        ]
    detail = (
        ""
        if features
        else " No single feature stands out, but together they are not convincingly equal."
    )
    return [
        "The ratings shifted in a way that stands out, and reviews of different star levels "
        f"differ somewhat {equal}.{detail}"
    ]


def interval_sentence(
    interval: ChangeInterval,
    ratings: NDArray[np.float64],
    dates: NDArray[np.datetime64] | None,
    mean: float,
) -> str:
    """One change interval: when, how many reviews, which way and by how much."""
    inside = moments.mean(ratings[interval.start : interval.end + 1])  # float(·.mean()) exactly
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


_WINDOW_MARKS = {
    "unverified": "unverified purchases",
    "new_account": "from accounts with no other reviews",
    "clock": "posted at other hours of the day",
    "weekday": "posted on weekdays",
}


def star_window_sentence(
    window: StarWindow, ratings: NDArray[np.int64], dates: NDArray[np.datetime64] | None
) -> str:
    """The star window (``detector.consistency.star_window``): when, how many reviews, which star
    share rose, and what sets its reviews apart from the same stars' reviews elsewhere."""
    stars = "4- and 5-star" if window.side == "top" else "1- and 2-star"
    inside = ratings[window.start : window.end + 1]
    hit = (inside >= 4) if window.side == "top" else (inside <= 2)
    rest = np.concatenate([ratings[: window.start], ratings[window.end + 1 :]])
    hit_rest = (rest >= 4) if window.side == "top" else (rest <= 2)
    if dates is None:
        when = f"Reviews {window.start + 1} to {window.end + 1}"
    else:
        first, last = readable_date(dates[window.start]), readable_date(dates[window.end])
        when = f"On {first}" if first == last else f"From {first} to {last}"
    apart = [_WINDOW_MARKS[name] for name, z in window.contrasts.items() if z >= 2.0]
    unlike = (
        f"and, star for star, more of them than of the other reviews were {_listed(apart)}"
        if apart
        else "and they differ from the same stars' other reviews"
    )
    return (
        f"{when}, {_plural(window.length, 'review')} carried more {stars} ratings than usual "
        f"({hit.mean():.0%} against {hit_rest.mean():.0%} otherwise), {unlike} "
        f"({format_p(window.p)}, against this product's own reviews)."
    )


def star_window_lead(side: str) -> str:
    """The opening sentence when the star window alone decided the category."""
    stars = "4- and 5-star" if side == "top" else "1- and 2-star"
    way = "raise" if side == "top" else "lower"
    return (
        f"One stretch of time stands out: it carried more {stars} ratings than usual, and its "
        "reviews were written differently from this product's other reviews of the same stars. "
        f"This is how a campaign looks that tries to {way} the rating without being noticed."
    )


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def consistency_sentences(
    consistency: ConsistencyResult, dates: NDArray[np.datetime64] | None
) -> list[str]:
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
        (f.calibrated_p, f)
        for f in ero.verdict_features
        if f.calibrated_p is not None and f.calibrated_p < ero.alpha
    ]
    return [f for _, f in sorted(flagged, key=lambda item: (item[0], item[1].name))]


def feature_sentence(
    result: FeatureResult, distribution: Distribution | None, reference_products: int
) -> str:
    """'The 5-star reviews were much shorter than the others (on average 41 characters against
    310); none of the 1,000 reference products looks this uneven.'"""
    body = _difference(result, distribution) if distribution else None
    if body is None:
        body = f"Reviews of different star levels differ in {feature_noun(result.name)}"
    return f"{body}; {_rarity(result.calibrated_p, reference_products)}."


def _rarity(calibrated_p: float | None, reference_products: int) -> str:
    if calibrated_p is None:
        return "this feature is not compared with reference products"
    if calibrated_p * reference_products < 1.0:
        return f"fewer than 1 in {reference_products:,} reference products looks this uneven"
    share = f"{calibrated_p:.1%}" if calibrated_p < 0.01 else f"{calibrated_p:.0%}"
    return f"only about {share} of reference products look this uneven"


def _difference(result: FeatureResult, distribution: Distribution) -> str | None:
    """How the star level that stands out differs from the others, or None if unclear."""
    pair = result.driving_pair
    groups = [int(g) for g in distribution.get("groups") or []]
    if pair is None or not groups:
        return None
    if "shares" in distribution:
        return _categorical_difference(result, distribution, groups, (pair.a, pair.b))
    return _numeric_difference(result.name, distribution, groups, (pair.a, pair.b))


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
    best: tuple[float, int, float, float] | None = None
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
            score = float(abs(value - rest) / spread)
        else:
            score = abs(float(np.log1p(max(value, 0.0)) - np.log1p(max(rest, 0.0))))
            score *= float(np.sqrt(n * n_rest / (n + n_rest)))
        if best is None or score > best[0]:
            best = (score, groups[index], value, rest)
    return None if best is None else best[1:]


def _numeric_difference(
    name: str, distribution: Distribution, groups: list[int], pair: tuple[Hashable, Hashable]
) -> str | None:
    found = _standout(groups, pair, distribution["mean"], distribution["n"], shares=False)
    if found is None:
        return None
    star, value, rest = found
    ratio = (value + 1.0) / (rest + 1.0)
    strong = ratio >= 2.0 or ratio <= 0.5
    row = feature(name)
    phrase = (row.higher if value > rest else row.lower).format(
        much="much" if strong else "somewhat", far="far" if strong else "somewhat"
    )
    unit = f" {row.unit}" if row.unit else ""
    return (
        f"The {star}-star reviews {phrase} the others "
        f"(on average {_number(value)}{unit} against {_number(rest)})"
    )


def _categorical_difference(
    result: FeatureResult,
    distribution: Distribution,
    groups: list[int],
    pair: tuple[Hashable, Hashable],
) -> str | None:
    categories = list(distribution["categories"])
    label = _category_label(result.name, result.category)
    if label not in categories:
        return None
    column = categories.index(label)
    shares = [row[column] for row in distribution["shares"]]
    found = _standout(groups, pair, shares, distribution["n"], shares=True)
    if found is None:
        return None
    star, share, rest = found
    hour_block = int(distribution.get("hour_block", 1))
    if result.name == "verified" and label == "verified":  # say it as the unusual thing
        label, share, rest = "unverified", 1.0 - share, 1.0 - rest
    more = share > rest
    ratio = max(share, rest) / max(min(share, rest), 1e-9)
    often = ("far " if ratio >= 2.0 else "") + ("more" if more else "less") + " often"
    return (
        f"The {star}-star reviews {_were(result.name, label, hour_block)} {often} than the others "
        f"({share:.0%} against {rest:.0%})"
    )


def _category_label(name: str, category: Any) -> Any:
    """The category as the distribution labels it (``detector.ero.distributions``)."""
    if name == "verified":
        return "verified" if category in _TRUE else "unverified"
    if isinstance(category, float) and category.is_integer():
        return int(category)
    return category


def _were(name: str, label: Any, hour_block: int = 1) -> str:
    """What the reviews in the category did, to follow "The 5-star reviews"."""
    row = feature(name)
    if name == "verified":
        return row.were_not if label == "unverified" else row.were
    if name == "hour_of_day":  # a one-hour category, or a block of ``hour_block`` hours
        start = int(label)
        return row.were.format(category=start, end=start + hour_block - 1)
    if name == "country":
        label = country_in_sentence(label)
    if row.were:
        return row.were.format(category=label)
    return f"had {row.noun} {label}"


# --- who wrote the reviews (detector.reviewers.evidence) ---------------------------------------

_REST = {"5": "1- to 4-star", "1": "2- to 5-star"}


def reviewer_sentences(evidence: ReviewerEvidence) -> tuple[str, ...]:
    """One sentence per finding of the reviewer analysis, in its order; never names a reviewer."""
    return tuple(_reviewer_sentence(finding) for finding in evidence.findings)


def _reviewer_sentence(finding: Finding) -> str:
    f = finding.figures
    if finding.code in ("boost_lean", "badmouth_lean"):
        sentence = (
            f"{_percent(f['share'])} of the {f['stars']}-star reviews come from accounts with no "
            "other review, "
            f"against {_percent(f['rest_share'])} of the {_REST[str(f['stars'])]} ones."
        )
        verified, rest = f.get("verified_share"), f.get("rest_verified_share")
        if isinstance(verified, float) and isinstance(rest, float) and rest - verified >= 0.1:
            sentence += (
                f" {_percent(verified)} of the {f['stars']}-star reviews are verified purchases, "
                f"against {_percent(rest)} of the others."
            )
        return sentence
    if finding.code == "suspect_share":
        return (
            f"{_percent(f['share'])} of the reviews are ones we doubt, against "
            f"{_percent(f['base'])} across all the products compared."
        )
    if finding.code == "adjusted_rating":
        doubted = int(f["doubted"] or 0)
        without = (
            f"Without the {_plural(doubted, 'review')} we doubt"
            if doubted
            else "Giving less weight to the reviews we doubt"
        )
        return (
            f"{without}, the rating is {f['adjusted']:.1f} ({f['low']:.1f}–{f['high']:.1f}) "
            f"instead of {f['plain']:.1f}."
        )
    if finding.code == "established_agree":
        return (
            f"Reviewers with other reviews behind them give it 1 star too "
            f"({_percent(f['share'])} of their reviews, {_percent(f['all'])} of all), "
            "so its 1-star reviews are not discounted."
        )
    raise ValueError(f"no sentence for reviewer finding {finding.code!r}")


def _percent(share: object) -> str:
    assert isinstance(share, float | int)
    return f"{share:.0%}"


def reviewer_lead(raised_to: Category, direction: Direction) -> str:
    """The opening sentence when the reviewer evidence raised the category to ``raised_to``."""
    way = "up" if direction == "inflated" else "down"
    if raised_to == "highly_suspicious":
        return (
            "Two signs of manipulation agree: the ratings stand out, and reviews from accounts "
            f"we doubt pushed the rating {way}."
        )
    return (
        f"Who wrote the reviews gives this product away: reviews from accounts we doubt pushed "
        f"its rating {way}, although its ratings alone look ordinary."
    )


# --- the headline (detector.summary) ----------------------------------------------------------


def insufficient_headline(n: int, min_reviews: int, reasons: Sequence[str] = ()) -> str:
    if n < min_reviews or not reasons:
        return (
            f"Too few reviews to judge: {_plural(n, 'review')}, and we need at least {min_reviews}."
        )
    return f"We cannot judge these reviews yet. {reasons[0]}"


def summary_headline(
    grade: str,
    direction: str,
    shop: float,
    adjusted: float,
    interval: tuple[float, float] | None,
) -> str:
    """One sentence a shopper reads first: which way the rating leans and what it would be."""
    without = f"{adjusted:.1f}" + ("" if interval is None else f" ({_stars_range(interval)})")
    if grade == "A":
        return f"The rating of {shop:.1f} looks trustworthy: we found no sign of manipulation."
    if grade == "B":
        return (
            f"The rating of {shop:.1f} looks trustworthy; weighing each review by its writer's "
            f"track record gives {without}."
        )
    if direction in ("inflated", "deflated"):
        return (
            f"The rating looks {direction}: {shop:.1f} in the shop, about {without} without "
            "the reviews we doubt."
        )
    return (
        f"Some reviews look manipulated, but they hardly move the rating: {shop:.1f} in the shop, "
        f"about {without} without the reviews we doubt."
    )


def _stars_range(interval: tuple[float, float]) -> str:
    low, high = (min(max(value, 1.0), 5.0) for value in interval)
    return f"{low:.1f}–{high:.1f}"
