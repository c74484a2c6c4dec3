"""Review titles and bodies from small word banks.

Genuine reviews are built to a target length drawn per review (log-normal, longer for critical
reviews), from an opener that matches the star level followed by distinct sentences of that star's
bank. Fake reviews are one or two short, generic phrases reused across the campaign: the short,
interchangeable texts that paid reviews show.

Everything here is vectorised per product: the random draws are numpy arrays and the only
per-review Python work is one ``str.join``, so millions of reviews stay cheap.
"""

from collections.abc import Mapping
from functools import lru_cache
from math import gcd

import numpy as np

_POSITIVE = (
    "It does exactly what I hoped it would do.",
    "The build quality is much better than I expected at this price.",
    "Setup took about five minutes and the instructions were clear.",
    "I have used it almost every day for a month and it still works like new.",
    "My partner liked this {noun} so much that we ordered a second one.",
    "It feels solid and well made, nothing rattles or creaks.",
    "Honestly one of the better purchases I have made this year.",
    "It replaced an older {noun} I had and is a clear step up.",
    "The size is just right and it fits where I needed it to.",
    "Packaging was neat and nothing was damaged in shipping.",
    "Performance has been consistent since the first day.",
    "You can tell somebody actually thought about how people would use it.",
    "For the money I do not think you can do better.",
    "It arrived a day early and worked straight out of the box.",
    "I was skeptical after reading a few complaints, but mine has been great.",
    "Cleaning it is quick and easy.",
    "The finish looks nicer in person than in the photos.",
    "It has held up well to daily use by two kids.",
)
_CAVEATS = (
    "My only complaint is that it could be a little sturdier.",
    "It is a bit heavier than I expected.",
    "The instructions could be clearer, but I figured it out.",
    "The color is slightly different from the pictures.",
    "It takes a little getting used to at first.",
    "I wish it came with a storage bag.",
    "It is a little bulkier than my old one.",
    "Customer service took a few days to answer a simple question.",
)
_MIXED = (
    "It works, but it is nothing special.",
    "Some parts feel cheap while others are surprisingly sturdy.",
    "It is fine for occasional use, I would not rely on it every day.",
    "The {noun} is okay for the price, just do not expect premium quality.",
    "After a few weeks one part started to wobble.",
    "It does the job, though the description oversells it a bit.",
    "I had to return the first one, the replacement has been better.",
    "It looks good but the performance is only average.",
)
_NEGATIVE = (
    "It stopped working after about three weeks of normal use.",
    "The quality is nowhere near what the photos suggest.",
    "I contacted the seller twice and never got a useful answer.",
    "Parts of it arrived scratched and one piece was missing.",
    "One piece broke the first time I used it.",
    "The {noun} is much smaller and flimsier than described.",
    "I followed the instructions exactly and it still does not work properly.",
    "The return process took weeks and I had to pay for shipping.",
    "Mine started falling apart in the second week.",
    "The finish started peeling off almost immediately.",
    "It worked for a few days and then died completely.",
    "I expected more from {brand}, their older products were much better.",
    "The replacement they sent had exactly the same problem.",
    "Save yourself the trouble and spend a little more on something better.",
)
_CONTEXT = (
    "I bought this {noun} to replace one that finally wore out after years.",
    "We mostly use it on weekends.",
    "I compared a few options before picking this one.",
    "I have had it for about two months now.",
    "It was a gift for my dad, who uses it all the time.",
    "I ordered it during a sale.",
    "I read a lot of reviews before deciding.",
    "We keep it in a small apartment, so space matters.",
    "I use it mainly for work, a few hours a day.",
    "This is my second {noun} from {brand}.",
)
_OPENERS = {
    5: (
        "Love this {noun}!",
        "Exactly what I was looking for.",
        "Really impressed.",
        "Great {noun}, would buy again.",
        "Five stars from me.",
        "Very happy with this purchase.",
    ),
    4: (
        "Very good {noun} overall.",
        "Pretty happy with it.",
        "Solid choice, with one small issue.",
        "Good value for the money.",
        "Almost perfect.",
    ),
    3: (
        "It is okay.",
        "Mixed feelings about this one.",
        "Decent, but not great.",
        "Average {noun}.",
        "Does the job, barely.",
    ),
    2: (
        "Disappointed.",
        "Not what I expected.",
        "I wanted to like this {noun}.",
        "Would not buy again.",
        "Below average.",
    ),
    1: (
        "Do not buy this {noun}.",
        "Very disappointed.",
        "Complete waste of money.",
        "Broke too quickly.",
        "Returned it.",
        "Avoid.",
    ),
}
_OPINIONS_BY_STAR = {
    5: _POSITIVE,
    4: _POSITIVE + _CAVEATS,
    3: _MIXED + _CAVEATS,
    2: _NEGATIVE + _MIXED,
    1: _NEGATIVE,
}
_TITLES = {
    5: (
        "Exactly what I needed",
        "Love it",
        "Great quality",
        "Highly recommend",
        "Best {noun} I have owned",
        "Worth every penny",
        "So glad I bought this",
    ),
    4: (
        "Very good, minor issues",
        "Good value",
        "Solid {noun}",
        "Happy with it",
        "Nearly perfect",
    ),
    3: ("It's okay", "Average", "Does the job", "Mixed feelings", "Fine for the price"),
    2: ("Disappointed", "Not as described", "Cheaply made", "Expected better", "Meh"),
    1: (
        "Stopped working",
        "Waste of money",
        "Do not buy",
        "Broke after a few weeks",
        "Terrible quality",
        "Returned it",
    ),
}
_FAKE_PHRASES = {
    5: (
        "Great product! Highly recommend.",
        "Love it!",
        "Excellent quality.",
        "Works great, very happy.",
        "Best purchase ever!!",
        "Amazing {noun}, exactly as described.",
        "Fast shipping and great quality.",
        "Five stars!",
        "Perfect, would buy again.",
        "Super happy with this purchase!",
        "Must buy!!!",
        "Very good product.",
    ),
    1: (
        "Terrible product. Do not buy.",
        "Waste of money.",
        "Broke after one day.",
        "Cheap quality, returning it.",
        "Worst purchase ever.",
        "Do not waste your money!",
        "Fake product, not as described.",
        "Complete junk.",
        "Very bad.",
        "Stopped working immediately.",
    ),
}
_FAKE_TITLES = {
    5: ("Five Stars", "Great product!", "Love it", "Highly recommend", "Awesome!!", "Perfect"),
    1: ("One Star", "Terrible", "Do not buy", "Junk", "Waste of money", "Scam"),
}
# Median body length in characters per star level: critical reviews explain themselves at length.
_MEDIAN_LENGTH = {1: 290, 2: 300, 3: 250, 4: 210, 5: 160}
_LENGTH_SIGMA = 0.8
_MEAN_SENTENCE_CHARS = 58


