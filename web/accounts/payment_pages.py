"""The buyer's payment pages (/accounts/payments/): what I owe, pay it by card or mobile money, follow
the attempt until the provider answers, my payments, receipts and refunds.

One generic target, (purpose, id), from `payments.dues`: an invoice, a deal's deposit or balance, a reservation's
deposit: all use the same pay and status pages. Every write goes through
`payments.services`, as the API does; nothing here speaks to a provider but through them.
"""

from __future__ import annotations

import contextlib
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Currency
from notifications.models import Notification
from payments import dues, services, states, stripe_gateway, testmode
from payments.failure_reasons import buyer_reason
from payments.mobile import ROUTES
from payments.models import LedgerEntry, Method, Payment, Provider
from reliability.errors import TransientError

from .forms import PayForm

OPERATOR_LABELS = {
    Provider.MPESA: "M-Pesa",
    Provider.MTN_MOMO: "MTN MoMo",
    Provider.ORANGE_MONEY: "Orange Money",
    Provider.AIRTEL_MONEY: "Airtel Money",
}
# Seconds the status page waits for a phone approval before it says so and offers what to do next.
PHONE_WAIT_SECONDS = 120
# The notifications the payments page lists (payments.notify.notify_outcome), newest first.
PAYMENT_NOTICES = ("payment_received", "payment_failed")
NOTICES_SHOWN = 10


def _buyer(request):
    buyer = getattr(request.user, "buyer", None)
    if buyer is None:
        raise Http404("Payments are for buyers.")
    return buyer


def _own_payment(request, payment_id) -> Payment:
    payment = dues.payments_of(_buyer(request)).filter(pk=payment_id).first()
    if payment is None:
        raise Http404("No such payment of yours.")
    return payment


def operators_for(country: str) -> list[tuple[str, str]]:
    """The mobile-money operators that collect in the buyer's country, as (provider, label)."""
    return [(p, OPERATOR_LABELS[p]) for (cc, p) in ROUTES if cc == (country or "").upper()]


def rates_date(codes) -> object:
    """The date of the older of the rates a conversion between `codes` would use."""
    others = [c for c in codes if c != "USD"]
    dates = list(Currency.objects.filter(code__in=others).values_list("rate_updated_at", flat=True))
    return min(dates) if dates else None


def _labelled(payments) -> list[Payment]:
    payments = list(payments)
    for payment in payments:
        payment.operator_label = OPERATOR_LABELS.get(payment.provider, "")
    return payments


def payment_notices(user) -> list[Notification]:
    """What we told the buyer about their payments, worded in the page's language from each
    notification's context (the stored summary is the message as sent)."""
    notices = list(
        Notification.objects.filter(user=user, event_type__in=PAYMENT_NOTICES).order_by("-created_at")[:NOTICES_SHOWN]
    )
    for notice in notices:
        notice.reason = buyer_reason(notice.context.get("failure_code") or "")
    return notices


@login_required
def payments_page(request):
    buyer = _buyer(request)
    return render(
        request,
        "accounts/payments.html",
        {
            "dues": dues.dues_of(buyer),
            "payments": _labelled(dues.payments_of(buyer)[:50]),
            "notices": payment_notices(request.user),
        },
    )


@login_required
def pay(request, purpose: str, target_id: int):
    buyer = _buyer(request)
    target = dues.target_of(buyer, purpose, target_id)
    if target is None:
        messages.info(request, _("There is nothing left to pay on this."))
        return redirect("accounts:payments")
    if target.open_payment_id:
        # A payment for it is under way (a reload, a second tab, a double click): follow that one.
        return redirect("accounts:payment", payment_id=target.open_payment_id)
    operators = operators_for(buyer.country)
    form = PayForm(
        request.POST or None,
        operators=operators,
        test_mode=settings.PAYMENTS_TEST_MODE,
        initial={"client_key": uuid.uuid4().hex, "phone": buyer.phone_e164},
    )
    if request.method == "POST" and form.is_valid():
        payment = _start(request, buyer, target, form)
        if payment is not None:
            return redirect("accounts:payment", payment_id=payment.pk)
    mobile_currencies = sorted({ROUTES[(buyer.country.upper(), p)] for p, _label in operators})
    return render(
        request,
        "accounts/pay.html",
        {
            "target": target,
            "form": form,
            "operators": operators,
            "test_cards": testmode.TEST_CARDS,
            "mobile_currencies": mobile_currencies,
            "rates_date": rates_date([target.currency, *mobile_currencies]) if mobile_currencies else None,
            "phone_rules": testmode,
        },
        status=400 if form.errors else 200,
    )


