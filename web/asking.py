"""Asking a dealer from the vehicle page: a signed-in buyer's message goes at once; a guest's waits
until the guest types the code sent to the phone or e-mail they gave (then they are signed in to
their guest account, where the thread lives)."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import Vehicle
from inquiries import selectors as inquiry_selectors
from inquiries import services as inquiry_services
from inquiries.limits import InquiryRefused
from jobs.ratelimit import TokenBucket
from notifications.confirmations import TooManyCodes
from web.referrals import session_broker

GUEST_SESSION_KEY = "guest-inquiry"


class AskForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your question"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        max_length=2000,
        initial="",
    )
    # Drawn with the form: sending the same form twice makes one message.
    client_key = forms.UUIDField(widget=forms.HiddenInput)


class GuestAskForm(AskForm):
    name = forms.CharField(
        label=gettext_lazy("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact = forms.CharField(
        label=gettext_lazy("Your phone (WhatsApp) or e-mail"),
        max_length=254,
        help_text=gettext_lazy("We send you a code to confirm it; the dealer answers you there and here."),
        widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    # Hidden from people; a bot that fills every field fills it too.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    field_order = ["name", "contact", "body", "website", "client_key"]

    def clean_contact(self):
        try:
            return inquiry_services.read_contact(self.cleaned_data["contact"])
        except (ValueError, ValidationError):
            raise ValidationError(
                _("Give a phone number with its country code (e.g. +254 712 345678) or an e-mail address.")
            ) from None


class GuestCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        min_length=6,
        max_length=7,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}),
    )


def ask_context(request, detail: dict) -> dict:
    """What the vehicle page's "ask the dealer" section needs."""
    user = request.user
    thread = None
    if user.is_authenticated:
        thread = inquiry_selectors.buyer_inquiry_about(user.pk, detail["id"])
    form_class = AskForm if user.is_authenticated else GuestAskForm
    return {
        "ask_form": form_class(initial={"client_key": uuid.uuid4()}),
        "thread": thread,
        "response_time": inquiry_selectors.dealer_response_time(detail["dealer"]["id"]),
    }


def _vehicle_or_404(vehicle_id: int) -> Vehicle:
    vehicle = Vehicle.objects.filter(pk=vehicle_id).select_related("dealer").first()
    if vehicle is None:
        raise Http404("No vehicle with this id.")
    return vehicle


def _page_again(request, vehicle: Vehicle, form, *, error: str = "", status: int = 400):
    """A refused or invalid question: a small page with the form as the buyer filled it (not the whole
    vehicle page again: photos and similar vehicles cost a phone's data a second time)."""
    return render(
        request, "web/ask_again.html", {"vehicle": vehicle, "ask_form": form, "ask_error": error}, status=status
    )


def _guest_allowed(request) -> bool:
    """Guest questions per client address per hour (each one sends a code to somebody)."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    bucket = TokenBucket(f"guest-inquiry:{address}", rate=settings.INQUIRIES_GUEST_STARTS_PER_ADDRESS_HOUR, per=3600)
    try:
        return bucket.try_take() == 0.0
    except Exception:  # Redis away: the per-address code cap (notifications.confirmations) still holds
        return True


@require_POST
def ask(request, vehicle_id: int):
    vehicle = _vehicle_or_404(vehicle_id)
    user = request.user
    form = (AskForm if user.is_authenticated else GuestAskForm)(request.POST)
    if not form.is_valid():
        return _page_again(request, vehicle, form)
    data = form.cleaned_data
    broker_id = session_broker(request)
    if user.is_authenticated:
        buyer = inquiry_services.buyer_for(user)
        if broker_id is not None:
            inquiry_services.refer(buyer=buyer, broker_id=broker_id)
        try:
            sent = inquiry_services.ask(
                buyer=buyer, vehicle_id=vehicle.pk, body=data["body"], client_key=data["client_key"]
            )
        except InquiryRefused as refused:
            return _page_again(
                request, vehicle, form, error=refused.message, status=429 if "many" in refused.reason else 400
            )
        return redirect("accounts:inquiry", inquiry_id=sent.inquiry.pk)
    if data["website"]:  # the honeypot: answer as if sent, keep nothing
        return redirect(reverse("web:ask-confirm", kwargs={"vehicle_id": vehicle.pk}))
    if not _guest_allowed(request):
        return _page_again(request, vehicle, form, error=InquiryRefused("too_many_guests").message, status=429)
    contact = data["contact"]
    buyer = inquiry_services.guest_buyer(name=data["name"], contact=contact)
    if broker_id is not None:
        inquiry_services.refer(buyer=buyer, broker_id=broker_id)
    try:
        sent = inquiry_services.ask(
            buyer=buyer, vehicle_id=vehicle.pk, body=data["body"], client_key=data["client_key"], held=True
        )
        inquiry_services.send_guest_code(buyer, contact)
    except InquiryRefused as refused:
        return _page_again(
            request, vehicle, form, error=refused.message, status=429 if "many" in refused.reason else 400
        )
    except TooManyCodes:
        return _page_again(
            request,
            vehicle,
            form,
            error=_("Too many codes were sent to this address. Try again in an hour."),
            status=429,
        )
    pending = request.session.get(GUEST_SESSION_KEY) or {}
    if pending.get("user") != buyer.user_id:
        pending = {"user": buyer.user_id, "messages": []}
    pending["messages"] = sorted({*pending["messages"], sent.message.pk})
    pending["channel"] = contact.channel
    request.session[GUEST_SESSION_KEY] = pending
    return redirect(reverse("web:ask-confirm", kwargs={"vehicle_id": vehicle.pk}))


@require_http_methods(["GET", "POST"])
def ask_confirm(request, vehicle_id: int):
    """The guest types the code they were sent; right, their messages go and they are signed in."""
    vehicle = _vehicle_or_404(vehicle_id)
    pending = request.session.get(GUEST_SESSION_KEY) or {}
    form = GuestCodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and pending.get("user"):
        result = (
            inquiry_services.confirm_guest(
                user_id=pending["user"], message_ids=pending["messages"], code=form.data.get("code", "")
            )
            if form.is_valid()
            else None
        )
        if result is not None and result.ok:
            user = get_user_model().objects.get(pk=pending["user"])
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # a new session key
            thread = inquiry_selectors.buyer_inquiry_about(user.pk, vehicle.pk)
            return redirect("accounts:inquiry", inquiry_id=thread.pk) if thread else redirect("accounts:inquiries")
        if result is None or result.reason == "wrong":
            error = _("That code is not right. Check the last message we sent.")
        else:
            error = _("That code can no longer be used. Send your question again for a new one.")
    status = 400 if error else 200
    return render(
        request,
        "web/ask_confirm.html",
        {
            "vehicle": vehicle,
            "form": form,
            "error": error,
            "pending": bool(pending.get("user")),
            "channel": pending.get("channel", ""),
        },
        status=status,
    )
