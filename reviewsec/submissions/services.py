"""Writes for submitted reviews: store a batch without overwriting anything, cap, analyse, purge.

Submitted reviews are untrusted input. A batch only ever inserts reviews we did not have: a
review id we already hold (crawled, or brought by someone else) is counted as a duplicate and
left exactly as it is. Each new review remembers the submission that first brought it, so a
moderator's purge removes exactly those.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac

from reviewsec.analyses.models import Analysis
from reviewsec.analyses.services import analysis_create
from reviewsec.catalog.models import Product, Review, Reviewer, ReviewSource, ReviewSubmission
from reviewsec.catalog.sellers import product_seller_set

logger = logging.getLogger(__name__)

# The fields a submitted review may set (everything else is ours: product, source, submission).
REVIEW_FIELDS = (
    "rating", "title", "body", "posted_date", "posted_at", "country", "verified_purchase",
    "helpful_votes", "reviewer_name", "variant", "image_count", "vine",
)  # fmt: skip
# The review ids Amazon's pages carry ("R1JR3UADC7EV9R"): the crawler's rule,
# crawler.parsing.reviews._REVIEW_ID, which a test keeps in step with this one. Like the crawler,
# a submission may also carry an id of another shape it found in a page's permalink.
REVIEW_ID_PATTERN = r"^R[0-9A-Z]{5,30}$"
REVIEW_ID_LOOSE_PATTERN = r"^[A-Za-z0-9_-]{4,32}$"
# A reviewer's profile id as stored (extension batches' profile_id, uploads' user_id).
PROFILE_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
EARLIEST_REVIEW_DATE = dt.date(1995, 7, 1)  # Amazon's first customer review


class SubmissionCapExceeded(Exception):
    """The client has sent its day's worth of reviews for this product."""


def client_key_for(*, api_key_id: int | None, ip_address: str) -> str:
    """``key:<id>`` for an API key, else ``ip:<keyed hash>``: we never store the address itself.

    The hash is keyed with SECRET_KEY, so it cannot be reversed by hashing every IPv4 address.
    """
    if api_key_id is not None:
        return f"key:{api_key_id}"
    digest = salted_hmac("reviewsec.submissions.client", ip_address, algorithm="sha256")
    return f"ip:{digest.hexdigest()[:40]}"


def submission_check_cap(*, product: Product, client_key: str, count: int) -> None:
    """Raise ``SubmissionCapExceeded`` when ``count`` more reviews would pass the 24-hour cap."""
    since = timezone.now() - dt.timedelta(days=1)
    sent = ReviewSubmission.objects.filter(
        product=product, client_key=client_key, created_at__gte=since
    ).aggregate(total=Sum(F("accepted") + F("duplicates")))["total"]
    cap = settings.SUBMISSION_DAILY_CAP
    if (sent or 0) + count > cap:
        raise SubmissionCapExceeded(
            f"This client may submit at most {cap} reviews per product per day; "
            f"{sent or 0} were already sent for this product."
        )


def submission_create(
    *,
    marketplace: str,
    asin: str,
    source: ReviewSource,
    client_key: str,
    reviews: list[dict[str, Any]],
    shop_rating_count: int | None = None,
    enforce_cap: bool = True,
    seller_id: str = "",
    seller_name: str = "",
    brand: str = "",
) -> ReviewSubmission:
    """Store the reviews we did not have as one submission; count the rest as duplicates.

    ``reviews`` are validated values: ``review_id``, ``profile_id`` and ``REVIEW_FIELDS``.
    A submitted seller (and brand) is untrusted: it only fills a product whose seller (brand)
    we do not know.
    """
    with transaction.atomic():
        product, _ = Product.objects.get_or_create(marketplace=marketplace, asin=asin)
        # One batch per product at a time: the cap check and the inserts cannot interleave.
        Product.objects.select_for_update().filter(id=product.id).first()
        if enforce_cap:
            submission_check_cap(product=product, client_key=client_key, count=len(reviews))
        submission = ReviewSubmission.objects.create(
            product=product,
            source=source,
            client_key=client_key,
            shop_rating_count=shop_rating_count,
        )
        _insert_new_reviews(submission, reviews)
        product_seller_set(
            product=product, seller_id=seller_id, name=seller_name, only_if_unknown=True
        )
        if brand and not product.brand:
            product.brand = brand
            product.save(update_fields=["brand", "updated_at"])
        submission.accepted = submission.reviews.count()
        submission.duplicates = len(reviews) - submission.accepted
        submission.save(update_fields=["accepted", "duplicates"])
    return submission


