"""The buyers' pages (mounted at the site root)."""

from django.urls import path

from . import asking, dealer_page, reserving, views

app_name = "web"
urlpatterns = [
    path("", views.search, name="search"),
    path("vehicles/<int:vehicle_id>/", views.vehicle, name="vehicle-short"),
    path("vehicles/<int:vehicle_id>/<slug:slug>/", views.vehicle, name="vehicle"),
    # Local photo storage (PHOTOS_PUBLIC_URL defaults to /media/); a bucket serves them in production.
    path("media/<path:name>", views.photo_file, name="photo-file"),
    path("vehicles/<int:vehicle_id>/ask", asking.ask, name="ask"),
    path("vehicles/<int:vehicle_id>/ask/confirm", asking.ask_confirm, name="ask-confirm"),
    path("vehicles/<int:vehicle_id>/reserve", reserving.reserve, name="reserve"),
    path("dealers/<int:dealer_id>/", dealer_page.dealer_page, name="dealer-short"),
    path("dealers/<int:dealer_id>/<slug:slug>/", dealer_page.dealer_page, name="dealer"),
]
