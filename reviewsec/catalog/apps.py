from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Products, their reviews and reviewers, as crawled from a marketplace."""

    name = "reviewsec.catalog"
    verbose_name = "Catalog"
