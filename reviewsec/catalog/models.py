"""What the crawler brings home: products, reviews, reviewers and reviewers' other reviews.

Natural keys (marketplace + ASIN, review id, profile id) are unique in the database, so the
crawler's pipelines can upsert and a recrawl updates rows instead of duplicating them.
"""

from django.db import models
from django.db.models import Q


class ReviewSource(models.TextChoices):
    """Where a review came from; submitted reviews are untrusted and stay attributable."""

    CRAWLER = "crawler", "Crawler"
    EXTENSION = "extension", "Browser extension"
    UPLOAD = "upload", "File upload"


class Seller(models.Model):
    """Who sells a product in the buy box ("Sold by"), per marketplace.

    ``seller_id`` is the shop's id (``seller=A1B2C3…`` in the seller's link). Amazon itself and
    e-book publishers are shown by name only; they are keyed ``name:<name>`` so that one name is
    one seller (:func:`seller_key`). Collusion groups span sellers, and moderators' decisions
    about a seller become labels of the next group fit.
    """

    marketplace = models.CharField(max_length=32)
    seller_id = models.CharField(max_length=64, help_text="The shop's id, or name:<name>.")
    name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["marketplace", "seller_id"], name="seller_natural_key"),
        ]
        ordering = ["marketplace", "name", "seller_id"]

    def __str__(self) -> str:
        return self.name or self.seller_id


def seller_key(seller_id: str, name: str) -> str:
    """The seller's natural key: its id, else its name ("name:amazon"); "" when neither is known."""
    seller_id = seller_id.strip()
    if seller_id:
        return seller_id[:64]
    name = " ".join(name.split()).casefold()
    return f"name:{name}"[:64] if name else ""


class Product(models.Model):
    marketplace = models.CharField(max_length=32, help_text="Marketplace domain, e.g. amazon.com.")
    asin = models.CharField("ASIN", max_length=10)
    title = models.TextField(blank=True)
    brand = models.CharField(max_length=255, blank=True)
    seller = models.ForeignKey(
        Seller,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        help_text='The buy box\'s "Sold by", as last seen.',
    )
    category = models.TextField(blank=True, help_text="Category path, e.g. Home › Kitchen › Mugs.")
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    list_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    discount_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    image_url = models.URLField(max_length=1000, blank=True)
    shop_average_rating = models.FloatField(
        null=True, blank=True, help_text="Average rating as the shop shows it."
    )
    shop_rating_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of ratings as the shop shows it."
    )
    star_histogram = models.JSONField(
        default=dict, blank=True, help_text='Percent per star as shown, e.g. {"5": 61, "1": 9}.'
    )
    last_crawled_at = models.DateTimeField(null=True, blank=True)
    last_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When a shopper, the API or the extension last asked."
    )
    next_crawl_at = models.DateTimeField(
        null=True, blank=True, help_text="When the recrawl policy wants this product fetched again."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["next_crawl_at"], name="product_next_crawl")]
        constraints = [
            models.UniqueConstraint(fields=["marketplace", "asin"], name="product_natural_key"),
            models.CheckConstraint(
                condition=Q(shop_average_rating__isnull=True)
                | Q(shop_average_rating__gte=1, shop_average_rating__lte=5),
                name="product_shop_rating_range",
            ),
        ]
        ordering = ["marketplace", "asin"]

    def __str__(self) -> str:
        return f"{self.asin} ({self.marketplace}) {self.title[:60]}".rstrip()


class ReviewSubmission(models.Model):
    """One batch of reviews a client sent (extension) or a file brought (upload).

    Submitted reviews are untrusted: each review remembers the submission that first brought it,
    so moderators can purge exactly those. The client is an API key if it sent one, else a
    salted hash of its IP address (``client_key``); the raw address is never stored.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="submissions")
    source = models.CharField(
        max_length=16,
        choices=[(s.value, s.label) for s in ReviewSource if s != ReviewSource.CRAWLER],
    )
    client_key = models.CharField(
        max_length=80, help_text="key:<API key id>, or ip:<salted hash of the address>."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted = models.PositiveIntegerField(default=0, help_text="New reviews it brought.")
    duplicates = models.PositiveIntegerField(
        default=0, help_text="Reviews we already had (never overwritten)."
    )
    shop_rating_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="The rating count the client says the shop shows."
    )
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The per-client, per-product daily cap sums these.
            models.Index(fields=["client_key", "product", "created_at"], name="submission_cap"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} submission {self.pk} for {self.product.asin}"


class Reviewer(models.Model):
    marketplace = models.CharField(max_length=32)
    profile_id = models.CharField(
        max_length=64, help_text="amzn1.account.… id from the profile URL."
    )
    display_name = models.CharField(max_length=255, blank=True)
    location = models.CharField(max_length=255, blank=True)
    badges = models.JSONField(default=list, blank=True, help_text='e.g. ["vine_voice", "top_1000"]')
    total_reviews = models.PositiveIntegerField(null=True, blank=True)
    helpful_votes = models.PositiveIntegerField(null=True, blank=True)
    crawled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "profile_id"], name="reviewer_natural_key"
            ),
        ]
        ordering = ["marketplace", "profile_id"]

    def __str__(self) -> str:
        return self.display_name or self.profile_id


class Review(models.Model):
    marketplace = models.CharField(max_length=32)
    review_id = models.CharField(max_length=32)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        Reviewer, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    reviewer_name = models.CharField(max_length=255, blank=True)
    rating = models.PositiveSmallIntegerField()
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    posted_date = models.DateField()
    posted_at = models.DateTimeField(
        null=True, blank=True, help_text="Exact time, only when the source gives one."
    )
    country = models.CharField(max_length=64, blank=True)
    verified_purchase = models.BooleanField(default=False)
    vine = models.BooleanField(default=False)
    helpful_votes = models.PositiveIntegerField(default=0)
    variant = models.CharField(max_length=255, blank=True)
    image_count = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(
        max_length=16, choices=ReviewSource.choices, default=ReviewSource.CRAWLER
    )
    submission = models.ForeignKey(
        ReviewSubmission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        help_text="The submission that first brought this review (none for crawled reviews).",
    )
    crawled_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["marketplace", "review_id"], name="review_natural_key"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
        ]
        indexes = [
            # Loading a product's reviews in arrival order is the detector's one big query.
            models.Index(fields=["product", "posted_date", "id"], name="review_product_time"),
        ]
        ordering = ["product", "posted_date", "id"]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.rating}★ {self.title[:50]}"


class ReviewerHistory(models.Model):
    """One of a reviewer's other reviews, as their profile lists it."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="history")
    product_asin = models.CharField("product ASIN", max_length=10)
    product_title = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField()
    posted_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "reviewer histories"
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "product_asin"], name="reviewer_history_natural_key"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="reviewer_history_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.product_asin}: {self.rating}★"
