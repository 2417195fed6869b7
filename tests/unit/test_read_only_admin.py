"""Records the platform writes itself are read-only in the admin, even for a superuser; only the
ones marked deletable (search log, scores) may be removed."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory

from nzila.read_only_admin import ReadOnlyAdmin


def test_no_one_adds_or_edits_a_record_and_only_deletable_ones_go():
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_active=True, is_staff=True, is_superuser=True)
    read_only = {
        model._meta.label: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ReadOnlyAdmin)
    }
    assert {"payments.Payment", "payments.LedgerEntry", "sales.CommissionEntry", "accounts.SignInEvent"} <= set(
        read_only
    )
    assert {"insights.SearchLog", "scoring.LeadScore"} <= set(read_only)
    for label, model_admin in read_only.items():
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert model_admin.has_delete_permission(request) is model_admin.deletable, label
    assert not read_only["payments.LedgerEntry"].deletable and read_only["insights.SearchLog"].deletable
