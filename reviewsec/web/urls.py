from django.urls import path

from reviewsec.web import uploads, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/<int:job_id>/", views.job_progress, name="job-progress"),
    path("jobs/<int:job_id>/status.json", views.job_status, name="job-status"),
    path("p/<str:marketplace>/<str:asin>/", views.product_verdict, name="product-verdict"),
    path("p/<str:marketplace>/<str:asin>/verdict.json", views.verdict_json, name="verdict-json"),
    path("p/<str:marketplace>/<str:asin>/analyse", views.product_analyse, name="product-analyse"),
    path("upload/", uploads.upload, name="upload"),
    path("uploads/<uuid:job_id>/", uploads.upload_progress, name="upload-progress"),
    path("uploads/<uuid:job_id>/status.json", uploads.upload_status, name="upload-status"),
]
