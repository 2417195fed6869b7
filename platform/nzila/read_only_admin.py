"""Admin pages of records the platform writes itself (payments, commissions, sign-ins, scores, the
search log): staff read them; nobody adds or edits one by hand."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    # Whether staff may delete records (a search log line may go; a ledger entry never does).
    deletable = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)
