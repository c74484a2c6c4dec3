"""The shopper's pages: paste a product, follow the job, read the verdict."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplaces import InvalidProductRef, ProductRef, parse_product_ref
from reviewsec.analyses.models import Analysis, CrawlJob
from reviewsec.analyses.progress import crawl_job_status
from reviewsec.analyses.selectors import analysis_latest, crawl_job_active, verdict_version
from reviewsec.analyses.services import AnalysisRequest, analysis_request
from reviewsec.catalog.marketplaces import (
    MarketplaceNotServed,
    demo_extra_hosts,
    is_upload_marketplace,
    marketplace_served_check,
)
from reviewsec.catalog.models import Product
from reviewsec.demo_market.catalogue import demo_products_for_home
from reviewsec.lib.dispatch import JobNotSent
from reviewsec.moderation.selectors import moderator_review_for_product
from reviewsec.web.forms import ProductRefForm
from reviewsec.web.presenters import verdict_context
from reviewsec.web.verdict_page import verdict_page_html


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """The paste box; a valid product goes to its verdict or to the job that will make one."""
    form = ProductRefForm(request.POST or None)
    status = 400
    if request.method == "POST" and form.is_valid():
        ref = form.cleaned_data["ref"]
        try:
            return _follow(analysis_request(marketplace=ref.marketplace, asin=ref.asin))
        except JobNotSent as error:  # nothing was queued: the shopper can simply try again
            form.add_error("ref", error.message)
            status = 503
    context = {
        "form": form,
        "recent_analyses": Analysis.objects.select_related("product")[:10],
        "demo_products": _demo_products(),
    }
    response = render(request, "web/home.html", context, status=status if form.errors else 200)
    return _with_retry_after(response)


@require_POST
def product_analyse(request: HttpRequest, marketplace: str, asin: str) -> HttpResponse:
    """Run a new analysis now (the retry button, "re-analyse" and "Analyse this product")."""
    product = Product.objects.filter(marketplace=marketplace, asin=asin).first()
    try:
        marketplace_served_check(marketplace)  # a stored demo or uploaded product too
    except MarketplaceNotServed as refused:
        return _unavailable_page(request, str(refused), status=404)
    ref = ProductRef(marketplace, asin) if product else _product_ref_or_404(marketplace, asin)
    try:
        return _follow(analysis_request(marketplace=ref.marketplace, asin=ref.asin, force=True))
    except JobNotSent as error:
        return service_unavailable(request, error.message)


RETRY_AFTER_UNAVAILABLE_S = 30


def service_unavailable(request: HttpRequest, message: str) -> HttpResponse:
    """The broker could not take a job (nothing was queued): a readable 503 with Retry-After."""
    return _with_retry_after(_unavailable_page(request, message, status=503))


def _unavailable_page(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    context = {"message": message, "retry": status == 503}
    return render(request, "web/unavailable.html", context, status=status)


def _with_retry_after(response: HttpResponse) -> HttpResponse:
    if response.status_code == 503:
        response["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE_S)
    return response


@require_GET
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(CrawlJob.objects.select_related("product"), id=job_id)
    return render(request, "web/progress.html", {"job": job, "status": crawl_job_status(job)})


@require_GET
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    job = get_object_or_404(CrawlJob.objects.select_related("product"), id=job_id)
    return JsonResponse(crawl_job_status(job))


@require_GET
def product_verdict(request: HttpRequest, marketplace: str, asin: str) -> HttpResponse:
    # One query, then the cached page (reviewsec.web.verdict_page); the rest is for products
    # without a verdict.
    version = verdict_version(marketplace=marketplace, asin=asin)
    html = None if version is None else verdict_page_html(version, request)
    if html is not None:
        return HttpResponse(html)
    product = Product.objects.filter(marketplace=marketplace, asin=asin).first()
    if product is None:
        ref = _product_ref_or_404(marketplace, asin)
        product = Product(marketplace=ref.marketplace, asin=ref.asin)
        return render(request, "web/no_verdict.html", {"product": product}, status=404)
    analysis = analysis_latest(product=product)
    if analysis is None:
        job = crawl_job_active(product=product)
        if job is not None:
            return redirect("web:job-progress", job_id=job.id)
        return render(request, "web/no_verdict.html", {"product": product}, status=404)
    # Analysed between the two reads: this request renders it without the cache.
    history = list(product.analyses.defer("verdict").order_by("-created_at", "-id")[:50])
    context = verdict_context(analysis, history)
    context["moderator_review"] = moderator_review_for_product(product=product)
    return render(request, "web/verdict.html", context)


@require_GET
def verdict_json(request: HttpRequest, marketplace: str, asin: str) -> JsonResponse:
    product = get_object_or_404(Product, marketplace=marketplace, asin=asin)
    analysis = analysis_latest(product=product)
    if analysis is None:
        raise Http404("This product has not been analysed yet.")
    return JsonResponse(analysis.verdict, json_dumps_params={"ensure_ascii": False})


def _product_ref_or_404(marketplace: str, asin: str) -> ProductRef:
    """A product we could analyse (an allowed marketplace, a well-formed ASIN), else a 404."""
    if is_upload_marketplace(marketplace):
        raise Http404("Uploaded products exist only once their file is imported.")
    try:
        ref = parse_product_ref(asin, marketplace, extra_hosts=demo_extra_hosts())
    except InvalidProductRef as error:
        raise Http404(str(error)) from error
    if ref.asin != asin:
        raise Http404("That is not an ASIN as the shop writes it.")
    return ref


def _follow(outcome: AnalysisRequest) -> HttpResponse:
    if outcome.analysis is not None:
        product = outcome.product
        return redirect(reverse("web:product-verdict", args=[product.marketplace, product.asin]))
    assert outcome.job is not None
    return redirect("web:job-progress", job_id=outcome.job.id)


def _demo_products() -> list[dict[str, str]]:
    if not settings.DEMO_MARKET:
        return []
    return demo_products_for_home()
