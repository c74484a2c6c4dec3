"""Sellers as the shops and submissions name them: one upsert used by the crawler's store,
extension batches and uploads, so a seller seen through any of them is one row."""

from __future__ import annotations

from reviewsec.catalog.models import Product, Seller, seller_key

SELLER_NAME_MAX = 255


def seller_upsert(*, marketplace: str, seller_id: str = "", name: str = "") -> Seller | None:
    """The seller with this id (or, without one, this name); ``None`` when neither is given.

    A name seen later fills an empty one and a changed name replaces the old: shops rename
    storefronts, the id stays.
    """
    key = seller_key(seller_id, name)
    if not key:
        return None
    name = " ".join(name.split())[:SELLER_NAME_MAX]
    seller, created = Seller.objects.get_or_create(
        marketplace=marketplace, seller_id=key, defaults={"name": name}
    )
    if not created and name and seller.name != name:
        seller.name = name
        seller.save(update_fields=["name"])
    return seller


def product_seller_set(
    *, product: Product, seller_id: str = "", name: str = "", only_if_unknown: bool = False
) -> Seller | None:
    """Record who sells ``product``; keeps the known seller when nothing new is given.

    ``only_if_unknown`` is for untrusted sources (extension batches): they may fill an empty
    seller but never replace one a crawl (or an earlier batch) recorded.
    """
    if only_if_unknown and product.seller_id is not None:
        return product.seller
    seller = seller_upsert(marketplace=product.marketplace, seller_id=seller_id, name=name)
    if seller is not None and product.seller_id != seller.pk:
        product.seller = seller
        product.save(update_fields=["seller", "updated_at"])
    return seller
