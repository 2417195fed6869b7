"""The brokers' page (/broker/): their leads, deals, tier, progress and earnings; staff see and export
every statement."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.roles import BROKER, STAFF, has_role, role_required
from nzila.text_input import whole_number
from sales.commissions import broker_summary
from sales.models import CommissionStatement
from sales.selectors import broker_deals, broker_leads
from web.downloads import csv_download

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
    }
    return render(request, "dealers/broker.html", context)


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
