"""Saving the console's edit form: what changed goes through the API's serializer and the catalog's
update, so the console accepts and refuses exactly what the API does, and says why beside the field."""

from __future__ import annotations

from api.dealer_serializers import VehicleEditInput
from catalog.models import Vehicle
from catalog.services import InventoryInputError, VehicleEdit, update_vehicle
from search.fields import EDITABLE_FIELDS

from .forms import VehicleEditForm, edit_text

# Fields where an emptied box means "not known" (""); elsewhere it is sent as null, which the
# serializer accepts only where the declaration says the value may be unknown (mileage).
_BLANK_IS_TEXT = ("code", "text")


def changed_values(form: VehicleEditForm, vehicle: Vehicle) -> dict:
    """The posted values that differ from the vehicle's, as the API's PATCH body would carry them
    (a field the post leaves out stays as it is, as in the PATCH)."""
    body = {}
    for declared in EDITABLE_FIELDS:
        if declared.column not in form.data:
            continue
        typed = form.cleaned_data[declared.column]
        if typed == edit_text(vehicle, declared.column):
            continue
        body[declared.column] = typed if typed or declared.editable.kind in _BLANK_IS_TEXT else None
    if "status" in form.data and form.cleaned_data["status"] != vehicle.status:
        body["status"] = form.cleaned_data["status"]
    return body


def save_edit(form: VehicleEditForm, dealer, vehicle: Vehicle) -> bool:
    """Write the changes, or put each refusal on its field and return False."""
    serializer = VehicleEditInput(data=changed_values(form, vehicle))
    if not serializer.is_valid():
        for column, errors in serializer.errors.items():
            for error in errors:
                form.add_error(column if column in form.fields else None, str(error))
        return False
    body = dict(serializer.validated_data)
    status = body.pop("status", None)
    try:
        update_vehicle(dealer.pk, vehicle.pk, VehicleEdit(status=status, values=body))
    except InventoryInputError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        return False
    vehicle.refresh_from_db()
    return True
