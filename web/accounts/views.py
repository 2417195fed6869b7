"""The account pages: the same sign-in, sign-out, registration and password reset for every role, then the
account's own pages (saved searches, price watches, notifications, API tokens, a dealer's members)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import dealer_members, roles, signin_links, tokens
from accounts.models import ApiToken
from api.throttles import SignupRateThrottle
from catalog.models import Dealer
from notifications import services as notification_services
from notifications.models import PriceWatch, SavedSearch
from web.forms import form_status
from web.labels import value_label
from web.search_state import chips, query_of, url_of

from .forms import EmailForm, MemberForm, PreferencesForm, RegisterForm, TokenForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_default_redirect_url(self):
        return roles.home_url(self.request.user)


class SignOutView(auth_views.LogoutView):
    next_page = "/"


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def too_many(request, throttle) -> HttpResponse:
    """The 429 of the e-mail-sending forms, with Retry-After."""
    retry_after = max(1, int(throttle.wait() or 1))
    context = {"retry_after": retry_after, "minutes": max(1, (retry_after + 59) // 60), "reason": "signup"}
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def throttled(view):
    """POSTs of a form that sends e-mail are limited per address (SIGNUP_RATE)."""

    @wraps(view)
    def limited(request, *args, **kwargs):
        throttle = SignupRateThrottle()
        if request.method == "POST" and not throttle.allow_request(request, None):
            return too_many(request, throttle)
        return view(request, *args, **kwargs)

    return limited


def _send(request, *, to: str, subject: str, template: str, context: dict) -> None:
    body = render_to_string(template, {**context, "site": request.build_absolute_uri("/").rstrip("/")}, request)
    send_mail(subject, body, None, [to])


@throttled
def register(request):
    """Whether the username or the e-mail is taken is told only to the e-mail's owner, in the message
    sent there; the page answers the same in every case (no more than the password reset tells)."""
    if request.user.is_authenticated:
        return redirect(roles.home_url(request.user))
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, email = form.cleaned_data["username"], form.cleaned_data["email"]
        User = get_user_model()
        if User.objects.filter(email__iexact=email).exists():
            message = (_("Your Nzila account"), "accounts/register_exists_email.txt", {})
        elif User.objects.filter(username__iexact=username).exists():
            message = (_("Choose another username"), "accounts/register_taken_email.txt", {"username": username})
        else:
            secret = signin_links.link_create(
                "register",
                {"username": username, "email": email, "password": make_password(form.cleaned_data["password1"])},
            )
            context = {"secret": secret, "username": username}
            message = (_("Finish creating your Nzila account"), "accounts/register_email.txt", context)
        subject, template, context = message
        _send(request, to=email, subject=subject, template=template, context=context)
        return render(request, "accounts/link_sent.html", {"email": email, "kind": "register"})
    return render(request, "accounts/register.html", {"form": form}, status=form_status(form))


def register_confirm(request, secret: str):
    """The link of the registration e-mail: a button (mail scanners open links, they do not press
    buttons), then the account, signed in."""
    pending = signin_links.link_peek("register", secret)
    if pending is None:
        return render(request, "accounts/link_invalid.html", status=410)
    if request.method != "POST":
        return render(request, "accounts/link_confirm.html", {"kind": "register", "username": pending["username"]})
    pending = signin_links.link_use("register", secret)
    User = get_user_model()
    if pending is None:
        return render(request, "accounts/link_invalid.html", status=410)
    if User.objects.filter(Q(username__iexact=pending["username"]) | Q(email__iexact=pending["email"])).exists():
        messages.error(request, _("This username or e-mail was taken meanwhile. Sign in, or register again."))
        return redirect("accounts:login")
    user = User.objects.create(username=pending["username"], email=pending["email"], password=pending["password"])
    user.groups.add(Group.objects.get(name=roles.BUYER))
    login(request, user, backend=MODEL_BACKEND)
    messages.success(request, _("Welcome to Nzila. Your account is ready."))
    return redirect(roles.home_url(user))


@throttled
def signin_link(request):
    """A one-time sign-in link by e-mail: how an owner whose account is locked signs in anyway."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user = signin_links.active_user_with_email(email)
        if user is not None:
            secret = signin_links.link_create("signin", {"user": user.pk})
            _send(
                request,
                to=email,
                subject=_("Your Nzila sign-in link"),
                template="accounts/signin_link_email.txt",
                context={"secret": secret, "username": user.get_username()},
            )
        return render(request, "accounts/link_sent.html", {"email": email, "kind": "signin"})
    return render(request, "accounts/signin_link.html", {"form": form}, status=form_status(form))


