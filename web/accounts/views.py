"""The account pages: the same sign-in, sign-out, registration and password reset for every role, then the
account's own pages (saved searches, price watches, notifications, API tokens, a dealer's members)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import dealer_members, roles, tokens
from accounts.models import ApiToken
from catalog.models import Dealer
from notifications import services as notification_services
from notifications.models import PriceWatch, SavedSearch
from web.forms import form_status
from web.labels import value_label
from web.search_state import chips, query_of, url_of

from .forms import MemberForm, PreferencesForm, RegisterForm, TokenForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_default_redirect_url(self):
        return roles.home_url(self.request.user)


class SignOutView(auth_views.LogoutView):
    next_page = "/"


def register(request):
    if request.user.is_authenticated:
        return redirect(roles.home_url(request.user))
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        user.groups.add(Group.objects.get(name=roles.BUYER))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Nzila. Your account is ready."))
        return redirect(roles.home_url(user))
    return render(request, "accounts/register.html", {"form": form}, status=form_status(form))


PASSWORD_RESET = {
    "reset": auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    ),
    "done": auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
    "confirm": auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    ),
    "complete": auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
}


@login_required
def overview(request):
    user = request.user
    held = roles.roles_of(user)
    context = {
        "roles": [roles.ROLE_LABELS[r] for r in roles.ALL_ROLES if r in held],
        "home": roles.home_url(user),
        "managed_dealers": [d for d in roles.dealers_of(user) if roles.is_admin_of_dealer(user, d)],
    }
    return render(request, "accounts/overview.html", context)


# --- Saved searches and price watches --------------------------------------------------------


@login_required
def saved_searches(request):
    """Each saved search as the search page would show its filters (chips), with a link to its results."""
    searches = []
    for search in SavedSearch.objects.filter(user=request.user).order_by("-created_at"):
        query = query_of(search.params)
        searches.append(
            {
                "search": search,
                "chips": [chip.label for chip in chips(query, value_label)],
                "results_url": reverse("web:search") + url_of(query),
            }
        )
    return render(request, "accounts/saved_searches.html", {"searches": searches})


@require_POST
@login_required
def saved_search_action(request, search_id: int, action: str):
    search = get_object_or_404(SavedSearch, pk=search_id, user=request.user)
    if action == "delete":
        notification_services.saved_search_delete(search=search)
        messages.success(request, _("Saved search deleted."))
    else:
        notification_services.saved_search_set_active(search=search, active=action == "resume")
    return redirect("accounts:saved_searches")


@login_required
def price_watches(request):
    watches = PriceWatch.objects.filter(user=request.user).select_related("vehicle").order_by("-created_at")
    return render(request, "accounts/price_watches.html", {"watches": watches})


@require_POST
@login_required
def price_watch_action(request, watch_id: int, action: str):
    watch = get_object_or_404(PriceWatch, pk=watch_id, user=request.user)
    if action == "delete":
        notification_services.price_watch_delete(watch=watch)
        messages.success(request, _("You no longer watch this vehicle."))
    else:
        notification_services.price_watch_set_active(watch=watch, active=action == "resume")
    return redirect("accounts:price_watches")


@login_required
def notification_preferences(request):
    pref = notification_services.preferences_for(request.user)
    form = PreferencesForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        notification_services.preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("accounts:notifications")
    return render(request, "accounts/notifications.html", {"form": form}, status=form_status(form))


# --- API tokens ---------------------------------------------------------------------------------


@login_required
def api_tokens(request):
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = tokens.token_create(user=request.user, name=form.cleaned_data["name"], request=request)
        except tokens.TokenLimitReached:
            form.add_error("name", _("You have too many tokens; revoke one first."))
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens.tokens_of(request.user), "new_secret": new_secret},
        status=form_status(form),
    )


@require_POST
@login_required
def api_token_revoke(request, token_id):
    token = get_object_or_404(ApiToken, uid=token_id, user=request.user)
    tokens.token_revoke(token=token, request=request)
    messages.success(request, _("Token revoked: it no longer works."))
    return redirect("accounts:tokens")


# --- A dealer's members -------------------------------------------------------------------------


def _managed_dealer(request, dealer_id: int) -> Dealer:
    """The dealer, if this user may manage its members; 404 otherwise, so outsiders learn nothing."""
    dealer = get_object_or_404(Dealer, pk=dealer_id)
    if not roles.is_admin_of_dealer(request.user, dealer):
        raise Http404("No such dealer.")
    return dealer


@roles.role_required(roles.DEALER_ADMIN, roles.STAFF)
def dealer_members_page(request, dealer_id: int):
    dealer = _managed_dealer(request, dealer_id)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dealer_members.member_add(dealer=dealer, user=form.user)
        messages.success(request, _("%(name)s is now a member.") % {"name": form.user.get_username()})
        return redirect("accounts:dealer_members", dealer_id=dealer.pk)
    return render(
        request,
        "accounts/dealer_members.html",
        {"dealer": dealer, "members": dealer_members.members_of(dealer), "form": form},
        status=form_status(form),
    )


@require_POST
@roles.role_required(roles.DEALER_ADMIN, roles.STAFF)
def dealer_member_remove(request, dealer_id: int, user_id: int):
    dealer = _managed_dealer(request, dealer_id)
    member = get_object_or_404(dealer.members, pk=user_id)
    try:
        dealer_members.member_remove(dealer=dealer, user=member)
    except dealer_members.LastAdmin:
        messages.error(request, _("You cannot remove the dealer's last admin."))
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": member.get_username()})
    if member == request.user:
        return redirect("accounts:overview")  # they left the dealer they were managing
    return redirect("accounts:dealer_members", dealer_id=dealer.pk)
