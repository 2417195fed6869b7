"""The brokers' page (/broker/): their leads, deals, tier, progress and earnings; staff see and export
every statement."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import BROKER, STAFF, has_role, role_required
from catalog.models import Vehicle
from inquiries import selectors as inquiry_selectors
from inquiries import services as inquiry_services
from inquiries.limits import InquiryRefused
from nzila.text_input import whole_number
from sales.broker_work import broker_work
from sales.commissions import broker_summary
from sales.models import CommissionStatement
from sales.selectors import broker_deals, broker_leads
from web.downloads import csv_download
from web.referrals import referral_token

STATEMENT_COLUMNS = ("statement", "broker_id", "broker", "period_start", "period_end", "entries", "total_usd")
STATEMENTS_SHOWN = 200


@require_GET
@role_required(BROKER, STAFF)
def broker_home(request):
    """A broker's own page; staff pass ?broker=<user id> to see one broker's (or get the statements)."""
    is_staff = has_role(request.user, STAFF)
    if "broker" in request.GET:
        if not is_staff:
            raise PermissionDenied("Only staff see another broker's page.")
        broker_id = whole_number(request.GET["broker"])
        if broker_id is None:
            return render(request, "dealers/bad_request.html", {"message": "broker: give a user id."}, status=400)
        broker = get_object_or_404(get_user_model(), pk=broker_id)
    elif has_role(request.user, BROKER):
        broker = request.user
    else:
        return statements(request)
    context = {
        "broker": broker,
        "summary": broker_summary(broker.pk),
        "leads": broker_leads(broker.pk),
        "deals": broker_deals(broker.pk),
        "is_staff": is_staff,
        "attention": inquiry_selectors.broker_attention(broker.pk),
        "work": broker_work(broker.pk),
    }
    if broker == request.user:
        context["referral_link"] = request.build_absolute_uri(f"/?ref={referral_token(broker.pk)}")
    return render(request, "dealers/broker.html", context)


VEHICLE_IN_URL = re.compile(r"/vehicles/(\d{1,18})(?:/|$)")


class BrokerLeadForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Buyer's name"), max_length=120)
    contact = forms.CharField(label=gettext_lazy("Buyer's phone (WhatsApp) or e-mail"), max_length=254)
    vehicle = forms.CharField(
        label=gettext_lazy("Vehicle"), max_length=300, help_text=gettext_lazy("Its page's address, or its number.")
    )
    body = forms.CharField(
        label=gettext_lazy("The buyer's question"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    client_key = forms.UUIDField(widget=forms.HiddenInput)

    def clean_contact(self):
        try:
            return inquiry_services.read_contact(self.cleaned_data["contact"])
        except (ValueError, ValidationError):
            raise ValidationError(_("Give a phone number with its country code or an e-mail address.")) from None

    def clean_vehicle(self):
        raw = self.cleaned_data["vehicle"].strip()
        found = VEHICLE_IN_URL.search(raw)
        number = found.group(1) if found else raw
        if not number.isdigit() or not Vehicle.objects.filter(pk=int(number)).exists():
            raise ValidationError(_("No such vehicle: paste the address of its page."))
        return int(number)


@require_http_methods(["GET", "POST"])
@role_required(BROKER)
def register_lead(request):
    """A broker registers a buyer's question on their behalf: it reaches the dealer as the buyer's,
    and the lead (and any deal) is the broker's."""
    form = BrokerLeadForm(request.POST or None, initial={"client_key": uuid.uuid4()})
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inquiry_services.register_for_buyer(
                broker=request.user,
                name=data["name"],
                contact=data["contact"],
                vehicle_id=data["vehicle"],
                body=data["body"],
                client_key=data["client_key"],
            )
        except InquiryRefused as refused:
            error = refused.message
        else:
            messages.success(request, _("Sent to the dealer. The lead is yours."))
            return redirect("dealers_console:broker")
    status = 400 if request.method == "POST" else 200
    return render(request, "dealers/broker_lead.html", {"form": form, "error": error}, status=status)


def _statements():
    return CommissionStatement.objects.select_related("broker").order_by("-period_end", "broker_id")


@require_GET
@role_required(STAFF)
def statements(request):
    return render(request, "dealers/statements.html", {"statements": _statements()[:STATEMENTS_SHOWN]})


@require_GET
@role_required(STAFF)
def statements_csv(request):
    response, writer = csv_download("commission-statements.csv")
    writer.writerow(STATEMENT_COLUMNS)
    for s in _statements().iterator(chunk_size=2000):
        writer.writerow(
            [s.pk, s.broker_id, s.broker.get_username(), s.period_start, s.period_end, s.entries_count, s.total_usd]
        )
    return response
