"""Sign-in, sign-out, registration, password reset and the account's own pages (/accounts/)."""

from django.urls import path, re_path

from . import conversations, invitations, payment_pages, reservations, reviews, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("login/link/", views.signin_link, name="signin_link"),
    path("login/link/<str:secret>/", views.signin_link_use, name="signin_link_use"),
    path("register/", views.register, name="register"),
    path("register/<str:secret>/", views.register_confirm, name="register_confirm"),
    path("password-reset/", views.PASSWORD_RESET["reset"], name="password_reset"),
    path("password-reset/sent/", views.PASSWORD_RESET["done"], name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PASSWORD_RESET["confirm"], name="password_reset_confirm"),
    path("reset/done/", views.PASSWORD_RESET["complete"], name="password_reset_complete"),
    path("", views.overview, name="overview"),
    path("saved-searches/", views.saved_searches, name="saved_searches"),
    re_path(
        r"^saved-searches/(?P<search_id>[0-9]{1,18})/(?P<action>pause|resume|delete)/$",
        views.saved_search_action,
        name="saved_search_action",
    ),
    path("price-watches/", views.price_watches, name="price_watches"),
    re_path(
        r"^price-watches/(?P<watch_id>[0-9]{1,18})/(?P<action>pause|resume|delete)/$",
        views.price_watch_action,
        name="price_watch_action",
    ),
    path("notifications/", views.notification_preferences, name="notifications"),
    path("inquiries/", conversations.inquiries, name="inquiries"),
    path("inquiries/<int:inquiry_id>/", conversations.inquiry, name="inquiry"),
    path("reservations/", reservations.reservations, name="reservations"),
    path("reservations/<int:reservation_id>/cancel/", reservations.cancel, name="reservation_cancel"),
    path("reviews/", reviews.reviews, name="reviews"),
    path("payments/", payment_pages.payments_page, name="payments"),
    re_path(
        r"^payments/pay/(?P<purpose>invoice|deposit|deal|reservation)/(?P<target_id>[0-9]{1,18})/$",
        payment_pages.pay,
        name="pay",
    ),
    path("payments/<uuid:payment_id>/", payment_pages.payment_page, name="payment"),
    path("payments/<uuid:payment_id>/status/", payment_pages.payment_status, name="payment_status"),
    path("payments/<uuid:payment_id>/check/", payment_pages.payment_check, name="payment_check"),
    path("payments/<uuid:payment_id>/cancel/", payment_pages.payment_cancel, name="payment_cancel"),
    path(
        "payments/<uuid:payment_id>/test-challenge/",
        payment_pages.payment_test_challenge,
        name="payment_test_challenge",
    ),
    path("payments/<uuid:payment_id>/receipt/", payment_pages.receipt, name="receipt"),
    path("tokens/", views.api_tokens, name="tokens"),
    path("tokens/<uuid:token_id>/revoke/", views.api_token_revoke, name="token_revoke"),
    path("invitations/", invitations.invitations, name="invitations"),
    re_path(
        r"^invitations/(?P<invitation_id>[0-9]{1,18})/(?P<action>accept|decline)/$",
        invitations.answer,
        name="invitation_answer",
    ),
    path("dealers/<int:dealer_id>/members/", views.dealer_members_page, name="dealer_members"),
    re_path(
        r"^dealers/(?P<dealer_id>[0-9]{1,18})/invitations/(?P<invitation_id>[0-9]{1,18})/withdraw/$",
        views.dealer_invitation_withdraw,
        name="dealer_invitation_withdraw",
    ),
    path(
        "dealers/<int:dealer_id>/members/<int:user_id>/remove/",
        views.dealer_member_remove,
        name="dealer_member_remove",
    ),
]
