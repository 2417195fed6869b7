from django.contrib import admin

from .models import Buyer, VehicleView


@admin.register(Buyer)
class BuyerAdmin(admin.ModelAdmin):
    list_display = ("full_name", "user", "country", "phone_e164", "created_at")
    list_filter = ("country",)
    search_fields = ("full_name", "user__username", "user__email", "phone_e164")
    raw_id_fields = ("user",)


@admin.register(VehicleView)
class VehicleViewAdmin(admin.ModelAdmin):
    list_display = ("vehicle", "user", "viewed_at", "dwell_seconds")
    raw_id_fields = ("vehicle", "user")
    date_hierarchy = "viewed_at"