def signin_link_use(request, secret: str):
    payload = signin_links.link_peek("signin", secret)
    if payload is None:
        return render(request, "accounts/link_invalid.html", status=410)
    if request.method != "POST":
        return render(request, "accounts/link_confirm.html", {"kind": "signin"})
    payload = signin_links.link_use("signin", secret)
    user = get_user_model().objects.filter(pk=(payload or {}).get("user"), is_active=True).first()
    if user is None:
        return render(request, "accounts/link_invalid.html", status=410)
    login(request, user, backend=MODEL_BACKEND)
    return redirect(roles.home_url(user))


PASSWORD_RESET = {
    "reset": throttled(
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        )
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
        "invitations": list(dealer_members.invitations_for(user)),
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
    return _pause_resume_or_delete(
        request,
        action,
        delete=lambda: notification_services.saved_search_delete(search=search),
        set_active=lambda active: notification_services.saved_search_set_active(search=search, active=active),
        deleted=_("Saved search deleted."),
        back="accounts:saved_searches",
    )


@login_required
def price_watches(request):
    watches = PriceWatch.objects.filter(user=request.user).select_related("vehicle").order_by("-created_at")
    return render(request, "accounts/price_watches.html", {"watches": watches})


@require_POST
@login_required
def price_watch_action(request, watch_id: int, action: str):
    watch = get_object_or_404(PriceWatch, pk=watch_id, user=request.user)
    return _pause_resume_or_delete(
        request,
        action,
        delete=lambda: notification_services.price_watch_delete(watch=watch),
        set_active=lambda active: notification_services.price_watch_set_active(watch=watch, active=active),
        deleted=_("You no longer watch this vehicle."),
        back="accounts:price_watches",
    )


def _pause_resume_or_delete(request, action: str, *, delete, set_active, deleted: str, back: str):
    """What the buttons of a saved search or a price watch do (the URL allows only these actions)."""
    if action == "delete":
        delete()
        messages.success(request, deleted)
    else:
        set_active(action == "resume")
    return redirect(back)


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


@never_cache  # shows a new token's secret once: no cache (or back button) may keep it
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
        email = form.cleaned_data["email"]
        try:
            dealer_members.invite(dealer=dealer, email=email, invited_by=request.user)
        except dealer_members.AlreadyMember:
            form.add_error("email", _("A member already uses this e-mail address."))
        else:
            # The same words whether or not an account uses the address: the form tells no more than
            # password reset does.
            messages.success(
                request,
                _(
                    "Invitation sent to %(email)s. If it belongs to an account, its holder "
                    "becomes a member by accepting it within %(days)d days."
                )
                % {"email": email, "days": dealer_members.INVITATION_LIFETIME.days},
            )
            return redirect("accounts:dealer_members", dealer_id=dealer.pk)
    context = {
        "dealer": dealer,
        "members": dealer_members.members_of(dealer),
        "invitations": dealer_members.pending_invitations(dealer),
        "form": form,
    }
    return render(request, "accounts/dealer_members.html", context, status=form_status(form))


@require_POST
@roles.role_required(roles.DEALER_ADMIN, roles.STAFF)
def dealer_invitation_withdraw(request, dealer_id: int, invitation_id: int):
    dealer = _managed_dealer(request, dealer_id)
    try:
        dealer_members.withdraw(dealer=dealer, invitation_id=int(invitation_id), user=request.user)
    except dealer_members.InvitationGone:
        raise Http404("No such invitation.") from None
    messages.success(request, _("Invitation withdrawn."))
    return redirect("accounts:dealer_members", dealer_id=dealer.pk)


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