def _start(request, buyer, target, form) -> Payment | None:
    data = form.cleaned_data
    kwargs = {"user": request.user, "client_key": data["client_key"], "ip": request.META.get("REMOTE_ADDR")}
    try:
        if data["method"] == Method.CARD:
            method_id = ""
            if settings.PAYMENTS_TEST_MODE:
                card = testmode.CARDS_BY_KEY[data["test_card"]]
                method_id = stripe_gateway.create_test_card(card.number)
                stripe_gateway.attach_payment_method(buyer, method_id)
            payment, _created = services.create_payment(
                **target.create_kwargs(), method=Method.CARD, payment_method_id=method_id, **kwargs
            )
        else:
            payment, _created = services.create_payment(
                **target.create_kwargs(),
                method=Method.MOBILE_MONEY,
                provider=data["operator"],
                phone=data["phone"],
                country=buyer.country,
                **kwargs,
            )
    except stripe_gateway.PaymentMethodRejected as exc:
        form.add_error(None, _("The card was refused: %(why)s") % {"why": exc})
        return None
    except services.PaymentConflict as exc:
        if exc.payment_id:
            return Payment.objects.get(pk=exc.payment_id)
        form.add_error(None, _("A payment for this is already in progress."))
        return None
    except services.PaymentInputError as exc:
        form.add_error(None, str(exc))
        return None
    except (services.PaymentBlocked, services.ProviderUnavailable, stripe_gateway.StripeUnavailable) as exc:
        form.add_error(None, str(exc))
        return None
    if payment.state == states.CREATED:
        # If the provider does not answer, the attempt stays; its page offers to send it again (same key).
        with contextlib.suppress(services.ProviderUnavailable):
            payment = services.submit_payment(payment.id, actor=request.user)
    return payment


def _status(payment: Payment) -> dict:
    """What the status page shows and its script polls."""
    waiting_phone = payment.method == Method.MOBILE_MONEY and payment.state in states.OPEN
    return {
        "id": str(payment.pk),
        "state": payment.state,
        "open": payment.state in states.OPEN,
        "succeeded": payment.state in states.CAPTURED,
        "failure": payment.failure_message,
        "waiting_phone": waiting_phone,
        "needs_challenge": payment.method == Method.CARD and payment.state == states.REQUIRES_ACTION,
    }


@login_required
def payment_page(request, payment_id):
    payment = _own_payment(request, payment_id)
    # Seconds since the attempt started: a reloaded page resumes its countdown instead of restarting it.
    waited = int((timezone.now() - payment.created_at).total_seconds()) if payment.state in states.OPEN else 0
    return render(
        request,
        "accounts/payment.html",
        {
            "payment": payment,
            "status": _status(payment),
            "operator": OPERATOR_LABELS.get(payment.provider, ""),
            "failure_reason": buyer_reason(payment.failure_code),
            "ledger": payment.ledger.order_by("id"),
            "refunds": payment.refunds.order_by("created_at"),
            "wait_seconds": PHONE_WAIT_SECONDS,
            "waited": waited,
            "retry_url": _retry_url(payment),
        },
    )


def _retry_url(payment) -> str:
    if payment.invoice_id:
        return reverse("accounts:pay", args=["invoice", payment.invoice_id])
    if payment.reservation_id and payment.purpose == "reservation":
        return reverse("accounts:pay", args=["reservation", payment.reservation_id])
    if payment.deal_id and payment.purpose in ("deal", "deposit"):
        return reverse("accounts:pay", args=[payment.purpose, payment.deal_id])
    return reverse("accounts:payments")


@login_required
def payment_status(request, payment_id):
    """The state as JSON for the status page's script (polled every few seconds while open)."""
    response = JsonResponse(_status(_own_payment(request, payment_id)))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def payment_check(request, payment_id):
    """Ask the provider now (after approving on the phone, or when the wait ran out)."""
    payment = _own_payment(request, payment_id)
    try:
        if payment.state == states.CREATED:
            services.submit_payment(payment.id, actor=request.user)
        else:
            services.refresh_payment(payment.id, cause=LedgerEntry.Cause.API, actor=request.user, reference="check")
    except (services.ProviderUnavailable, TransientError):
        # The reconciler keeps asking; the page says so instead of failing.
        messages.warning(request, _("The provider did not answer; we keep asking. Check again in a moment."))
    return redirect("accounts:payment", payment_id=payment.pk)


@require_POST
@login_required
def payment_cancel(request, payment_id):
    payment = _own_payment(request, payment_id)
    try:
        services.cancel_payment(payment.id, actor=request.user)
    except services.PaymentInputError as exc:
        messages.error(request, str(exc))
    return redirect("accounts:payment", payment_id=payment.pk)


@require_POST
@login_required
def payment_test_challenge(request, payment_id):
    """Test mode: the buyer passes or fails the 3-D Secure challenge of the local test endpoint."""
    if not settings.PAYMENTS_TEST_MODE:
        raise Http404("Test mode only.")
    payment = _own_payment(request, payment_id)
    if payment.state == states.REQUIRES_ACTION and payment.method == Method.CARD:
        stripe_gateway.complete_test_challenge(payment, success=request.POST.get("result") == "pass")
        services.refresh_payment(payment.id, cause=LedgerEntry.Cause.API, actor=request.user, reference="3ds")
    return redirect("accounts:payment", payment_id=payment.pk)


@login_required
def receipt(request, payment_id):
    payment = _own_payment(request, payment_id)
    if payment.state not in states.CAPTURED:
        raise Http404("Only a payment that went through has a receipt.")
    return render(
        request,
        "accounts/receipt.html",
        {
            "payment": payment,
            "operator": OPERATOR_LABELS.get(payment.provider, ""),
            "refunds": payment.refunds.order_by("created_at"),
        },
    )
