"""Turn rows into the API's JSON bodies: the verdict (DESIGN §3 + product + links) and jobs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework.request import Request

from reviewsec.analyses.models import Analysis, CrawlJob
from reviewsec.catalog.models import Product
from reviewsec.moderation.selectors import moderator_review_for_product
from reviewsec.web.presenters import job_status_payload


def verdict_body(analysis: Analysis, request: Request) -> dict[str, Any]:
    """The stored verdict JSON as it is, plus which analysis, which product and where to go."""
    product = analysis.product
    review = moderator_review_for_product(product=product)
    return {
        **analysis.verdict,
        "analysis": {"id": analysis.id, "created_at": analysis.created_at},
        "product": product_body(product),
        "moderation": None
        if review is None
        else {"status": review.status, "label": review.label, "decided_at": review.decided_at},
        "links": product_links(product, request),
    }


def job_body(job: CrawlJob, request: Request) -> dict[str, Any]:
    """The progress page's own status JSON, plus the product and absolute links."""
    product = job.product
    return {
        **job_status_payload(job),
        "product": product_body(product),
        "links": {
            "status": _absolute(request, "api:job-detail", job.id),
            "verdict": _absolute(request, "api:product-verdict", product.marketplace, product.asin),
            "progress_page": _absolute(request, "web:job-progress", job.id),
        },
    }


def product_body(product: Product) -> dict[str, Any]:
    return {
        "marketplace": product.marketplace,
        "asin": product.asin,
        "title": product.title,
        "brand": product.brand,
        "image_url": product.image_url,
        "shop_average_rating": product.shop_average_rating,
        "shop_rating_count": product.shop_rating_count,
        "last_crawled_at": product.last_crawled_at,
    }


def product_links(product: Product, request: Request) -> dict[str, str]:
    ref = (product.marketplace, product.asin)
    return {
        "self": _absolute(request, "api:product-verdict", *ref),
        "history": _absolute(request, "api:product-analyses", *ref),
        "page": _absolute(request, "web:product-verdict", *ref),
        "analyse": _absolute(request, "api:analyses"),
    }


def _absolute(request: Request, name: str, *args: object) -> str:
    return request.build_absolute_uri(reverse(name, args=args))
