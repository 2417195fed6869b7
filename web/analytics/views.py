"""The analysts' dashboard: every chart over one filter set, as tables first, charts on top, CSV each."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import ANALYST, STAFF, role_required
from search.analytics import INTERVALS
from web.dealers.params import first_error
from web.dealers.unavailable import search_unavailable_page
from web.downloads import csv_download

from .params import GROUPS, REPORT_INTERVALS, DashboardParams
from .reports import SLUGS, build_reports


def _query(request):
    """The query string as the serializer reads it; "Toyota, Honda" in the make box means either, and
    "Nigeria, Sénégal" in the country box too."""
    data = request.GET.copy()
    for name in ("make", "country"):
        if name in data:
            data.setlist(name, [part.strip() for v in data.getlist(name) for part in v.split(",") if part.strip()])
    return data


def _validated(request):
    params = DashboardParams(data=_query(request))
    if not params.is_valid():
        return None, first_error(params.errors)
    return params.validated_data, None


@require_GET
@role_required(ANALYST, STAFF)
@search_unavailable_page
def dashboard(request):
    p, error = _validated(request)
    reports = build_reports(p) if p else {}
    query = request.GET.urlencode()
    context = {
        "reports": [
            {"report": r, "csv_url": f"{r.slug}.csv" + (f"?{query}" if query else ""), "chart": r.chart}
            for r in reports.values()
        ],
        "charts": {r.slug: {"columns": r.columns, "rows": r.rows, **r.chart} for r in reports.values()},
        "error": error,
        "get": request.GET,
        "makes": request.GET.getlist("make"),
        "groups": GROUPS,
        "intervals": INTERVALS,
        "report_intervals": REPORT_INTERVALS,
        "currencies": settings.DISPLAY_CURRENCIES,
        "p": p or {},
    }
    return render(request, "analytics/dashboard.html", context, status=400 if error else 200)


@require_GET
@role_required(ANALYST, STAFF)
@search_unavailable_page
def report_csv(request, slug: str):
    p, error = _validated(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    if slug not in SLUGS:
        raise Http404("No such chart.")
    report = build_reports(p, only=slug)[slug]
    response, writer = csv_download(f"{slug}.csv")
    writer.writerow(report.columns)
    writer.writerows(report.rows)
    return response
