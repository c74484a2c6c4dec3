"""What the simulator produces: products with their reviews and the ground truth behind them.

Reviews are stored column-wise (:class:`ReviewColumns`, read-only numpy arrays) because that is
what the detector consumes and what keeps millions of reviews cheap;
:attr:`SimulatedProduct.reviews` builds the per-review :class:`SimulatedReview` objects on first
use, for code that wants records.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from functools import cached_property

import numpy as np


@dataclass(frozen=True, slots=True)
class SimulatedReview:
    """One review as a shopper (or a crawler) would see it, plus whether it was planted."""

    review_id: str
    asin: str
    parent_asin: str
    user_id: str
    rating: int
    title: str
    text: str
    posted_at: datetime
    verified_purchase: bool
    helpful_votes: int
    country: str
    reviewer_review_count: int
    is_fake: bool
    vine: bool
    image_count: int
    variant: str


@dataclass(frozen=True, eq=False)
class ReviewColumns:
    """All reviews of one product in arrival order (by ``posted_at``), one array per field."""

    review_id: np.ndarray  # str
    user_id: np.ndarray  # str
    rating: np.ndarray  # int8, 1..5
    title: tuple[str, ...]
    text: tuple[str, ...]
    posted_at: np.ndarray  # datetime64[s], UTC
    verified_purchase: np.ndarray  # bool
    helpful_votes: np.ndarray  # int32
    country: np.ndarray  # str
    reviewer_review_count: np.ndarray  # int32
    is_fake: np.ndarray  # bool
    vine: np.ndarray  # bool
    image_count: np.ndarray  # int8
    variant: np.ndarray  # str
    text_length: np.ndarray = field(init=False)  # int32, characters of ``text``

    def __post_init__(self) -> None:
        lengths = np.fromiter(map(len, self.text), dtype=np.int32, count=len(self.text))
        object.__setattr__(self, "text_length", lengths)
        for column in fields(self):
            value = getattr(self, column.name)
            if isinstance(value, np.ndarray):
                if value.shape != (len(self.text),):
                    raise ValueError(f"column {column.name} has shape {value.shape}")
                value.setflags(write=False)

    def __len__(self) -> int:
        return len(self.text)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReviewColumns):
            return NotImplemented
        return all(
            np.array_equal(getattr(self, column.name), getattr(other, column.name))
            for column in fields(self)
        )

    __hash__ = None  # type: ignore[assignment]  # holds mutable-typed arrays


@dataclass(frozen=True)
class GroundTruth:
    """What the scenario planted, for tests and the detection benchmark.

    Times are UTC. ``window_end`` and ``change_at`` bound half-open intervals; index fields are
    0-based positions in arrival order, the same positions the detector's intervals use.
    """

    scenario: str
    star_mix: tuple[float, ...]  # P(1★..5★) of the genuine reviews (before a change)
    fake_share: float = 0.0  # planted fakes / all reviews
    fake_rating: int | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    fake_index_range: tuple[int, int] | None = None  # first and last fake, inclusive
    change_at: datetime | None = None
    change_index: int | None = None  # first review drawn from ``star_mix_after``
    star_mix_after: tuple[float, ...] | None = None

    @property
    def is_manipulated(self) -> bool:
        return self.fake_share > 0


@dataclass(frozen=True)
class SimulatedProduct:
    """A product listing, its reviews (columns) and the truth about them."""

    asin: str
    parent_asin: str
    title: str
    brand: str
    category: str
    price: float
    list_price: float | None  # shown struck through when the product is discounted
    variants: tuple[str, ...]
    scenario: str
    truth: GroundTruth
    columns: ReviewColumns = field(repr=False, hash=False)

    @property
    def n_reviews(self) -> int:
        return len(self.columns)

    @cached_property
    def reviews(self) -> tuple[SimulatedReview, ...]:
        """The reviews as records, in arrival order (built once, on first access)."""
        c = self.columns
        fields_by_name = {
            "review_id": c.review_id.tolist(),
            "user_id": c.user_id.tolist(),
            "rating": c.rating.tolist(),
            "title": c.title,
            "text": c.text,
            "posted_at": [moment.replace(tzinfo=UTC) for moment in c.posted_at.astype(object)],
            "verified_purchase": c.verified_purchase.tolist(),
            "helpful_votes": c.helpful_votes.tolist(),
            "country": c.country.tolist(),
            "reviewer_review_count": c.reviewer_review_count.tolist(),
            "is_fake": c.is_fake.tolist(),
            "vine": c.vine.tolist(),
            "image_count": c.image_count.tolist(),
            "variant": c.variant.tolist(),
        }
        names = tuple(fields_by_name)
        return tuple(
            SimulatedReview(
                asin=self.asin,
                parent_asin=self.parent_asin,
                **dict(zip(names, values, strict=True)),
            )
            for values in zip(*fields_by_name.values(), strict=True)
        )

    def to_arrays(self) -> Mapping[str, np.ndarray]:
        """The reviews in the shape ``detector.analyze(reviews=...)`` takes (DESIGN §3)."""
        c = self.columns
        return {
            "rating": c.rating.astype(np.int64),
            "posted_at": c.posted_at,
            "text_length": c.text_length,
            "country": c.country,
            "verified": c.verified_purchase,
            "helpful_votes": c.helpful_votes,
            "reviewer_review_count": c.reviewer_review_count,
        }