@lru_cache(maxsize=1024)
def _fill(templates: tuple[str, ...], noun: str = "", brand: str = "") -> tuple[str, ...]:
    """The templates with the product's noun and brand filled in (cached: products share them)."""
    return tuple(template.format(noun=noun, brand=brand) for template in templates)


def _coprime_strides(size: int) -> np.ndarray:
    return np.array([step for step in range(1, max(size, 2)) if gcd(step, size) == 1])


def _walks(rng: np.random.Generator, count: int, bank_size: int, width: int) -> list[list[int]]:
    """Per review, the first ``width`` of a no-repeat walk over the bank (random start, stride)."""
    strides = _coprime_strides(bank_size)
    first = rng.integers(0, bank_size, size=(count, 1))
    stride = strides[rng.integers(0, strides.size, size=(count, 1))]
    walks: list[list[int]] = (
        (first + stride * np.arange(min(width, bank_size))) % bank_size
    ).tolist()
    return walks


def genuine_texts(
    rng: np.random.Generator, ratings: np.ndarray, *, noun: str, brand: str
) -> list[str]:
    """Bodies of genuine reviews, one per rating, with log-normal lengths that depend on stars.

    The target length is ``median[star] · LogNormal(0, 0.8)`` characters: an opener for the star
    level, then as many distinct sentences as fill it, about a quarter of them context ("I have
    had it for two months") and the rest opinions from the star level's bank.
    """
    medians = np.array([0, *(_MEDIAN_LENGTH[star] for star in range(1, 6))], dtype=float)
    targets = medians[ratings] * rng.lognormal(0.0, _LENGTH_SIGMA, size=ratings.size)
    sentences = np.maximum(np.rint(targets / _MEAN_SENTENCE_CHARS).astype(np.int64) - 1, 0)
    context_counts = np.minimum(rng.binomial(sentences, 0.25), len(_CONTEXT))
    context = _fill(_CONTEXT, noun, brand)
    context_walks = _walks(rng, ratings.size, len(context), int(context_counts.max(initial=0)))
    n_context = context_counts.tolist()
    texts: list[str] = [""] * ratings.size
    for star in range(1, 6):
        (where,) = np.nonzero(ratings == star)
        if where.size == 0:
            continue
        openers = _fill(_OPENERS[star], noun, brand)
        opinions = _fill(_OPINIONS_BY_STAR[star], noun, brand)
        opener_pick = rng.integers(0, len(openers), size=where.size).tolist()
        opinion_counts = np.minimum(sentences[where] - context_counts[where], len(opinions))
        walks = _walks(rng, where.size, len(opinions), int(opinion_counts.max(initial=0)))
        for j, (index, n_opinions) in enumerate(
            zip(where.tolist(), opinion_counts.tolist(), strict=True)
        ):
            body = [context[k] for k in context_walks[index][: n_context[index]]]
            body += [opinions[k] for k in walks[j][:n_opinions]]
            texts[index] = " ".join([openers[opener_pick[j]], *body])
    return texts


def genuine_titles(rng: np.random.Generator, ratings: np.ndarray, *, noun: str) -> list[str]:
    """Short headlines in the reviewer's own words, matching the star level."""
    return _pick_per_star(rng, ratings, _TITLES, noun)


def fake_texts(rng: np.random.Generator, ratings: np.ndarray, *, noun: str) -> list[str]:
    """One or two generic phrases per fake review (ratings must be 1 or 5).

    Campaign texts are short and interchangeable, so the same phrases recur across reviews.
    """
    first = _pick_per_star(rng, ratings, _FAKE_PHRASES, noun)
    second = _pick_per_star(rng, ratings, _FAKE_PHRASES, noun)
    two = (rng.random(ratings.size) < 0.3).tolist()
    return [
        f"{a} {b}" if both and a != b else a for a, b, both in zip(first, second, two, strict=True)
    ]


def fake_titles(rng: np.random.Generator, ratings: np.ndarray) -> list[str]:
    """Stock titles such as Amazon's old automatic "Five Stars"."""
    return _pick_per_star(rng, ratings, _FAKE_TITLES)


def _pick_per_star(
    rng: np.random.Generator,
    ratings: np.ndarray,
    banks: Mapping[int, tuple[str, ...]],
    noun: str = "",
) -> list[str]:
    picked: list[str] = [""] * ratings.size
    for star, templates in banks.items():
        (where,) = np.nonzero(ratings == star)
        if where.size == 0:
            continue
        choices = _fill(templates, noun)
        for index, k in zip(
            where.tolist(), rng.integers(0, len(choices), where.size).tolist(), strict=True
        ):
            picked[index] = choices[k]
    return picked