def _insert_new_reviews(submission: ReviewSubmission, reviews: list[dict[str, Any]]) -> None:
    product = submission.product
    unique = {review["review_id"]: review for review in reversed(reviews)}  # first one wins
    held = set(
        Review.objects.filter(marketplace=product.marketplace, review_id__in=unique).values_list(
            "review_id", flat=True
        )
    )
    fresh = [review for review_id, review in unique.items() if review_id not in held]
    reviewers = _reviewers(product.marketplace, fresh)
    rows = [
        Review(
            marketplace=product.marketplace,
            review_id=review["review_id"],
            product=product,
            reviewer=reviewers.get(review.get("profile_id") or ""),
            source=submission.source,
            submission=submission,
            **{name: review[name] for name in REVIEW_FIELDS if name in review},
        )
        for review in fresh
    ]
    # A concurrent batch may insert one of these ids first: the database keeps theirs.
    Review.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def _reviewers(marketplace: str, reviews: Iterable[dict[str, Any]]) -> dict[str, Reviewer]:
    """The reviewers the reviews name, created when new; an existing profile is never edited."""
    names = {r["profile_id"]: r.get("reviewer_name", "") for r in reviews if r.get("profile_id")}
    found = {
        reviewer.profile_id: reviewer
        for reviewer in Reviewer.objects.filter(marketplace=marketplace, profile_id__in=names)
    }
    Reviewer.objects.bulk_create(
        [
            Reviewer(marketplace=marketplace, profile_id=profile_id, display_name=name[:255])
            for profile_id, name in names.items()
            if profile_id not in found
        ],
        ignore_conflicts=True,
    )
    return {
        reviewer.profile_id: reviewer
        for reviewer in Reviewer.objects.filter(marketplace=marketplace, profile_id__in=names)
    }


def submission_analyse(*, product: Product, note: str = "") -> Analysis:
    """Analyse the product's stored reviews, saying where they came from (``collection``)."""
    collection: dict[str, Any] = {"note": note} if note else {}
    if product.shop_rating_count is None:
        reported = (
            product.submissions.filter(purged_at=None, shop_rating_count__isnull=False)
            .order_by("-created_at")
            .values_list("shop_rating_count", flat=True)
            .first()
        )
        if reported is not None:
            collection.update(shop_rating_count=reported, shop_rating_count_source="extension")
    else:
        collection["shop_rating_count_source"] = "crawler"
    return analysis_create(product=product, collection=collection)


@dataclass(frozen=True)
class PurgeResult:
    submissions: int
    reviews_deleted: int
    products: list[Product]


def submissions_purge(*, submission_ids: Iterable[int], actor: str) -> PurgeResult:
    """Delete the reviews these submissions first brought, mark them purged, re-analyse."""
    with transaction.atomic():
        ids = list(
            ReviewSubmission.objects.select_for_update()
            .filter(id__in=list(submission_ids), purged_at=None)
            .values_list("id", flat=True)
        )
        products = list(Product.objects.filter(submissions__id__in=ids).distinct())
        deleted, _ = Review.objects.filter(submission_id__in=ids).delete()
        ReviewSubmission.objects.filter(id__in=ids).update(purged_at=timezone.now())
    for product in products:
        submission_analyse(
            product=product, note="Re-analysed after a moderator removed submitted reviews."
        )
    logger.warning(
        "%s purged submissions %s: %d reviews deleted, %d products re-analysed",
        actor,
        ids,
        deleted,
        len(products),
    )
    return PurgeResult(submissions=len(ids), reviews_deleted=deleted, products=products)
