"""The dealers' console: pick a dealer, edit and add vehicles, bulk actions, CSV in and out, leads."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import refuse
from catalog.ingest.fault_words import fault_words, faults_by_row
from catalog.ingest.readers.dealer_csv import EXPORT_COLUMNS, EXPORT_FIGURES
from catalog.models import Vehicle
from catalog.services import (
    InventoryInputError,
    NewVehicle,
    add_vehicle,
    change_prices,
    confirm_dealer_phone,
    dealer_vehicle,
    export_inventory,
    import_inventory,
    known_currencies,
    mark_sold,
    send_dealer_phone_code,
    set_dealer_phone,
    set_dealer_phone_shown,
)
from media.selectors import photo_image
from media.services import vehicle_photos
from notifications.confirmations import TooManyCodes
from sales.selectors import dealer_deals, dealer_leads
from scoring.selectors import scores_for_leads
from search.dealer_selectors import inventory_ids
from search.fields import SPEC_FIELDS
from search.params import InventorySearchParams
from search.request import VehicleQuery
from web.downloads import csv_download
from web.forms import form_status

from .access import CONSOLE_ROLES, console_dealers, dealer_console
from .editing import save_edit
from .forms import BulkForm, CodeForm, DealerContactForm, ImportForm, VehicleAddForm, VehicleEditForm
from .holds import HOLD_REASON_TEXT
from .params import first_error
from .unavailable import search_unavailable_page

# Rejected rows kept in the session for the report's CSV download; a file with more is reported
# in full on the page's counts, and the first ones listed.
KEPT_REJECTS = 2000
SHOWN_REJECTED_ROWS = 200
PICKER_SIZE = 50


@require_GET
def pick_dealer(request):
    refusal = refuse(request, CONSOLE_ROLES)
    if refusal is not None:
        return refusal
    dealers = console_dealers(request.user).order_by("name")
    text = request.GET.get("q", "").strip()
    if text:
        dealers = dealers.filter(name__icontains=text)
    first_two = list(dealers[:2])
    if len(first_two) == 1 and not text:
        return redirect("dealers_console:inventory", dealer_id=first_two[0].pk)
    return render(request, "dealers/pick.html", {"dealers": dealers[:PICKER_SIZE], "q": text})


def _form_error(form, exc: InventoryInputError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@dealer_console
@require_http_methods(["GET", "POST"])
def contact(request, dealer):
    """The dealer's phone (and WhatsApp) number, where buyers see it, and its verification by a code."""
    form = DealerContactForm(request.POST or None, initial={"phone": dealer.phone, "phone_shown": dealer.phone_shown})
    if request.method == "POST" and form.is_valid():
        try:
            set_dealer_phone(dealer, form.cleaned_data["phone"])
            set_dealer_phone_shown(dealer, form.cleaned_data["phone_shown"])
        except InventoryInputError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved your contact number."))
            return redirect("dealers_console:contact", dealer_id=dealer.pk)
    status = form_status(form)
    return render(
        request, "dealers/contact.html", {"dealer": dealer, "form": form, "code_form": CodeForm()}, status=status
    )


@dealer_console
@require_POST
def contact_send_code(request, dealer):
    try:
        send_dealer_phone_code(dealer, user_id=request.user.pk)
    except InventoryInputError as exc:
        messages.error(request, exc.message)
    except TooManyCodes:
        messages.error(request, _("Too many codes were sent to this number. Try again in an hour."))
    else:
        messages.success(request, _("We sent a code to your number on WhatsApp."))
    return redirect("dealers_console:contact", dealer_id=dealer.pk)


@dealer_console
@require_POST
def contact_verify(request, dealer):
    form = CodeForm(request.POST)
    result = confirm_dealer_phone(dealer, form.data.get("code", "")) if form.is_valid() else None
    if result is not None and result.ok:
        messages.success(request, _("Your number is verified: buyers now see a WhatsApp button."))
    else:
        messages.error(request, code_refusal(result))
    return redirect("dealers_console:contact", dealer_id=dealer.pk)


def code_refusal(result) -> str:
    if result is None or result.reason == "wrong":
        return _("That code is not right. Check the last message we sent.")
    return _("That code can no longer be used. Ask for a new one.")


@dealer_console
@require_http_methods(["GET", "POST"])
def edit_vehicle(request, dealer, vehicle_id: int):
    try:
        vehicle = dealer_vehicle(dealer.pk, vehicle_id)
    except Vehicle.DoesNotExist:
        raise Http404(_("No such vehicle in this inventory.")) from None
    form = VehicleEditForm(request.POST or None, vehicle=vehicle)
    if request.method == "POST" and form.is_valid() and save_edit(form, dealer, vehicle):
        messages.success(request, _("Saved %(vehicle)s.") % {"vehicle": vehicle})
        return redirect("dealers_console:edit-vehicle", dealer_id=dealer.pk, vehicle_id=vehicle.pk)
    status = form_status(form)
    context = {
        "dealer": dealer,
        "vehicle": vehicle,
        "form": form,
        "photos": [(photo, photo_image(photo)) for photo in vehicle_photos(vehicle.pk)],
        "max_photos": settings.PHOTOS_MAX_PER_VEHICLE,
        "max_megabytes": settings.PHOTOS_MAX_BYTES // (1024 * 1024),
        "hold_text": HOLD_REASON_TEXT.get(vehicle.held_reason, vehicle.held_reason) if vehicle.held_reason else "",
        "confirmed": vehicle.price_confirmed is not None and vehicle.price_confirmed == vehicle.price,
    }
    return render(request, "dealers/vehicle_edit.html", context, status=status)


