from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The versioned JSON API for browser extensions (``/api/v1/``) and its API keys."""

    name = "reviewsec.api"
    label = "api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        from reviewsec.api import schema  # noqa: F401  (registers the API-key scheme)
