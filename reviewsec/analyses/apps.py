from django.apps import AppConfig


class AnalysesConfig(AppConfig):
    """Crawl jobs, detector runs (analyses) and the reference models they use."""

    name = "reviewsec.analyses"
    verbose_name = "Analyses"

    def ready(self) -> None:
        # Imported once the app registry is ready (tasks import models): registers the crawl
        # task by name for ``reviewsec.lib.dispatch``, even in a process that is not a worker.
        from reviewsec.analyses import tasks  # noqa: F401
