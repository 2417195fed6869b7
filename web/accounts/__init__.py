"""The account pages at /accounts/: sign-in, registration, password reset, saved searches, price watches,
notification preferences, API tokens, dealer members. Roles, tokens and the sign-in audit they use live
in `platform/accounts` (the `accounts` app)."""
