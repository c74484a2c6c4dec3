"""Input checked at the edge (one serializer per request body), and the response shapes.

The output serializers only describe the bodies for the OpenAPI schema; the bodies themselves
are built by ``presenters``, and schemathesis checks that the two agree.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from marketplaces import InvalidProductRef, ProductRef, parse_product_ref, resolve_product_ref
from reviewsec.analyses.models import Analysis, Category, JobState
from reviewsec.catalog import limits
from reviewsec.catalog.marketplaces import demo_extra_hosts
from reviewsec.submissions.sellers import SELLER_ID_PATTERN
from reviewsec.submissions.services import (
    EARLIEST_REVIEW_DATE,
    PROFILE_ID_PATTERN,
    REVIEW_ID_LOOSE_PATTERN,
)


class StrictCharField(serializers.CharField):
    """A string and only a string: DRF's CharField would quietly turn 42 or 1.5 into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: DRF's IntegerField would take "5", 5.0 and true."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """``true`` or ``false`` only: DRF's BooleanField would take "yes", 1 and "on"."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class NoExtraFieldsSerializer(serializers.Serializer):
    """Refuse keys we do not know, so nothing else (cookies, account details) slips in unseen."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            extra = sorted(set(data) - set(self.fields))
            if extra:
                raise serializers.ValidationError(
                    {str(extra[0]): ["This field is not accepted here."]}
                )
        return super().to_internal_value(data)


# --- Input ------------------------------------------------------------------------------------


class ByUrlSerializer(serializers.Serializer):
    url = StrictCharField(max_length=2048, help_text="An Amazon product link (short links too).")


class ByAsinSerializer(serializers.Serializer):
    asin = StrictCharField(min_length=10, max_length=10, help_text="The 10-character ASIN.")
    marketplace = StrictCharField(
        required=False, max_length=32, help_text="Marketplace domain; default amazon.com."
    )


class AnalysisRequestSerializer(serializers.Serializer):
    """``{"url": ...}`` or ``{"asin": ..., "marketplace": ...}``, resolved to a ``ProductRef``."""

    url = StrictCharField(required=False, max_length=2048)
    asin = StrictCharField(required=False, min_length=10, max_length=10)
    marketplace = StrictCharField(required=False, max_length=32)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        url, asin = attrs.get("url"), attrs.get("asin")
        if (url is None) == (asin is None):
            raise serializers.ValidationError('Send either "url" or "asin" (with "marketplace").')
        if url is not None and "marketplace" in attrs:
            raise serializers.ValidationError(
                '"marketplace" goes with "asin"; a URL names its own.'
            )
        try:
            if url is not None:
                ref = resolve_product_ref(url, extra_hosts=demo_extra_hosts())
            else:
                ref = product_ref_from_asin(asin, attrs.get("marketplace", "amazon.com"))
        except InvalidProductRef as error:
            field = "url" if url is not None else "asin"
            raise serializers.ValidationError(
                {field: [ErrorDetail(str(error), code="invalid_product")]}
            ) from error
        return {"ref": ref}


BARE_ASIN = re.compile(r"[A-Za-z0-9]{10}")


def product_ref_from_asin(asin: str, marketplace: str) -> ProductRef:
    """A bare ASIN on a marketplace; refuses anything else ``parse_product_ref`` would accept.

    The shape is checked first, so "0" or "127.0.0.1" is never read as a link to a host.
    """
    if not isinstance(asin, str) or not BARE_ASIN.fullmatch(asin.strip()):
        raise InvalidProductRef(
            f"{str(asin)[:40]!r} is not an ASIN: an ASIN is 10 letters and digits, "
            "such as B0BBPNPZTC."
        )
    ref = parse_product_ref(asin, marketplace, extra_hosts=demo_extra_hosts())
    if ref.asin != asin.strip().upper():
        raise InvalidProductRef("Send a bare 10-character ASIN, not a link.")
    return ref


class SubmittedReviewSerializer(NoExtraFieldsSerializer):
    """One review as the extension read it from the shop's review list; never account data."""

    review_id = StrictCharField(
        max_length=limits.REVIEW_ID_MAX,
        validators=[
            RegexValidator(REVIEW_ID_LOOSE_PATTERN, "Not a review id (4-32 of A-Z a-z 0-9 _ -).")
        ],
    )
    rating = StrictIntegerField(min_value=1, max_value=5)
    # Lengths: reviewsec.catalog.limits (shared with uploads and the crawler). CharField
    # refuses NUL characters itself.
    title = StrictCharField(
        max_length=limits.TITLE_MAX, allow_blank=True, trim_whitespace=False, default=""
    )
    body = StrictCharField(
        max_length=limits.BODY_MAX, allow_blank=True, trim_whitespace=False, default=""
    )
    posted_date = serializers.DateField(input_formats=["%Y-%m-%d"])
    country = StrictCharField(max_length=limits.COUNTRY_MAX, allow_blank=True, default="")
    verified_purchase = StrictBooleanField(default=False)
    helpful_votes = StrictIntegerField(min_value=0, max_value=limits.HELPFUL_VOTES_MAX, default=0)
    reviewer_name = StrictCharField(
        max_length=limits.REVIEWER_NAME_MAX, allow_blank=True, default=""
    )
    profile_id = StrictCharField(
        max_length=limits.PROFILE_ID_MAX,
        allow_blank=True,
        default="",
        validators=[RegexValidator(PROFILE_ID_PATTERN, "Not a profile id.")],
    )
    variant = StrictCharField(max_length=limits.VARIANT_MAX, allow_blank=True, default="")
    image_count = StrictIntegerField(min_value=0, max_value=limits.IMAGE_COUNT_MAX, default=0)
    vine = StrictBooleanField(default=False)

    def validate_posted_date(self, value: dt.date) -> dt.date:
        # A day of slack: the shop's calendar may be ahead of UTC.
        if value > timezone.now().date() + dt.timedelta(days=1):
            raise serializers.ValidationError("The date is in the future.")
        if value < EARLIEST_REVIEW_DATE:
            raise serializers.ValidationError("The date is before Amazon had reviews.")
        return value


