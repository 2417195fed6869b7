from django.contrib import admin

from .models import Currency, Dealer, Vehicle


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "units_per_usd", "rate_updated_at")


@admin.register(Dealer)
class DealerAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "city", "rating", "verified")
    list_filter = ("country", "verified")
    search_fields = ("name", "city")
    filter_horizontal = ("members",)


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ("id", "make", "model", "year", "price", "currency", "status", "dealer", "listed_at")
    list_filter = ("status", "condition", "fuel", "body_type", "country")
    search_fields = ("vin", "make", "model", "trim")
    raw_id_fields = ("dealer",)
    list_select_related = ("dealer", "currency")
