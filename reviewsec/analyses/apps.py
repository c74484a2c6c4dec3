from typing import Any

from django.apps import AppConfig
from django.core.signals import request_started

_WARM_UP = "reviewsec.analyses.crawler_warm_up"


class AnalysesConfig(AppConfig):
    """Crawl jobs, detector runs (analyses) and the reference models they use."""

    name = "reviewsec.analyses"
    verbose_name = "Analyses"

    def ready(self) -> None:
        # Imported once the app registry is ready (tasks import models): registers the crawl
        # task by name for ``reviewsec.lib.dispatch``, even in a process that is not a worker.
        from reviewsec.analyses import tasks  # noqa: F401

        # A server's first request (the shopper opening the paste page) starts a warm crawler
        # child, if crawls run in this process (services.crawler_warm_up decides).
        request_started.connect(_first_request, dispatch_uid=_WARM_UP)


def _first_request(**kwargs: Any) -> None:
    from reviewsec.analyses.services import crawler_warm_up

    if request_started.disconnect(dispatch_uid=_WARM_UP):  # once, whichever thread is first
        crawler_warm_up()
