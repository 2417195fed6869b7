"""Every kind of page under the Content-Security-Policy in a real Chromium: the policy is sent and in force
(an injected inline script does not run), and no page breaks it, scripts and charts included; a dealer
uploads a photo from the console under it (and reads why a damaged file is refused) and the vehicle page
paints the photo's placeholder; the broker's work list, the analysts' demand tables, the buyer's payment
pages (a declined card's reason, a receipt, the payment messages) and the staff's payments and
exchange-rate pages hold data when visited; camera, microphone and geolocation are off
(Permissions-Policy)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from selenium.webdriver.common.by import By

from catalog.models import Dealer, Vehicle
from insights.models import SearchLog
from tests.browser.conftest import committed, fits_the_phone, make_user, shot, sign_in, wait_until
from tests.browser.test_analysts_on_a_phone import _searches_logged, drawn, table
from tests.browser.test_brokers_on_a_phone import _broker_with_work_to_do
from tests.support import photos as files
from tests.support.signin_counts import clean_signin_counts  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Runs in every new document before the page's own scripts (the DevTools protocol is not bound by the
# policy): each violation the page causes is kept, whether or not the console shows it.
RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
"""
REQUIRED = (
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


@pytest.fixture
def guarded(phone):
    """The phone's Chromium with the violation recorder in every page it opens."""
    script = phone.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    phone.get_log("browser")  # what earlier tests left in the console
    yield phone
    phone.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


def _policy(driver) -> str:
    """The Content-Security-Policy this page's address answers with (same session)."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(location.href, {credentials: 'same-origin'}).then("
        "r => done(r.headers.get('content-security-policy') || ''), e => done(String(e)));"
    )


def _violations(driver) -> list[str]:
    """The violations since the last call (both records are emptied)."""
    recorded = driver.execute_script("const v = window.__cspViolations || []; window.__cspViolations = []; return v;")
    console = [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
    return recorded + console


def visit(driver, live_stack, path: str, *, ready: str = "body") -> None:
    """Open the page, let its scripts run, and fail on a missing policy or any violation."""
    driver.get(live_stack.at(path))
    wait_until(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ready), message=f"{path}: no {ready}")
    policy = _policy(driver)
    missing = [directive for directive in REQUIRED if directive not in policy]
    assert not missing, f"{path}: {policy!r} lacks {missing}"
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, policy
    assert _violations(driver) == [], path


def _role(username: str, *groups: str, dealer: Dealer | None = None, staff: bool = False) -> User:
    user = make_user(username, email=f"{username}@example.test", is_staff=staff)

    def link():
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        if dealer:
            dealer.members.add(user)

    committed(link)
    return user


def _in_french(driver, live_stack, path: str, name: str) -> None:
    driver.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    visit(driver, live_stack, path, ready="main h1")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr" and fits_the_phone(driver)
    shot(driver, name)


def _buyer_with_invoices(username: str):
    from accounts.demo import ensure_demo_dues
    from buyers.models import Buyer

    user = make_user(username, email=f"{username}@example.test")
    return committed(lambda: ensure_demo_dues(Buyer.objects.create(user=user, full_name="Awa Diallo", country="KE")))


def _payments_to_show(buyer_user, invoices) -> tuple:
    """A declined card payment (its reason on its page, its message on the payments page) and one that
    went through (its receipt), as the payment services leave them."""
    from decimal import Decimal

    from notifications.models import Notification
    from payments.models import Payment

    def make():
        common = {
            "buyer": buyer_user.buyer,
            "created_by": buyer_user,
            "purpose": "invoice",
            "method": "card",
            "provider": "stripe",
            "currency_id": invoices[0].currency_id,
            "card_brand": "visa",
        }
        declined = Payment.objects.create(
            **common,
            invoice=invoices[0],
            amount=invoices[0].amount,
            state="failed",
            card_last4="0002",
            failure_code="card_declined",
            failure_message="Your card was declined.",
        )
        paid = Payment.objects.create(
            **common,
            invoice=invoices[1],
            amount=invoices[1].amount,
            amount_captured=invoices[1].amount,
            state="succeeded",
            card_last4="4242",
        )
        Notification.objects.create(
            user=buyer_user,
            event_type="payment_failed",
            summary="Your payment did not go through.",
            context={"payment_id": str(declined.pk), "failure_code": "card_declined", "amount": "1", "currency": "USD"},
            deliver_after=declined.created_at,
        )
        return declined, paid

    return committed(make)


def test_the_policy_is_in_force_and_no_public_page_breaks_it(live_stack, guarded):
    market = live_stack.market
    vehicle = Vehicle.objects.filter(status="available").order_by("pk").first()
    dealer = market.dealers[0]
    visit(guarded, live_stack, "/?q=toyota", ready="#result-list")
    # The histograms' bars (heights as classes) in the open filter sheet.
    guarded.find_element(By.XPATH, "//summary[normalize-space()='Filters']").click()
    heights = guarded.execute_script(
        "return [...document.querySelectorAll('.histogram span')].map(b => b.getBoundingClientRect().height);"
    )
    assert heights and max(heights) > 3 * min(heights), heights  # the tallest bar stands out: classes applied
    shot(guarded, "search-under-csp-en", at=".histogram")
    # In force: an inline script put into the page does not run, and the refusal is reported.
    ran = guarded.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        "document.body.append(s); return window.__ran === true;"
    )
    assert ran is False
    assert any("script-src" in v for v in _violations(guarded))
    # Features no page uses are off.
    for feature in ("camera", "microphone", "geolocation"):
        assert guarded.execute_script(f"return document.featurePolicy.allowsFeature('{feature}')") is False
    # Typing in the search box: the typeahead's list (and its thumbnails) appear under the policy.
    box = guarded.find_element(By.ID, "q")
    box.clear()
    box.send_keys("toy")
    wait_until(guarded, lambda d: d.find_elements(By.CSS_SELECTOR, "[role=option]"), message="no suggestions")
    assert _violations(guarded) == []
    # A facet chosen: the results are swapped in by script (the phone's filter sheet is closed: a click
    # through the DOM is the same change event).
    visit(guarded, live_stack, "/", ready="#result-list")
    guarded.execute_script("document.querySelector('input[type=checkbox][name=make]').click()")
    wait_until(guarded, lambda d: "make=" in d.current_url, message="the facet did not apply")
    wait_until(guarded, lambda d: not d.find_elements(By.CSS_SELECTOR, "[aria-busy=true]"))
    assert _violations(guarded) == []
    visit(guarded, live_stack, f"/vehicles/{vehicle.pk}/", ready="main h1")
    visit(guarded, live_stack, f"/dealers/{dealer.pk}/", ready="main h1")
    visit(guarded, live_stack, "/accounts/login/", ready="input[name=password]")
    visit(guarded, live_stack, "/accounts/register/", ready="input[name=username]")
    visit(guarded, live_stack, "/accounts/password-reset/", ready="input[name=email]")
    visit(guarded, live_stack, "/no-such-page/", ready="main")
    guarded.get_log("browser")  # the 404 itself is logged as a failed load, not a violation
    visit(guarded, live_stack, "/api/docs", ready=".swagger-ui .info")


def test_console_dashboard_broker_and_account_pages_keep_the_policy(live_stack, guarded, clean_signin_counts, settings):
    market = live_stack.market
    dealer = market.dealers[0]
    vehicle = Vehicle.objects.filter(dealer=dealer, status="available").order_by("pk").first()

    sign_in(guarded, live_stack, market.member.username, next_path=f"/dealer/{dealer.pk}/")
    visit(guarded, live_stack, f"/dealer/{dealer.pk}/", ready="main")
    visit(guarded, live_stack, f"/dealer/{dealer.pk}/leads", ready="main")
    visit(guarded, live_stack, f"/dealer/{dealer.pk}/inbox", ready="main")
    for page in ("import", "contact", "reservations/", "reviews"):
        visit(guarded, live_stack, f"/dealer/{dealer.pk}/{page}", ready="main")
    # A photo uploaded from the console (its script, its progress) under the policy.
    visit(guarded, live_stack, f"/dealer/{dealer.pk}/vehicles/{vehicle.pk}/", ready="#photo-files")
    photo = files.jpeg(1200, 900, colour=(40, 120, 200))
    path = "/tmp/csp-photo.jpg"
    with open(path, "wb") as out:
        out.write(photo)
    guarded.find_element(By.CSS_SELECTOR, "#photo-files").send_keys(path)
    guarded.find_element(By.CSS_SELECTOR, "#photo-upload button[type=submit]").click()
    wait_until(
        guarded,
        lambda d: d.find_elements(By.CSS_SELECTOR, ".photo-item[data-status=ready]"),
        timeout=60,
        message="the photo was not uploaded and processed",
    )
    assert _violations(guarded) == []
    # A damaged file: the API's refusal shown by the console's script.
    with open("/tmp/csp-damaged.jpg", "wb") as out:
        out.write(files.truncated())
    guarded.find_element(By.CSS_SELECTOR, "#photo-files").send_keys("/tmp/csp-damaged.jpg")
    guarded.find_element(By.CSS_SELECTOR, "#photo-upload button[type=submit]").click()
    wait_until(guarded, lambda d: "damaged or truncated" in d.page_source, message="no refusal shown")
    assert _violations(guarded) == []
    # The vehicle page paints the placeholder behind the photo (through the CSSOM, not a style attribute).
    visit(guarded, live_stack, f"/vehicles/{vehicle.pk}/", ready="main h1")
    background = guarded.execute_script(
        "const img = document.querySelector('img[data-placeholder]'); return img && img.style.backgroundImage;"
    )
    assert background and background.startswith('url("data:'), background
    shot(guarded, "vehicle-under-csp-en")
    _in_french(guarded, live_stack, f"/vehicles/{vehicle.pk}/", "vehicle-under-csp-fr")
    guarded.delete_cookie("django_language")
    guarded.delete_all_cookies()

    if not SearchLog.objects.filter(query_text="toyota 1985").exists():
        committed(_searches_logged)
    sign_in(guarded, live_stack, market.analyst.username, next_path="/analytics/")
    visit(guarded, live_stack, "/analytics/?group_by=make", ready="canvas")
    # Demand beside supply: the demand tables hold rows and their charts are drawn.
    visit(guarded, live_stack, "/analytics/?make=Toyota&country=Kenya", ready='canvas[data-chart="demand-by-country"]')
    wait_until(guarded, lambda d: drawn(d, "demand-by-country") and drawn(d, "searched-not-stocked"))
    assert table(guarded, "searched-not-stocked") and table(guarded, "demand-by-language")
    assert _violations(guarded) == []
    guarded.delete_all_cookies()

    # The broker's work list, with leads and deals waiting on someone.
    if not User.objects.filter(username="broker-work").exists():
        committed(_broker_with_work_to_do)
    sign_in(guarded, live_stack, "broker-work", next_path="/broker/")
    visit(guarded, live_stack, "/broker/", ready="#work li[data-reason]")
    guarded.delete_all_cookies()

    invoices = _buyer_with_invoices("csp-buyer")
    _role("csp-dealer-admin", "dealer_admin", dealer=dealer)
    sign_in(guarded, live_stack, "csp-dealer-admin", next_path="/accounts/")
    members = f"/accounts/dealers/{dealer.pk}/members/"
    visit(guarded, live_stack, members, ready="main h1")
    # The admin invites the buyer; the buyer (below) answers on their own page.
    guarded.find_element(By.NAME, "email").send_keys("csp-buyer@example.test")
    guarded.find_element(By.CSS_SELECTOR, "form.account-form button[type=submit]").click()
    wait_until(guarded, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-invitation]"), message="no invitation")
    assert _violations(guarded) == [] and fits_the_phone(guarded)
    shot(guarded, "members-invitation-en")
    _in_french(guarded, live_stack, members, "members-invitation-fr")
    guarded.delete_all_cookies()

    sign_in(guarded, live_stack, "csp-buyer", next_path="/accounts/")
    for path in ("/accounts/", "/accounts/tokens/", "/accounts/saved-searches/", "/accounts/notifications/"):
        visit(guarded, live_stack, path, ready="main h1")
    visit(guarded, live_stack, "/accounts/invitations/", ready="[data-id] button")
    assert fits_the_phone(guarded)
    shot(guarded, "invitations-en")
    _in_french(guarded, live_stack, "/accounts/invitations/", "invitations-fr")
    guarded.delete_cookie("django_language")
    visit(guarded, live_stack, "/accounts/invitations/", ready="[data-id] button")
    guarded.find_element(By.CSS_SELECTOR, "[data-id] form button[type=submit]").click()  # accept
    wait_until(guarded, lambda d: d.find_elements(By.CSS_SELECTOR, ".messages"), message="no answer")
    assert committed(lambda: dealer.members.filter(username="csp-buyer").exists())
    visit(guarded, live_stack, f"/accounts/payments/pay/invoice/{invoices[0].pk}/", ready="main h1")
    # The payment pages of test mode: a declined card says why, the messages about payments are listed,
    # a payment that went through has its receipt.
    declined, paid = _payments_to_show(User.objects.get(username="csp-buyer"), invoices)
    visit(guarded, live_stack, "/accounts/payments/", ready="main h1")
    assert "Your bank declined the card." in guarded.page_source
    visit(guarded, live_stack, f"/accounts/payments/{declined.pk}/", ready="main h1")
    assert "Your bank declined the card." in guarded.page_source
    visit(guarded, live_stack, f"/accounts/payments/{paid.pk}/", ready="main h1")
    visit(guarded, live_stack, f"/accounts/payments/{paid.pk}/receipt/", ready="main h1")
    visit(guarded, live_stack, "/accounts/reservations/", ready="main h1")
    guarded.delete_all_cookies()

    _role("csp-staff", "staff", staff=True)
    sign_in(guarded, live_stack, "csp-staff", next_path="/admin/")
    visit(guarded, live_stack, "/admin/", ready="#content")
    # The staff's payments list and exchange-rate page, with the rates' pause as production keeps it.
    settings.PAYMENTS_FX_ACCEPT_STALE = False
    visit(guarded, live_stack, "/admin/payments/payment/", ready="#result_list")
    visit(guarded, live_stack, "/admin/payments/exchangerate/", ready="#result_list")
    assert "KES" in guarded.page_source
