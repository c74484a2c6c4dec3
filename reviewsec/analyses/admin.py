from django.contrib import admin

from reviewsec.analyses.models import Analysis, CrawlJob, ReferenceModelVersion


@admin.register(CrawlJob)
class CrawlJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "product",
        "state",
        "stage",
        "reviews_fetched",
        "reviews_expected",
        "attempts",
        "created_at",
        "finished_at",
    )
    list_filter = ("state", "stage", "error_code")
    search_fields = ("product__asin", "celery_task_id", "error")
    list_select_related = ("product",)
    raw_id_fields = ("product",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = (
        "product",
        "category",
        "pci",
        "ero_satisfaction",
        "reviews_analyzed",
        "detector_version",
        "created_at",
    )
    list_filter = ("category", "detector_version", "created_at")
    search_fields = ("product__asin", "product__title")
    list_select_related = ("product",)
    raw_id_fields = ("product", "crawl_job")
    readonly_fields = ("created_at",)


@admin.register(ReferenceModelVersion)
class ReferenceModelVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "reference_products", "is_active", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("created_at",)
