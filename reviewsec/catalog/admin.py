from django.contrib import admin

from reviewsec.catalog.models import Product, Review, Reviewer, ReviewerHistory, Seller


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "asin",
        "marketplace",
        "title",
        "brand",
        "seller",
        "shop_average_rating",
        "shop_rating_count",
        "last_crawled_at",
    )
    list_filter = ("marketplace", "last_crawled_at")
    search_fields = ("asin", "title", "brand", "seller__name", "seller__seller_id")
    date_hierarchy = "last_crawled_at"
    readonly_fields = ("created_at", "updated_at")
    list_select_related = ("seller",)
    raw_id_fields = ("seller",)


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ("name", "seller_id", "marketplace", "created_at")
    list_filter = ("marketplace",)
    search_fields = ("name", "seller_id")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = (
        "review_id",
        "product",
        "rating",
        "posted_date",
        "verified_purchase",
        "helpful_votes",
        "source",
    )
    list_filter = ("rating", "verified_purchase", "vine", "source", "marketplace", "country")
    search_fields = ("review_id", "title", "product__asin", "reviewer_name")
    date_hierarchy = "posted_date"
    list_select_related = ("product",)
    raw_id_fields = ("product", "reviewer")


class ReviewerHistoryInline(admin.TabularInline):
    model = ReviewerHistory
    extra = 0


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ("profile_id", "display_name", "marketplace", "location", "total_reviews")
    list_filter = ("marketplace",)
    search_fields = ("profile_id", "display_name")
    inlines = [ReviewerHistoryInline]


@admin.register(ReviewerHistory)
class ReviewerHistoryAdmin(admin.ModelAdmin):
    list_display = ("reviewer", "product_asin", "rating", "posted_date")
    list_filter = ("rating",)
    search_fields = ("product_asin", "reviewer__profile_id")
    raw_id_fields = ("reviewer",)
