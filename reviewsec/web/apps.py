from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shopper's pages: paste form, progress, verdict."""

    name = "reviewsec.web"
    verbose_name = "Web"
