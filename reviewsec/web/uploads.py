"""The review-file upload pages: the form, then a progress page that becomes the results."""

from __future__ import annotations

import uuid

import redis.exceptions
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from reviewsec.analyses.models import Analysis
from reviewsec.lib.dispatch import JobNotSent
from reviewsec.lib.rate_limits import client_ip, rate_limit_hit
from reviewsec.submissions.models import UploadJob
from reviewsec.submissions.services import client_key_for
from reviewsec.submissions.upload_jobs import (
    upload_job_create,
    upload_job_orphan_check,
    upload_job_status,
)
from reviewsec.submissions.upload_limits import (
    SizeLimitedUploadHandler,
    limit_upload_size,
    upload_too_large_message,
)
from reviewsec.web.forms import UploadForm
from reviewsec.web.views import RETRY_AFTER_UNAVAILABLE_S


@csrf_exempt  # checked below, once the size limit is in place (Django's documented pattern)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            allowed, wait = rate_limit_hit(f"upload:{client_ip(request)}", settings.UPLOAD_RATE)
        except redis.exceptions.ConnectionError:  # the counters live in Redis, which is down
            return _unavailable(request, JobNotSent.message)
        if not allowed:
            return _rate_limited(request, wait)
    if request.method == "POST" and limit_upload_size(request) is None:
        return _form(request, UploadForm(), error=upload_too_large_message())
    return _upload(request)


def _unavailable(request: HttpRequest, message: str) -> HttpResponse:
    """Nothing was stored: a readable 503 with the form, so the file can be sent again."""
    response = _form(request, UploadForm(), error=message, status=503)
    response["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE_S)
    return response


def _rate_limited(request: HttpRequest, wait: float) -> HttpResponse:
    seconds = max(1, round(wait))
    error = f"Too many uploads from your address; try again in {seconds} seconds."
    context = {"form": UploadForm(), "error": error, "max_mib": settings.UPLOAD_MAX_BYTES >> 20}
    response = render(request, "web/upload.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    limit = request.upload_handlers[0]
    if isinstance(limit, SizeLimitedUploadHandler) and limit.too_large:
        return _form(request, UploadForm(), error=upload_too_large_message())
    if form.is_valid():
        file = form.cleaned_data["file"]
        try:
            job = upload_job_create(
                file_name=file.name or "upload",
                content=file.read(),
                client_key=client_key_for(
                    api_key_id=None, ip_address=request.META.get("REMOTE_ADDR", "")
                ),
            )
        except JobNotSent as error:  # the job was rolled back: the file can be sent again
            return _unavailable(request, error.message)
        return redirect("web:upload-progress", job_id=job.id)
    return _form(request, form)


def _form(
    request: HttpRequest, form: UploadForm, error: str = "", status: int | None = None
) -> HttpResponse:
    error = error or (form.errors.get("file") or [""])[0]
    if status is None:
        status = 413 if error == upload_too_large_message() else 400 if error else 200
    context = {"form": form, "error": error, "max_mib": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
    return render(request, "web/upload.html", context, status=status)


@require_GET
def upload_progress(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = get_object_or_404(UploadJob.objects.defer("content"), id=job_id)
    job = upload_job_orphan_check(job=job)
    status = upload_job_status(job)
    products = _with_verdicts(status["products"]) if job.state == "done" else []
    return render(
        request,
        "web/upload_progress.html",
        {"job": job, "status": status, "products": products},
    )


def _with_verdicts(products: list[dict]) -> list[dict]:
    """Each uploaded product with its latest verdict's category, for the results list."""
    asins = [item["asin"] for item in products]
    latest: dict[tuple[str, str], Analysis] = {}
    for analysis in (
        Analysis.objects.filter(product__asin__in=asins)
        .select_related("product")
        .defer("verdict")
        .order_by("created_at", "id")
    ):
        latest[(analysis.product.marketplace, analysis.product.asin)] = analysis
    return [
        {**item, "analysis": latest.get((item["marketplace"], item["asin"]))} for item in products
    ]


@require_GET
def upload_status(request: HttpRequest, job_id: uuid.UUID) -> JsonResponse:
    job = get_object_or_404(UploadJob.objects.defer("content"), id=job_id)
    job = upload_job_orphan_check(job=job)
    return JsonResponse(upload_job_status(job))
