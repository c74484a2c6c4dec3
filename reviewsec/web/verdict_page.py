"""The verdict page's HTML, rendered once per analysis and moderator decision, then cached.

Rendering the page (about 200 KiB: the verdict's panels and chart data) costs far more than the
queries around it, so the rendered HTML is kept in the cache under a key naming what it shows:
the product's latest analysis (its id and creation time — ids can come back after a restore)
and the moderator's decision on the product (status and time). A new analysis or decision is a
new key, so the page is never served stale; ``PAGE_CACHE_SECONDS`` only bounds the memory.

Nothing per visitor may be cached: the page's one per-visitor part is the CSRF token of the
"analyse again" form. It is rendered as ``CSRF_SLOT`` and replaced by the visitor's own token on
every request (``get_token`` also makes sure the CSRF cookie is sent). The template uses no
``request``, ``user`` or ``messages``; a test renders the page for two visitors and compares.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from reviewsec.analyses.models import Analysis
from reviewsec.analyses.selectors import VerdictVersion
from reviewsec.moderation.selectors import moderator_review_for_product
from reviewsec.web.presenters import verdict_context

PAGE_CACHE_SECONDS = 15 * 60
CSRF_SLOT = "csrfslot0b7e4a9d2c61f385"  # letters and digits: escaping leaves it as it is
_TEMPLATE_VERSION = 3  # bump when the page's markup changes, so old renders are not served
_CACHE_PREFIX = f"web:verdict-page:v{_TEMPLATE_VERSION}"


def verdict_page_html(version: VerdictVersion, request: HttpRequest) -> str | None:
    """The page for ``version``, from the cache when there, with this visitor's CSRF token.
    None when the analysis has gone since ``version`` was read."""
    html = cache.get(version.cache_key(_CACHE_PREFIX))
    if html is None:
        html = _render(version.analysis_id)
        if html is None:
            return None
        cache.set(version.cache_key(_CACHE_PREFIX), html, timeout=PAGE_CACHE_SECONDS)
    return str(html).replace(CSRF_SLOT, get_token(request))


def _render(analysis_id: int) -> str | None:
    analysis = Analysis.objects.select_related("product").filter(id=analysis_id).first()
    if analysis is None:
        return None
    product = analysis.product
    # The verdict JSON of past analyses is large and not shown: leave it in the database.
    history = list(product.analyses.defer("verdict").order_by("-created_at", "-id")[:50])
    context = verdict_context(analysis, history)
    context["moderator_review"] = moderator_review_for_product(product=product)
    context["csrf_token"] = CSRF_SLOT
    return render_to_string("web/verdict.html", context)
