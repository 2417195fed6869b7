"""When estimates change by themselves: a rate or rule coming into or going out of force on its
effective date, and every car a year older on 1 January. No row changes on those days, so no trigger
fires; catalog.tasks.restamp_delivered_prices asks this module each day and re-stamps the vehicles."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from .models import AgeSurcharge, ExportOrigin, FreightRate, ImportRule, ImportTax, InsuranceRate

DATED_MODELS = (ExportOrigin, FreightRate, InsuranceRate, ImportTax, AgeSurcharge, ImportRule)


def estimates_change_between(after: date, until: date) -> bool:
    """Whether an estimate made on `until` may differ from one made on `after` with the same rows: a row's
    effective dates start or end in (after, until], or a new year began (ages count from model years)."""
    if until <= after:
        return False
    if until.year != after.year:
        return True
    boundary = Q(effective_from__gt=after, effective_from__lte=until) | Q(
        effective_until__gt=after, effective_until__lte=until
    )
    return any(model.objects.filter(boundary).exists() for model in DATED_MODELS)
