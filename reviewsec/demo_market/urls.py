from django.urls import path

from reviewsec.demo_market import views

app_name = "demo_market"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("dp/<str:asin>", views.product_page, name="product"),
    path("<slug:slug>/dp/<str:asin>", views.product_page, name="product-with-slug"),
    path("product-reviews/<str:asin>", views.review_page, name="reviews"),
    path("<slug:slug>/product-reviews/<str:asin>", views.review_page, name="reviews-with-slug"),
    path("gp/profile/<str:profile_id>", views.profile_page, name="profile"),
    path("ap/signin", views.signin_page, name="signin"),
]
