from django.apps import AppConfig


class AnalysesConfig(AppConfig):
    """Crawl jobs, detector runs (analyses) and the CvT threshold models they use."""

    name = "reviewsec.analyses"
    verbose_name = "Analyses"