@dealer_console
@require_http_methods(["GET", "POST"])
def add_vehicle_page(request, dealer):
    currencies = known_currencies()
    if request.method == "POST":
        form = VehicleAddForm(request.POST, currencies=currencies)
        if form.is_valid():
            data = form.cleaned_data
            try:
                vehicle = add_vehicle(
                    dealer,
                    NewVehicle(
                        **{k: data[k] or "" for k in ("vin", "make", "model", "trim", "body_type", "fuel")},
                        transmission=data["transmission"] or "",
                        exterior_color=data["exterior_color"] or "",
                        specs={declared.name: data[declared.name] for declared in SPEC_FIELDS},
                        description=data["description"] or "",
                        year=data["year"],
                        price=data["price"],
                        currency=data["currency"],
                        mileage_km=data["mileage_km"],
                        condition=data["condition"],
                    ),
                )
            except InventoryInputError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Added %(vehicle)s.") % {"vehicle": vehicle})
                return redirect("dealers_console:edit-vehicle", dealer_id=dealer.pk, vehicle_id=vehicle.pk)
    else:
        form = VehicleAddForm(currencies=currencies, initial={"currency": "USD"})
    status = form_status(form)
    return render(request, "dealers/vehicle_add.html", {"dealer": dealer, "form": form}, status=status)


def _safe_next(request, value: str, dealer) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return reverse("dealers_console:inventory", kwargs={"dealer_id": dealer.pk})


@dealer_console
@require_POST
def bulk(request, dealer):
    form = BulkForm(request.POST)
    back = _safe_next(request, request.POST.get("next", ""), dealer)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        messages.error(request, f"{field}: {errors[0]}")
        return redirect(back)
    data = form.cleaned_data
    try:
        if data["action"] == "mark_sold":
            changed = mark_sold(dealer.pk, data["vehicles"])
            messages.success(request, _("%(n)d vehicle(s) marked sold.") % {"n": changed})
        else:
            if data["percent"] is None:
                raise InventoryInputError("percent", _("Enter a percentage, e.g. -5."))
            changed = change_prices(dealer.pk, data["vehicles"], data["percent"])
            messages.success(
                request, _("%(n)d price(s) changed by %(pct)s%%.") % {"n": changed, "pct": data["percent"]}
            )
    except InventoryInputError as exc:
        messages.error(request, f"{exc.field}: {exc.message}")
    return redirect(back)


@dealer_console
@search_unavailable_page
@require_GET
def export_csv(request, dealer):
    """The vehicles the inventory page lists under the same parameters (without any: every vehicle of
    every status), with what buyers did with each."""
    params = InventorySearchParams(data=request.GET)
    if not params.is_valid():
        return render(request, "dealers/bad_request.html", {"message": first_error(params.errors)}, status=400)
    query = params.validated_data["query"]
    vehicle_ids = None if query == VehicleQuery() else inventory_ids(dealer_id=dealer.pk, query=query)
    response, writer = csv_download(f"inventory-dealer-{dealer.pk}.csv")
    export_inventory(dealer.pk, writer, vehicle_ids=vehicle_ids)
    return response


def _session_key(dealer) -> str:
    return f"dealer-import-{dealer.pk}"


@dealer_console
@require_http_methods(["GET", "POST"])
def import_csv(request, dealer):
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = import_inventory(dealer, form.cleaned_data["file"])
            except InventoryInputError as exc:
                _form_error(form, exc)
            else:
                request.session[_session_key(dealer)] = {
                    "summary": report.summary(),
                    "rejects": report.rejects[:KEPT_REJECTS],
                    "notes": report.notes[:KEPT_REJECTS],
                }
    else:
        form = ImportForm()
    status = form_status(form)
    shown = faults_by_row(report.rejects)[:SHOWN_REJECTED_ROWS] if report else []
    context = {
        "dealer": dealer,
        "form": form,
        "report": report,
        "shown_rows": shown,
        "columns": ", ".join(EXPORT_COLUMNS),
        "figures": ", ".join(EXPORT_FIGURES),
    }
    return render(request, "dealers/import.html", context, status=status)


@dealer_console
@require_GET
def import_rejects_csv(request, dealer):
    """The rejected rows, one line per fault: in words in the dealer's language, then the code and value
    for programs."""
    kept = request.session.get(_session_key(dealer))
    if kept is None:
        raise Http404(_("No import report in this session."))
    response, writer = csv_download(f"inventory-dealer-{dealer.pk}-rejects.csv")
    writer.writerow(["row", "line", "problem", "reason", "detail"])
    for number, line, reason, detail in kept["rejects"]:
        writer.writerow([number, line, fault_words(reason, detail), reason, detail])
    return response


@dealer_console
@require_GET
def leads(request, dealer):
    lead_rows = dealer_leads(dealer.pk)
    scores = scores_for_leads([lead.pk for lead in lead_rows])
    for lead in lead_rows:
        # Not `lead.score`: that is the reverse one-to-one to LeadScore, which refuses a view object.
        lead.shown_score = scores.get(lead.pk)
    return render(
        request,
        "dealers/leads.html",
        {"dealer": dealer, "leads": lead_rows, "deals": dealer_deals(dealer.pk)},
    )
