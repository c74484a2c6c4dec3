"""The API's views: check input, call one service or selector, present the result."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplaces import InvalidProductRef, ProductRef
from reviewsec.analyses.models import Analysis, CrawlJob
from reviewsec.analyses.selectors import verdict_version
from reviewsec.analyses.services import analysis_request
from reviewsec.api import serializers as s
from reviewsec.api.errors import InvalidProduct, NotAnalysed
from reviewsec.api.presenters import job_body, verdict_body, verdict_json_cached
from reviewsec.catalog.models import Product

MAX_DATABASE_ID = 2**63 - 1


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Documented error responses: the ones named, plus 429 and 503, which any call can get."""
    return {
        code: OpenApiResponse(s.ErrorEnvelopeSerializer, description="The error envelope.")
        for code in (*statuses, 429, 503)
    }


PRODUCT_ERRORS = errors(400, 404)


class AnalysesView(APIView):
    @extend_schema(
        operation_id="analyses_create",
        summary="Ask for a product's verdict",
        description="200 with the verdict when a fresh one exists; otherwise 202 with the job "
        "that will make it (shared with anyone asking for the same product). Poll "
        "`links.status`, then read `links.verdict`.",
        request=PolymorphicProxySerializer(
            component_name="AnalysisRequest",
            serializers=[s.ByUrlSerializer, s.ByAsinSerializer],
            resource_type_field_name=None,
        ),
        responses={200: s.VerdictSerializer, 202: s.JobSerializer, **errors(400)},
        examples=[
            OpenApiExample(
                "By URL", value={"url": "https://www.amazon.com/dp/B0BBPNPZTC"}, request_only=True
            ),
            OpenApiExample(
                "By ASIN",
                value={"asin": "B0BBPNPZTC", "marketplace": "amazon.de"},
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        form = s.AnalysisRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ref = form.validated_data["ref"]
        outcome = analysis_request(marketplace=ref.marketplace, asin=ref.asin)
        if outcome.analysis is not None:
            return Response(verdict_body(outcome.analysis, request))
        assert outcome.job is not None
        body = job_body(outcome.job, request)
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["links"]["status"]}
        )


class JobView(APIView):
    @extend_schema(
        operation_id="jobs_retrieve",
        summary="Follow a job's progress",
        responses={200: s.JobSerializer, **errors(404)},
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = (
            CrawlJob.objects.select_related("product").filter(id=job_id).first()
            if job_id <= MAX_DATABASE_ID
            else None
        )
        if job is None:
            raise NotFound("There is no job with that id.")
        return Response(job_body(job, request))


class ProductVerdictView(APIView):
    @extend_schema(
        operation_id="products_verdict_retrieve",
        summary="The latest verdict on a product",
        description="404 `not_analysed` when the product has no verdict yet: POST /analyses.",
        responses={200: s.VerdictSerializer, **PRODUCT_ERRORS},
    )
    def get(self, request: Request, marketplace: str, asin: str) -> Response:
        # The browser extension asks on every product page it shows: one query, then the cache.
        ref = product_ref_or_400(marketplace, asin)
        version = verdict_version(marketplace=ref.marketplace, asin=ref.asin)
        body = None if version is None else verdict_json_cached(version, ref, request)
        if body is None:
            raise NotAnalysed(not_analysed_message(ref))
        return HttpResponse(body, content_type="application/json")


class HistoryPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema_view(
    get=extend_schema(
        operation_id="products_analyses_list",
        summary="A product's analyses, newest first",
        responses={200: s.AnalysisSummarySerializer(many=True), **PRODUCT_ERRORS},
    )
)
class ProductAnalysesView(generics.ListAPIView):
    serializer_class = s.AnalysisSummarySerializer
    pagination_class = HistoryPagination

    def get_queryset(self) -> QuerySet[Analysis]:
        product = product_or_404(self.kwargs["marketplace"], self.kwargs["asin"])
        return product.analyses.order_by("-created_at", "-id")


class UnknownPathView(APIView):
    """Anything under /api/v1/ that is not an endpoint: a 404 in the envelope, any method."""

    schema = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise NotFound("There is no such API endpoint; see /api/v1/docs/.")


def product_ref_or_400(marketplace: str, asin: str) -> ProductRef:
    try:
        return s.product_ref_from_asin(asin, marketplace)
    except InvalidProductRef as error:
        raise InvalidProduct(str(error)) from error


def product_or_404(marketplace: str, asin: str) -> Product:
    """The product the path names: 400 if it cannot be a product, 404 if we never saw it."""
    ref = product_ref_or_400(marketplace, asin)
    product = Product.objects.filter(marketplace=ref.marketplace, asin=ref.asin).first()
    if product is None:
        raise NotAnalysed(not_analysed_message(ref))
    return product


def not_analysed_message(product: Any) -> str:
    return (
        f"{product.asin} on {product.marketplace} has not been analysed yet; "
        "POST /api/v1/analyses to start."
    )
