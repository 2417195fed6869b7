"""The reference data in force on a day, read from Postgres into `estimate.Reference`.

The indexer reads it afresh for every batch it writes (a handful of small tables): a document
re-stamped because a rate changed must be built from the new rate, never from a cached one. Pages
and parameters read the port list through a short cache (`ports()`), like exchange rates.
"""

from __future__ import annotations

import threading
import time
from datetime import date

from django.db.models import Q
from django.utils import timezone

from .estimate import Origin, PortRef, Reference, Rule, Source, Tax
from .models import AgeSurcharge, ExportOrigin, FreightRate, ImportRule, ImportTax, InsuranceRate, Port

_TTL_SECONDS = 60.0
_lock = threading.Lock()
_ports_cache: tuple[float, tuple[PortRef, ...]] | None = None


def today() -> date:
    return timezone.now().date()


def _in_force(day: date) -> Q:
    return Q(effective_from__lte=day) & (Q(effective_until__isnull=True) | Q(effective_until__gt=day))


def _source(kind: str, row) -> Source:
    return Source(kind, row.status, row.source_title, row.source_url, row.checked_on, row.effective_from)


def _port_ref(port: Port) -> PortRef:
    aliases = tuple(a.strip() for a in port.aliases.split(",") if a.strip())
    return PortRef(port.code, port.name, port.country, port.country_name, port.country_name_fr, port.currency, aliases)


def load_reference(day: date | None = None) -> Reference:
    day = day or today()
    live = _in_force(day)
    ports = tuple(_port_ref(p) for p in Port.objects.filter(active=True).order_by("code"))
    origins = {
        o.country: Origin(o.region, o.export_port, float(o.inland_usd), _source("origin", o))
        for o in ExportOrigin.objects.filter(live)
    }
    freight: dict = {}
    # RoRo is what cars ship by where it is offered; a container rate stands in where it is not.
    for rate in FreightRate.objects.filter(live).order_by("-method"):
        freight[(rate.region, rate.port_id, rate.size_class)] = (
            float(rate.amount_usd),
            rate.method,
            _source("freight", rate),
        )
    insurance_row = InsuranceRate.objects.filter(live).order_by("-effective_from").first()
    insurance = (
        (float(insurance_row.percent), float(insurance_row.minimum_usd), _source("insurance", insurance_row))
        if insurance_row
        else None
    )
    surcharges: dict[str, list] = {}
    for band in AgeSurcharge.objects.filter(live).order_by("-older_than_years"):
        surcharges.setdefault(band.country, []).append(
            (band.older_than_years, float(band.percent), band.base, _source("surcharge", band))
        )
    taxes = {
        t.country: Tax(
            float(t.duty_percent),
            float(t.excise_percent),
            float(t.vat_percent),
            float(t.levies_percent),
            _source("tax", t),
            tuple(surcharges.get(t.country, ())),
        )
        for t in ImportTax.objects.filter(live)
    }
    rules = {
        r.country: Rule(r.max_age_years, r.steering, r.used_allowed, _source("rule", r))
        for r in ImportRule.objects.filter(live)
    }
    return Reference(day, ports, origins, freight, insurance, taxes, rules)


def ports() -> tuple[PortRef, ...]:
    """The active destination ports, cached briefly (the parameters and pages read them on every request)."""
    global _ports_cache
    now = time.monotonic()
    cached = _ports_cache
    if cached is not None and now - cached[0] < _TTL_SECONDS:
        return cached[1]
    with _lock:
        found = tuple(_port_ref(p) for p in Port.objects.filter(active=True).order_by("name"))
        _ports_cache = (now, found)
        return found


def forget_ports() -> None:
    global _ports_cache
    _ports_cache = None


def port_by_code(code: str) -> PortRef | None:
    return next((port for port in ports() if port.code == code), None)


def destination_countries() -> dict[str, PortRef]:
    """Country code -> its first port (the countries buyers can ask about)."""
    out: dict[str, PortRef] = {}
    for port in ports():
        out.setdefault(port.country, port)
    return out
