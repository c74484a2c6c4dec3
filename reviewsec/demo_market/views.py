"""Amazon-shaped pages for the demo shop: catalogue, product, review list, reviewer profile.

They use Amazon's own ``data-hook`` attributes and element ids so the crawler reads them through
exactly the code path it uses on the real shop. Everything 404s while ``DEMO_MARKET`` is off.
With ``DEMO_MARKET_SIGNIN_WALL`` on, review lists need a demo sign-in (see ``signin.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from detector.simulate import SimulatedProduct, SimulatedReview
from reviewsec.demo_market import signin
from reviewsec.demo_market.catalogue import REVIEWS_PER_PAGE, shop
from reviewsec.demo_market.products import DEMO_ROBOT_CHECK_ASIN
from reviewsec.demo_market.sellers import seller_of


def demo_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.DEMO_MARKET:
            raise Http404("The demo marketplace is off (set DEMO_MARKET=1).")
        return view(request, *args, **kwargs)

    return wrapper


def _product_or_404(asin: str) -> SimulatedProduct:
    product = shop().products.get(asin.upper())
    if product is None:
        raise Http404("No such product in the demo shop.")
    return product


def _robot_check(request: HttpRequest) -> HttpResponse:
    # Amazon answers a robot check with 200 and a captcha form, not with an error status.
    return render(request, "demo_market/captcha.html")


@demo_only
def catalogue(request: HttpRequest) -> HttpResponse:
    products = list(shop().products.values())
    return render(
        request,
        "demo_market/catalogue.html",
        {"products": products, "robot_check_asin": DEMO_ROBOT_CHECK_ASIN},
    )


@demo_only
def product_page(request: HttpRequest, asin: str, slug: str = "") -> HttpResponse:
    if asin.upper() == DEMO_ROBOT_CHECK_ASIN:
        return _robot_check(request)
    product = _product_or_404(asin)
    return render(request, "demo_market/product.html", _product_context(product))


def _newest_first(reviews: tuple[SimulatedReview, ...]) -> list[SimulatedReview]:
    return list(reversed(reviews))  # the simulator keeps them in arrival order


def _most_helpful_first(reviews: tuple[SimulatedReview, ...]) -> list[SimulatedReview]:
    return sorted(_newest_first(reviews), key=lambda review: -review.helpful_votes)


# Amazon's ``sortBy`` values; like Amazon, the list shows the "top reviews" unless asked.
REVIEW_ORDERS: dict[str, Callable[[tuple[SimulatedReview, ...]], list[SimulatedReview]]] = {
    "recent": _newest_first,
    "helpful": _most_helpful_first,
}


@demo_only
def review_page(request: HttpRequest, asin: str, slug: str = "") -> HttpResponse:
    if asin.upper() == DEMO_ROBOT_CHECK_ASIN:
        return _robot_check(request)
    product = _product_or_404(asin)
    if signin.wall_is_up() and not signin.is_signed_in(request):
        return signin.redirect_to_signin(request)
    try:
        page = max(1, int(request.GET.get("pageNumber", "1")))
    except ValueError:
        page = 1
    sort = request.GET.get("sortBy", "")
    if sort not in REVIEW_ORDERS:
        sort = "helpful"
    reviews = REVIEW_ORDERS[sort](product.reviews)
    pages = max(1, math.ceil(len(reviews) / REVIEWS_PER_PAGE))
    chunk = reviews[(page - 1) * REVIEWS_PER_PAGE : page * REVIEWS_PER_PAGE]
    context = {
        **_product_context(product),
        "reviews": [_review_context(review) for review in chunk],
        "page": page,
        "next_page": page + 1 if page < pages else None,
        "sort": sort,
    }
    return render(request, "demo_market/reviews.html", context)


@demo_only
def profile_page(request: HttpRequest, profile_id: str) -> HttpResponse:
    profile = shop().profiles.get(profile_id)
    if profile is None:
        raise Http404("No such reviewer in the demo shop.")
    history = [
        {"product": product, "review": _review_context(review)}
        for product, review in sorted(profile.reviews, key=lambda pr: pr[1].posted_at, reverse=True)
    ]
    context = {
        "profile": profile,
        "about": profile.about,
        "history": history,
        "total_reviews": max(profile.about.review_count, len(profile.reviews)),
    }
    return render(request, "demo_market/profile.html", context)


@demo_only
@require_http_methods(["GET", "POST"])
def signin_page(request: HttpRequest) -> HttpResponse:
    """A sign-in form with one button: no account, no password; it only sets the demo cookie."""
    back = signin.return_path(request)
    if request.method == "POST":
        return signin.sign_in(HttpResponseRedirect(back))
    context = {
        "return_to": back,
        "return_field": signin.RETURN_FIELD,
        "signed_in": signin.is_signed_in(request),
    }
    return render(request, "demo_market/signin.html", context)


def _product_context(product: SimulatedProduct) -> dict[str, Any]:
    ratings = product.columns.rating
    n = len(ratings)
    histogram = [
        (star, round(100 * float((ratings == star).sum()) / n) if n else 0)
        for star in (5, 4, 3, 2, 1)
    ]
    average = round(float(ratings.mean()), 1) if n else None
    discount = None
    if product.list_price and product.list_price > product.price:
        discount = round(100 * (1 - product.price / product.list_price))
    return {
        "product": product,
        "seller": seller_of(product.asin),
        "rating_count": n,
        "average": average,
        "histogram": histogram,
        "discount": discount,
        "category_path": product.category.split(" › "),
    }


def _review_context(review: SimulatedReview) -> dict[str, Any]:
    author = shop().authors[review.user_id]
    country = review.country
    return {
        "review": review,
        "author": author,
        "date_text": f"{review.posted_at:%B} {review.posted_at.day}, {review.posted_at.year}",
        "country_text": f"the {country}"
        if country in {"United States", "United Kingdom"}
        else country,
    }
