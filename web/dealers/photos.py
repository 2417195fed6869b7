"""The console's photo actions on a vehicle: upload (several at once, from a phone's camera roll too),
make cover, move, delete, retry. Plain forms that work without JavaScript; console-photos.js sends
uploads through the API instead, one file at a time with a progress bar."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from catalog.models import Vehicle
from catalog.services import dealer_vehicle
from media.services import PhotosRefused, add_photos, delete_photo, move_photo, read_upload, retry_photo

from .access import dealer_console

ACTIONS = ("first", "earlier", "later", "delete", "retry")


def _vehicle(dealer, vehicle_id: int) -> Vehicle:
    try:
        return dealer_vehicle(dealer.pk, vehicle_id)
    except Vehicle.DoesNotExist:
        raise Http404(_("No such vehicle in this inventory.")) from None


def _back(dealer, vehicle):
    return redirect(reverse("dealers_console:edit-vehicle", args=(dealer.pk, vehicle.pk)) + "#photos")


@dealer_console
@require_POST
def upload(request, dealer, vehicle_id: int):
    vehicle = _vehicle(dealer, vehicle_id)
    files = request.FILES.getlist("photos")
    if not files:
        messages.error(request, _("Choose one or more photos first."))
        return _back(dealer, vehicle)
    try:
        added = add_photos(vehicle, [read_upload(f) for f in files])
    except PhotosRefused as exc:
        for refusal in exc.refusals:
            messages.error(request, refusal.sentence())
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d photo added; it shows to buyers in a few seconds.",
                "%(count)d photos added; they show to buyers in a few seconds.",
                len(added),
            )
            % {"count": len(added)},
        )
    return _back(dealer, vehicle)


@dealer_console
@require_POST
def photo_action(request, dealer, vehicle_id: int, photo_id: int):
    vehicle = _vehicle(dealer, vehicle_id)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404
    try:
        if action == "delete":
            delete_photo(vehicle, photo_id)
        elif action == "retry":
            retry_photo(vehicle, photo_id)
        else:
            move_photo(vehicle, photo_id, to=action)
    except ValueError:
        raise Http404(_("No such photo of this vehicle.")) from None
    return _back(dealer, vehicle)
