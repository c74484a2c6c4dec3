"""Turn rows into the API's JSON bodies: the verdict (DESIGN §3 + product + links) and jobs."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.urls import reverse
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from marketplaces import ProductRef
from reviewsec.analyses.models import Analysis, CrawlJob
from reviewsec.analyses.progress import crawl_job_status
from reviewsec.analyses.selectors import VerdictVersion
from reviewsec.catalog.models import Product
from reviewsec.moderation.selectors import moderator_review_for_product

# A cached verdict body is keyed by its analysis and decision, so it cannot go stale in substance;
# the expiry only bounds how long the product's title, price and the like may lag behind a crawl
# that stored no new analysis.
VERDICT_CACHE_SECONDS = 15 * 60
_CACHE_PREFIX = "api:verdict:v1"
_json = JSONRenderer()  # the API's renderer: cached bodies are byte for byte what it would send


def verdict_body(analysis: Analysis, request: Request) -> dict[str, Any]:
    """The stored verdict JSON as it is, plus which analysis, which product and where to go."""
    return {**verdict_content(analysis), "links": product_links(analysis.product, request)}


def verdict_json_cached(version: VerdictVersion, ref: ProductRef, request: Request) -> bytes | None:
    """``verdict_body`` of the analysis ``version`` names, rendered, from the cache when there.

    The body but its links is cached as rendered JSON under a key naming the analysis and the
    moderator's decision, so a new one of either is a new key; serving it costs no rendering. The
    links follow the request's host, so they are appended to the cached object as its last member.
    None when the analysis has gone since ``version`` was read.
    """
    content = cache.get(version.cache_key(_CACHE_PREFIX))
    if content is None:
        analysis = Analysis.objects.select_related("product").filter(id=version.analysis_id).first()
        if analysis is None:
            return None
        content = _json.render(verdict_content(analysis))
        cache.set(version.cache_key(_CACHE_PREFIX), content, timeout=VERDICT_CACHE_SECONDS)
    links = _json.render(product_links(ref, request))
    return content[:-1] + b',"links":' + links + b"}"


def verdict_content(analysis: Analysis) -> dict[str, Any]:
    product = analysis.product
    review = moderator_review_for_product(product=product)
    return {
        **analysis.verdict,
        "analysis": {"id": analysis.id, "created_at": analysis.created_at},
        "product": product_body(product),
        "moderation": None
        if review is None
        else {"status": review.status, "label": review.label, "decided_at": review.decided_at},
    }


def job_body(job: CrawlJob, request: Request) -> dict[str, Any]:
    """The progress page's own status JSON, plus the product and absolute links."""
    product = job.product
    return {
        **crawl_job_status(job),
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


def product_links(product: Product | ProductRef, request: Request) -> dict[str, str]:
    ref = (product.marketplace, product.asin)
    return {
        "self": _absolute(request, "api:product-verdict", *ref),
        "history": _absolute(request, "api:product-analyses", *ref),
        "page": _absolute(request, "web:product-verdict", *ref),
        "analyse": _absolute(request, "api:analyses"),
    }


def _absolute(request: Request, name: str, *args: object) -> str:
    return request.build_absolute_uri(reverse(name, args=args))
