"""Weekly refits: a new reference model version from a fresh random sample of the database.

The CvT line and the ERO calibration (``detector.reference.fit_reference``) are refitted from
products that have at least ``REFIT_MIN_REVIEWS`` reviews. The sample is the database itself, so
it may hold manipulated products and genuine changes: the fit runs with ``robust=True`` (outliers
trimmed, each product's ratings shuffled in time) as the detector documents for such samples.

The new model becomes active only if the fit is *sane*: at most ``MAX_SET_ASIDE_SHARE`` (60%) of
the fitted products set aside as manipulated (``fit_reference``'s fixed point: a sample where most
products look manipulated says the sample, or the fit, has gone wrong — shoppers paste what they
distrust), enough members left, finite line coefficients and thresholds, a non-negative slope (a
product with more change must not get a lower threshold), and a threshold range that stays within
bounds a CUSUM on 1–5 star ratings can mean. Otherwise the active model stays, the reason is
logged and returned, and the refused fit is recorded as an inactive row whose model carries
``refit = {"status": "refused", "reason", "fitted", "members", "set_aside"}`` (an activated row
carries the same block with status "activated"). Analyses keep a foreign key to the
model they used, so old verdicts stay explainable after a refit.
"""

from __future__ import annotations

import logging
import math
import random
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from detector.reference import fit_reference
from reviewsec.analyses.models import ReferenceModelVersion
from reviewsec.analyses.selectors import product_reviews_for_analysis
from reviewsec.catalog.models import Product

logger = logging.getLogger(__name__)

# Thresholds beyond this would need a run of more than ~60 one-star reviews against a
# five-star mean before an alarm: a fit that asks for it has gone wrong.
MAX_SANE_THRESHOLD = 200.0
# More products than this share set aside as manipulated: the fit is refused.
MAX_SET_ASIDE_SHARE = 0.6


@dataclass(frozen=True)
class RefitOutcome:
    """What a refit did: the new active row, or why the old one stays."""

    activated: ReferenceModelVersion | None
    sampled: int
    reason: str


def reference_model_refit(
    *,
    sample_size: int | None = None,
    min_products: int | None = None,
    min_reviews: int | None = None,
    seed: int | None = None,
) -> RefitOutcome:
    """Fit a reference model on a random sample of products and activate it if it is sane."""
    sample_size = sample_size or settings.REFIT_SAMPLE_SIZE
    min_products = min_products or settings.REFIT_MIN_PRODUCTS
    min_reviews = min_reviews or settings.REFIT_MIN_REVIEWS
    products = _random_sample(sample_size=sample_size, min_reviews=min_reviews, seed=seed)
    if len(products) < min_products:
        return _refused(
            len(products),
            f"only {len(products)} products have {min_reviews}+ reviews; "
            f"a refit needs {min_products}",
        )
    arrays = [product_reviews_for_analysis(product=product) for product in products]
    version = f"refit-{timezone.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    try:
        model = fit_reference(
            arrays,
            min_reviews=min_reviews,
            robust=True,
            sample_ids=[f"{p.marketplace}/{p.asin}" for p in products],
            source=f"reviewsec database sample of {len(products)} products",
            version=version,
        )
    except ValueError as error:
        return _refused(len(products), f"the fit failed: {error}")
    stored = model.to_dict()
    problem = fit_problem(stored, min_products=min_products)
    record = {
        "status": "refused" if problem else "activated",
        "reason": problem or "activated",
        "fitted": model.reference_products + len(model.set_aside),
        "members": model.reference_products,
        "set_aside": len(model.set_aside),
    }
    stored["refit"] = record
    if problem:
        ReferenceModelVersion.objects.create(
            version=f"{version}-refused",
            model=stored,
            reference_products=model.reference_products,
            is_active=False,
        )
        return _refused(len(products), problem)
    with transaction.atomic():
        ReferenceModelVersion.objects.filter(is_active=True).update(is_active=False)
        row = ReferenceModelVersion.objects.create(
            version=version,
            model=stored,
            reference_products=model.reference_products,
            is_active=True,
        )
    logger.info(
        "reference model %s activated (%d products sampled, %d members, %d set aside)",
        row.version,
        len(products),
        model.reference_products,
        len(model.set_aside),
    )
    return RefitOutcome(activated=row, sampled=len(products), reason="activated")


def fit_problem(model: dict, *, min_products: int) -> str:
    """Why a fitted reference model (``ReferenceModel.to_dict()``) must not be used, or "" when
    it is sane.

    Two counts, not one: the *fitted* products (members + set aside) are what the set-aside share
    is taken of, and the *members* (the products the calibration and the line were fitted on)
    must number at least ``min_products``. The C-index of the CvT line runs over the members.
    """
    members = int(model.get("reference_products") or 0)
    set_aside = len(model.get("set_aside") or ())
    fitted = members + set_aside
    if fitted and set_aside > MAX_SET_ASIDE_SHARE * fitted:
        return (
            f"{set_aside} of {fitted} fitted products ({set_aside / fitted:.0%}) were set aside "
            f"as manipulated; at most {MAX_SET_ASIDE_SHARE:.0%} may be"
        )
    if members < min_products:
        return f"only {members} products are left in the fit; at least {min_products} needed"
    threshold_model = model.get("threshold_model") or {}
    coefficients = [threshold_model.get("a0"), threshold_model.get("a1")]
    if not all(isinstance(c, int | float) and math.isfinite(c) for c in coefficients):
        return f"the CvT line has non-finite coefficients {coefficients}"
    if coefficients[1] < 0:
        return f"the CvT line slopes down (a1 = {coefficients[1]:.4g})"
    references = len(threshold_model.get("reference_pci") or []) or members
    a0, a1 = coefficients
    h0 = float(threshold_model.get("h0", 0.0))
    highest = max(h0, a0 + a1 * references)  # the C-index runs from 1 to the reference count
    if not h0 <= highest <= MAX_SANE_THRESHOLD:
        return f"the thresholds reach {highest:.4g}, outside [{h0:g}, {MAX_SANE_THRESHOLD:g}]"
    return ""


def _random_sample(*, sample_size: int, min_reviews: int, seed: int | None) -> list[Product]:
    """Up to ``sample_size`` products with ``min_reviews``+ reviews, uniformly at random.

    The eligible ids are read (one integer each), sampled in Python, then fetched: no
    ``ORDER BY random()`` over the whole table.
    """
    eligible = list(
        Product.objects.annotate(n_reviews=Count("reviews"))
        .filter(n_reviews__gte=min_reviews)
        .values_list("id", flat=True)
    )
    rng = random.Random(seed)
    chosen = rng.sample(eligible, min(sample_size, len(eligible)))
    by_id = Product.objects.in_bulk(chosen)
    return [by_id[i] for i in sorted(chosen)]


def _refused(sampled: int, reason: str) -> RefitOutcome:
    logger.warning("reference model refit refused; the active model stays: %s", reason)
    return RefitOutcome(activated=None, sampled=sampled, reason=reason)


__all__ = ["MAX_SET_ASIDE_SHARE", "RefitOutcome", "fit_problem", "reference_model_refit"]
