"""Top-level URL map: the shopper's pages, the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("reviewsec.api.urls")),
    path("demo-market/", include("reviewsec.demo_market.urls")),
    path("", include("reviewsec.web.urls")),
]
