"""Sign-in, sign-out, registration, password reset and the account's own pages (/accounts/)."""

app_name = "accounts"
urlpatterns: list = []
