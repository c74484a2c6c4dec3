from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from reviewsec.api import reviewers, submissions, views

app_name = "api"

urlpatterns = [
    path("analyses", views.AnalysesView.as_view(), name="analyses"),
    path("jobs/<int:job_id>", views.JobView.as_view(), name="job-detail"),
    path(
        "products/<str:marketplace>/<str:asin>/verdict",
        views.ProductVerdictView.as_view(),
        name="product-verdict",
    ),
    path(
        "products/<str:marketplace>/<str:asin>/analyses",
        views.ProductAnalysesView.as_view(),
        name="product-analyses",
    ),
    path(
        "products/<str:marketplace>/<str:asin>/reviews",
        submissions.ProductReviewsView.as_view(),
        name="product-reviews",
    ),
    path(
        "reviewers/<str:marketplace>/<str:profile_id>",
        reviewers.ReviewerView.as_view(),
        name="reviewer-detail",
    ),
    path("uploads", submissions.UploadsView.as_view(), name="uploads"),
    path("uploads/<uuid:job_id>", submissions.UploadJobView.as_view(), name="upload-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: every other path under /api/v1/ answers 404 in the API's error envelope.
    re_path(r"^.*$", views.UnknownPathView.as_view(), name="unknown"),
]
