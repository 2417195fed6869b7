"""Staff edit the reference data here. A change is a new row with its own effective dates; the form
refuses a figure that does not parse, a negative one, dates out of order, a sourced figure without
its source and a row overlapping another of the same subject (models.Sourced.clean)."""

from django.contrib import admin

from .models import AgeSurcharge, ExportOrigin, FreightRate, ImportRule, ImportTax, InsuranceRate, Port

SOURCED = ("status", "checked_on", "effective_from", "effective_until", "source_title")


@admin.register(Port)
class PortAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "country", "country_name", "currency", "active")
    list_filter = ("country", "active")


class SourcedAdmin(admin.ModelAdmin):
    list_filter = ("status",)
    date_hierarchy = "effective_from"
    search_fields = ("source_title", "note")


@admin.register(ExportOrigin)
class ExportOriginAdmin(SourcedAdmin):
    list_display = ("country", "region", "export_port", "inland_usd", *SOURCED)


@admin.register(FreightRate)
class FreightRateAdmin(SourcedAdmin):
    list_display = ("region", "port", "size_class", "method", "amount_usd", *SOURCED)
    list_filter = ("status", "region", "port", "size_class", "method")


@admin.register(InsuranceRate)
class InsuranceRateAdmin(SourcedAdmin):
    list_display = ("percent", "minimum_usd", *SOURCED)


@admin.register(ImportTax)
class ImportTaxAdmin(SourcedAdmin):
    list_display = ("country", "duty_percent", "excise_percent", "vat_percent", "levies_percent", *SOURCED)
    list_filter = ("status", "country")


@admin.register(AgeSurcharge)
class AgeSurchargeAdmin(SourcedAdmin):
    list_display = ("country", "older_than_years", "percent", "base", *SOURCED)
    list_filter = ("status", "country")


@admin.register(ImportRule)
class ImportRuleAdmin(SourcedAdmin):
    list_display = ("country", "max_age_years", "steering", "used_allowed", *SOURCED)
    list_filter = ("status", "country")