class ReviewBatchSerializer(NoExtraFieldsSerializer):
    """``POST /products/{marketplace}/{asin}/reviews``: one batch of the extension's reviews."""

    reviews = serializers.ListField(
        child=SubmittedReviewSerializer(),
        allow_empty=True,
        help_text="At most SUBMISSION_MAX_REVIEWS (default 100) per request.",
    )
    final = StrictBooleanField(
        default=False, help_text="The last batch: analyse the product and return the verdict."
    )
    shop_rating_count = StrictIntegerField(
        min_value=0,
        max_value=1_000_000_000,
        allow_null=True,
        default=None,
        help_text="The rating count the shop's page shows, if the extension read one.",
    )
    seller_id = serializers.RegexField(
        rf"^{SELLER_ID_PATTERN}$",
        required=False,
        allow_blank=True,
        default="",
        help_text="The buy box's seller id (seller=… in its link), if the extension read one. "
        "Untrusted: it only fills a seller we do not know yet.",
    )
    seller_name = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=255,
        trim_whitespace=True,
        help_text='The buy box\'s "Sold by" name, if the extension read one.',
    )

    brand = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=255,
        trim_whitespace=True,
        help_text="The product's brand (the byline), if the extension read one. Untrusted: it "
        "only fills a brand we do not know yet.",
    )

    def validate_seller_name(self, value: str) -> str:
        if "\x00" in value:
            raise serializers.ValidationError("NUL characters are not accepted.")
        return value

    def validate_brand(self, value: str) -> str:
        return self.validate_seller_name(value)

    def to_internal_value(self, data: Any) -> Any:
        limit = settings.SUBMISSION_MAX_REVIEWS
        reviews = data.get("reviews") if isinstance(data, dict) else None
        if isinstance(reviews, list) and len(reviews) > limit:
            raise serializers.ValidationError(
                {"reviews": [f"Send at most {limit} reviews per request."]}
            )
        return super().to_internal_value(data)


class UploadRequestSerializer(serializers.Serializer):
    """``POST /uploads``: one review file (multipart/form-data, field ``file``)."""

    file = serializers.FileField(
        help_text="JSON Lines (Amazon Reviews 2023) or CSV with a header; .gz accepted."
    )


# --- Output (schema) --------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: invalid_input, not_analysed, …")
    message = serializers.CharField(help_text="For people.")


class ErrorEnvelopeSerializer(serializers.Serializer):
    error = ErrorSerializer()


class ProductSerializer(serializers.Serializer):
    marketplace = serializers.CharField()
    asin = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    brand = serializers.CharField(allow_blank=True)
    image_url = serializers.CharField(allow_blank=True)
    shop_average_rating = serializers.FloatField(allow_null=True)
    shop_rating_count = serializers.IntegerField(allow_null=True)
    last_crawled_at = serializers.DateTimeField(allow_null=True)


class VerdictCategorySerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    reasons = serializers.ListField(child=serializers.CharField())


class AnalysisRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ModerationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["confirmed_manipulation", "cleared"])
    label = serializers.CharField(
        help_text='e.g. "reviewed by a moderator: confirmed manipulation"'
    )
    decided_at = serializers.DateTimeField(allow_null=True)


