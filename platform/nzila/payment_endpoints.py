"""What production refuses: payment providers reached at a test endpoint or with test keys, unless test
mode is set explicitly (NZILA_PAYMENTS_TEST_MODE=1, which the local stack writes for itself). Pure:
settings.py calls it with its values, a unit test with any."""

from __future__ import annotations

from urllib.parse import urlsplit

LIVE_STRIPE_BASE = "https://api.stripe.com"
# Hosts that are never a live provider.
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def _is_test_host(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme != "https" or host in _LOCAL_HOSTS or host.startswith("sandbox.") or "uat" in host


def payment_test_endpoints(
    *, stripe_api_key: str, stripe_api_base: str, operator_urls: dict[str, str], fx_accept_stale: bool = False
) -> list[str]:
    """Each reason the payment settings are test settings: endpoints that move no real money, test keys,
    stale exchange rates accepted for charging (empty: all live)."""
    problems = []
    if stripe_api_key.startswith(("sk_test_", "rk_test_")):
        problems.append("STRIPE_API_KEY is a test key")
    if stripe_api_base.rstrip("/") != LIVE_STRIPE_BASE:
        problems.append(f"STRIPE_API_BASE is {stripe_api_base}, not {LIVE_STRIPE_BASE}")
    for name, url in sorted(operator_urls.items()):
        if url and _is_test_host(url):
            problems.append(f"{name} is a test endpoint ({url})")
    if fx_accept_stale:
        problems.append("NZILA_PAYMENTS_FX_ACCEPT_STALE charges with stale exchange rates")
    return problems
