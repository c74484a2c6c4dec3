"""Input checked at the edge (one serializer per request body), and the response shapes.

The output serializers only describe the bodies for the OpenAPI schema; the bodies themselves
are built by ``presenters``, and schemathesis checks that the two agree.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from crawler.urls import InvalidProductRef, ProductRef, parse_product_ref, resolve_product_ref
from reviewsec.analyses.models import Analysis, Category, JobState
from reviewsec.catalog.marketplaces import demo_extra_hosts


class StrictCharField(serializers.CharField):
    """A string and only a string: DRF's CharField would quietly turn 42 or 1.5 into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
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


def product_ref_from_asin(asin: str, marketplace: str) -> ProductRef:
    """A bare ASIN on a marketplace; refuses anything else ``parse_product_ref`` would accept."""
    ref = parse_product_ref(asin, marketplace, extra_hosts=demo_extra_hosts())
    if ref.asin != asin.strip().upper():
        raise InvalidProductRef("Send a bare 10-character ASIN, not a link.")
    return ref


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


class VerdictSerializer(serializers.Serializer):
    """DESIGN §3's verdict JSON, as the detector wrote it, plus analysis, product and links."""

    schema = serializers.CharField(required=False, help_text="reviewsec.verdict/1")
    reviews_analyzed = serializers.IntegerField(required=False)
    consistency = serializers.JSONField(required=False, help_text="DESIGN §3.1 (CUSUM, PCI).")
    ero = serializers.JSONField(required=False, help_text="DESIGN §3.3 (ERO satisfaction).")
    verdict = VerdictCategorySerializer()
    detector_version = serializers.CharField(required=False)
    collection = serializers.JSONField(required=False, help_text="What the crawl collected.")
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