class ProductLinksSerializer(serializers.Serializer):
    self = serializers.URLField(help_text="This verdict (the latest) in the API.")
    history = serializers.URLField(help_text="Every analysis of the product, newest first.")
    page = serializers.URLField(help_text="The verdict page for people, with the charts.")
    analyse = serializers.URLField(help_text="POST here to start a new analysis.")


class CollectionSerializer(serializers.Serializer):
    """Provenance: how many reviews were analysed, from which sources, against the shop's count."""

    reviews_analyzed = serializers.IntegerField()
    shop_rating_count = serializers.IntegerField(
        allow_null=True, help_text="How many ratings the shop reports (null: unknown)."
    )
    shop_rating_count_source = serializers.CharField(
        required=False, help_text="crawler (read from the shop page) or extension (as it read it)."
    )
    sources = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Reviews analysed per source: crawler, extension, upload.",
    )
    crawl_status = serializers.CharField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    shop_url = serializers.CharField(required=False, allow_blank=True)


class VerdictSerializer(serializers.Serializer):
    """DESIGN §3's verdict JSON, as the detector wrote it, plus analysis, product and links."""

    schema = serializers.CharField(required=False, help_text="reviewsec.verdict/1")
    reviews_analyzed = serializers.IntegerField(required=False)
    consistency = serializers.JSONField(required=False, help_text="DESIGN §3.1 (CUSUM, PCI).")
    ero = serializers.JSONField(required=False, help_text="DESIGN §3.3 (ERO satisfaction).")
    verdict = VerdictCategorySerializer()
    detector_version = serializers.CharField(required=False)
    collection = CollectionSerializer(
        required=False, help_text="Where the analysed reviews came from."
    )
    analysis = AnalysisRefSerializer()
    product = ProductSerializer()
    moderation = ModerationSerializer(allow_null=True, help_text="A moderator's decision, if any.")
    links = ProductLinksSerializer()


class JobLinksSerializer(serializers.Serializer):
    status = serializers.URLField(help_text="Poll this for progress.")
    verdict = serializers.URLField(help_text="The verdict, once the job is done.")
    progress_page = serializers.URLField(help_text="The progress page for people.")


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=JobState.choices)
    stage = serializers.CharField(allow_blank=True)
    stage_label = serializers.CharField(allow_blank=True)
    pages_fetched = serializers.IntegerField()
    reviews_fetched = serializers.IntegerField()
    reviews_expected = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    error = serializers.CharField(allow_blank=True, help_text="Why the job failed, for people.")
    error_code = serializers.CharField(allow_blank=True)
    product = ProductSerializer()
    links = JobLinksSerializer()


class AnalysisSummarySerializer(serializers.ModelSerializer):
    """One line of a product's history; the full verdict of the latest is under ``verdict``."""

    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Analysis
        fields = [
            "id",
            "created_at",
            "category",
            "reasons",
            "reviews_analyzed",
            "pci",
            "ero_satisfaction",
            "detector_version",
        ]

    def get_reasons(self, analysis: Analysis) -> list[str]:
        return list((analysis.verdict.get("verdict") or {}).get("reasons") or [])


class SubmittedAnalysisSerializer(AnalysisSummarySerializer):
    """The analysis a final batch started: its summary, and where its reviews came from."""

    collection = CollectionSerializer(source="verdict.collection", required=False)

    class Meta(AnalysisSummarySerializer.Meta):
        fields = [*AnalysisSummarySerializer.Meta.fields, "collection"]


class SubmissionResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="New reviews stored from this batch.")
    duplicates = serializers.IntegerField(help_text="Reviews we already had; left unchanged.")
    submission = serializers.IntegerField(help_text="The id of this batch.")
    analysis = SubmittedAnalysisSerializer(
        allow_null=True, help_text="With final=true: the new analysis; else null."
    )
    verdict_url = serializers.URLField(help_text="The verdict page for people.")


class UploadProductSerializer(serializers.Serializer):
    marketplace = serializers.CharField()
    asin = serializers.CharField()
    verdict_url = serializers.URLField()


class UploadJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=JobState.choices)
    stage = serializers.CharField(allow_blank=True)
    stage_label = serializers.CharField(allow_blank=True)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    file_name = serializers.CharField()
    reviews_read = serializers.IntegerField()
    reviews_imported = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    products_total = serializers.IntegerField()
    products_done = serializers.IntegerField()
    errors = serializers.ListField(
        child=serializers.CharField(), help_text="Line-numbered problems; nothing was imported."
    )
    error = serializers.CharField(allow_blank=True, help_text="The problems in one text.")
    products = UploadProductSerializer(many=True)
    links = serializers.DictField(child=serializers.URLField())
