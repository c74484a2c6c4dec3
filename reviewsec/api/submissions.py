"""The endpoints for reviews clients bring: extension batches and review-file uploads.

Views check input and call one service; the bodies they return are built here too.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from marketplaces import ProductRef, allowed_marketplaces
from reviewsec.analyses.models import Analysis
from reviewsec.api import serializers as s
from reviewsec.api.errors import (
    DailyCapReached,
    PayloadTooLarge,
    UnknownMarketplace,
)
from reviewsec.api.models import ApiKey
from reviewsec.api.parsers import SubmissionJSONParser
from reviewsec.api.views import errors, product_ref_or_400
from reviewsec.catalog.marketplaces import demo_extra_hosts
from reviewsec.catalog.models import ReviewSource, ReviewSubmission
from reviewsec.submissions.models import UploadJob
from reviewsec.submissions.services import (
    SubmissionCapExceeded,
    client_key_for,
    submission_analyse,
    submission_create,
)
from reviewsec.submissions.upload_jobs import (
    upload_job_create,
    upload_job_orphan_check,
    upload_job_status,
)
from reviewsec.submissions.upload_limits import limit_upload_size, upload_too_large_message


class ProductReviewsView(APIView):
    """Reviews the extension read in the shopper's own session: stored as untrusted input."""

    parser_classes = [SubmissionJSONParser]

    @extend_schema(
        operation_id="products_reviews_create",
        summary="Submit a batch of a product's reviews (browser extension)",
        description="Stores the reviews we did not have, attributed to this batch and client; a "
        "review id we already hold is counted in `duplicates` and never changed. With "
        "`final: true` the product is analysed and the summary returned. At most "
        "SUBMISSION_MAX_REVIEWS reviews and SUBMISSION_MAX_BODY_BYTES per request (413), and "
        "SUBMISSION_DAILY_CAP per client and product a day (429 `daily_cap_reached`).",
        request=s.ReviewBatchSerializer,
        responses={200: s.SubmissionResultSerializer, **errors(400, 404, 413)},
    )
    def post(self, request: Request, marketplace: str, asin: str) -> Response:
        ref = submission_product_ref(marketplace, asin)
        form = s.ReviewBatchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        batch = form.validated_data
        try:
            submission = submission_create(
                marketplace=ref.marketplace,
                asin=ref.asin,
                source=ReviewSource.EXTENSION,
                client_key=request_client_key(request),
                reviews=batch["reviews"],
                shop_rating_count=batch["shop_rating_count"],
                seller_id=batch["seller_id"],
                seller_name=batch["seller_name"],
                brand=batch["brand"],
            )
        except SubmissionCapExceeded as error:
            raise DailyCapReached(str(error)) from error
        analysis = submission_analyse(product=submission.product) if batch["final"] else None
        return Response(submission_body(submission, analysis, request))


class UploadsView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="uploads_create",
        summary="Upload a review file for analysis",
        description="JSON Lines in the Amazon Reviews 2023 schema or CSV with a header (the "
        "formats `python -m detector` reads), at most UPLOAD_MAX_BYTES (413). 202 with a job: "
        "poll `links.status`. Every line is checked before anything is imported; a bad file "
        "fails the job with line-numbered `errors` and imports nothing. Products appear on "
        "the `upload` marketplace.",
        request={"multipart/form-data": s.UploadRequestSerializer},
        responses={202: s.UploadJobSerializer, **errors(400, 413)},
    )
    def post(self, request: Request) -> Response:
        limit = limit_upload_size(request)
        if limit is None:
            raise PayloadTooLarge(upload_too_large_message())
        form = s.UploadRequestSerializer(data=request.data)
        if limit.too_large:
            raise PayloadTooLarge(upload_too_large_message())
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        job = upload_job_create(
            file_name=upload.name or "upload",
            content=upload.read(),
            client_key=request_client_key(request),
        )
        body = upload_job_body(job, request)
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["links"]["status"]}
        )


class UploadJobView(APIView):
    @extend_schema(
        operation_id="uploads_retrieve",
        summary="Follow an upload's progress",
        responses={200: s.UploadJobSerializer, **errors(404)},
    )
    def get(self, request: Request, job_id: uuid.UUID) -> Response:
        job = UploadJob.objects.filter(id=job_id).defer("content").first()
        if job is None:
            raise NotFound("There is no upload with that id.")
        job = upload_job_orphan_check(job=job)
        return Response(upload_job_body(job, request))


def submission_product_ref(marketplace: str, asin: str) -> ProductRef:
    """404 for a marketplace we do not accept (``upload`` included), 400 for a bad ASIN."""
    if marketplace not in allowed_marketplaces(demo_extra_hosts()):
        raise UnknownMarketplace(f"{marketplace} is not a marketplace we accept reviews for.")
    return product_ref_or_400(marketplace, asin)


def request_client_key(request: Request) -> str:
    """Who sent this: the API key, else a keyed hash of the address the rate limit counts."""
    key = request.auth if isinstance(request.auth, ApiKey) else None
    return client_key_for(
        api_key_id=None if key is None else key.pk, ip_address=BaseThrottle().get_ident(request)
    )


def submission_body(
    submission: ReviewSubmission, analysis: Analysis | None, request: Request
) -> dict[str, Any]:
    product = submission.product
    return {
        "accepted": submission.accepted,
        "duplicates": submission.duplicates,
        "submission": submission.id,
        "analysis": None if analysis is None else s.SubmittedAnalysisSerializer(analysis).data,
        "verdict_url": _absolute(request, "web:product-verdict", product.marketplace, product.asin),
    }


def upload_job_body(job: UploadJob, request: Request) -> dict[str, Any]:
    """The progress page's status JSON with absolute links."""
    body = upload_job_status(job)
    for product in body["products"]:
        product["verdict_url"] = request.build_absolute_uri(product["verdict_url"])
    del body["verdict_url"]
    body["links"] = {
        "status": _absolute(request, "api:upload-detail", job.id),
        "progress_page": _absolute(request, "web:upload-progress", job.id),
    }
    return body


def _absolute(request: Request, name: str, *args: object) -> str:
    return request.build_absolute_uri(reverse(name, args=args))
