from django.contrib import admin

from .models import Deal, Lead, Shipment


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("id", "buyer", "dealer", "vehicle", "source", "broker", "status", "created_at")
    list_filter = ("status", "source")
    search_fields = ("buyer__full_name", "dealer__name", "vehicle__vin")
    raw_id_fields = ("buyer", "vehicle", "dealer", "broker")
    date_hierarchy = "created_at"


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ("id", "buyer", "vehicle", "stage", "agreed_price", "currency", "stage_changed_at")
    list_filter = ("stage", "currency")
    search_fields = ("buyer__full_name", "vehicle__vin")
    raw_id_fields = ("lead", "buyer", "vehicle")
    date_hierarchy = "created_at"


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("id", "deal", "origin_port", "destination_port", "carrier", "status", "eta", "delivered_at")
    list_filter = ("status", "carrier")
    search_fields = ("tracking_reference", "origin_port", "destination_port")
    raw_id_fields = ("deal",)
