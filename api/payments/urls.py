"""Routes under /api/v1/payments/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.PaymentListCreateApi.as_view(), name="payments"),
    path("methods", views.PaymentMethodsApi.as_view(), name="payment-methods"),
    path(
        "methods/<str:payment_method_id>/default",
        views.PaymentMethodDefaultApi.as_view(),
        name="payment-method-default",
    ),
    path("metrics", views.PaymentMetricsApi.as_view(), name="payment-metrics"),
    path("invoices", views.InvoiceListCreateApi.as_view(), name="invoices"),
    path("webhooks/stripe", views.StripeWebhookApi.as_view(), name="stripe-webhook"),
    path("callbacks/airtel_money", views.AirtelCallbackApi.as_view(), name="airtel-callback"),
    path(
        "callbacks/<str:provider>/<uuid:payment_id>/<str:token>",
        views.ProviderCallbackApi.as_view(),
        name="payment-callback",
    ),
    path("<uuid:payment_id>", views.PaymentDetailApi.as_view(), name="payment"),
    path("<uuid:payment_id>/submit", views.PaymentSubmitApi.as_view(), name="payment-submit"),
    path("<uuid:payment_id>/confirm", views.PaymentConfirmApi.as_view(), name="payment-confirm"),
    path("<uuid:payment_id>/cancel", views.PaymentCancelApi.as_view(), name="payment-cancel"),
    path("<uuid:payment_id>/refunds", views.PaymentRefundApi.as_view(), name="payment-refunds"),
    path("<uuid:payment_id>/ledger", views.PaymentLedgerApi.as_view(), name="payment-ledger"),
]
