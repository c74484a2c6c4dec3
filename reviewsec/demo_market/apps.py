from django.apps import AppConfig


class DemoMarketConfig(AppConfig):
    """A local shop serving Amazon-shaped pages from simulated data (``DEMO_MARKET=1``)."""

    name = "reviewsec.demo_market"
    verbose_name = "Demo marketplace"
