"""The dealers' console (/dealer/) and the brokers' pages (/broker/)."""

from django.urls import path

from . import broker, holds, inbox, inventory, photos, reservations, reviews, views, what_sells

app_name = "dealers_console"
urlpatterns = [
    path("dealer/", views.pick_dealer, name="pick"),
    path("dealer/<int:dealer_id>/", inventory.inventory, name="inventory"),
    path("dealer/<int:dealer_id>/vehicles/new", views.add_vehicle_page, name="add-vehicle"),
    path("dealer/<int:dealer_id>/vehicles/<int:vehicle_id>/", views.edit_vehicle, name="edit-vehicle"),
    path("dealer/<int:dealer_id>/vehicles/<int:vehicle_id>/photos", photos.upload, name="photos-upload"),
    path(
        "dealer/<int:dealer_id>/vehicles/<int:vehicle_id>/photos/<int:photo_id>",
        photos.photo_action,
        name="photo-action",
    ),
    path("dealer/<int:dealer_id>/vehicles/<int:vehicle_id>/confirm-price", holds.confirm_price, name="confirm-price"),
    path("dealer/<int:dealer_id>/bulk", views.bulk, name="bulk"),
    path("dealer/<int:dealer_id>/export.csv", views.export_csv, name="export"),
    path("dealer/<int:dealer_id>/import", views.import_csv, name="import"),
    path("dealer/<int:dealer_id>/import/rejects.csv", views.import_rejects_csv, name="import-rejects"),
    path("dealer/<int:dealer_id>/leads", views.leads, name="leads"),
    path("dealer/<int:dealer_id>/what-sells", what_sells.what_sells_page, name="what-sells"),
    path("dealer/<int:dealer_id>/contact", views.contact, name="contact"),
    path("dealer/<int:dealer_id>/contact/send-code", views.contact_send_code, name="contact-send-code"),
    path("dealer/<int:dealer_id>/contact/verify", views.contact_verify, name="contact-verify"),
    path("dealer/<int:dealer_id>/inbox", inbox.inbox, name="inbox"),
    path("dealer/<int:dealer_id>/reservations/", reservations.reservations, name="reservations"),
    path("dealer/<int:dealer_id>/reviews", reviews.reviews, name="reviews"),
    path("dealer/<int:dealer_id>/reviews/<int:review_id>/answer", reviews.answer, name="review-answer"),
    path(
        "dealer/<int:dealer_id>/reservations/<int:reservation_id>/answer",
        reservations.answer,
        name="reservation-answer",
    ),
    path("dealer/<int:dealer_id>/inbox/<int:inquiry_id>", inbox.thread, name="inquiry"),
    path("dealer/<int:dealer_id>/inbox/<int:inquiry_id>/block", inbox.block, name="inquiry-block"),
    path("broker/", broker.broker_home, name="broker"),
    path("broker/leads/new", broker.register_lead, name="broker-lead"),
    path("broker/statements", broker.statements, name="statements"),
    path("broker/statements.csv", broker.statements_csv, name="statements-csv"),
]
