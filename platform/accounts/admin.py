"""Staff's view of accounts: API tokens (revocable, never readable), the sign-in audit and the invitations
to dealers' teams (read-only: only the invited person makes someone a member)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User

from nzila.read_only_admin import ReadOnlyAdmin

from . import roles
from .models import ApiToken, DealerInvitation, SignInEvent


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "token_key", "roles", "created", "expiry", "last_used_at")
    search_fields = ("name", "user__username", "token_key")
    fields = ("name", "user", "token_key", "roles", "created", "expiry", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # a token's secret is shown once to its holder: made on the account page or the API


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "user", "ip_address", "detail")
    list_filter = ("kind", "detail")
    search_fields = ("username", "ip_address")
    date_hierarchy = "at"


@admin.register(DealerInvitation)
class DealerInvitationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "dealer", "email", "invited_by", "state", "expires_at", "answered_at")
    list_filter = ("state",)
    search_fields = ("email", "dealer__name")


# Knox registers its own token model, which ApiToken replaces (KNOX_TOKEN_MODEL): no page for a table
# that does not exist.
try:
    from knox.models import AuthToken as _KnoxToken

    admin.site.unregister(_KnoxToken)
except admin.sites.NotRegistered:
    pass


class RoleAwareUserAdmin(UserAdmin):
    """Staff give accounts their roles (groups) here. Only superusers may grant staff or superuser status,
    the staff group or single permissions, so a staff member cannot raise their own rights."""

    list_display = ("username", "email", "role_list", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "groups")

    @admin.display(description="roles")
    def role_list(self, user) -> str:
        return ", ".join(sorted(roles.roles_of(user)))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "user_permissions"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.exclude(name=roles.STAFF)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)
admin.site.register(User, RoleAwareUserAdmin)
