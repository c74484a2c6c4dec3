"""Small factories for test rows: explicit keyword defaults, no magic."""

import datetime as dt
from itertools import count

from reviewsec.catalog.models import Product, Review, Reviewer

_sequence = count(1)


def make_product(**fields: object) -> Product:
    n = next(_sequence)
    defaults: dict[str, object] = {"marketplace": "amazon.com", "asin": f"B0TEST{n:04d}"}
    defaults.update(fields)
    return Product.objects.create(**defaults)


def make_reviewer(**fields: object) -> Reviewer:
    n = next(_sequence)
    defaults: dict[str, object] = {
        "marketplace": "amazon.com",
        "profile_id": f"amzn1.account.TEST{n:06d}",
        "display_name": f"Shopper {n}",
    }
    defaults.update(fields)
    return Reviewer.objects.create(**defaults)


def make_review(product: Product, **fields: object) -> Review:
    n = next(_sequence)
    defaults: dict[str, object] = {
        "marketplace": product.marketplace,
        "review_id": f"RTEST{n:09d}",
        "product": product,
        "rating": 5,
        "posted_date": dt.date(2024, 1, 1) + dt.timedelta(days=n % 300),
    }
    defaults.update(fields)
    return Review.objects.create(**defaults)
