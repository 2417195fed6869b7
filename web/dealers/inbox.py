"""The dealers' inbox (/dealer/<id>/inbox): buyers' threads, unanswered first with how long they have
waited, each with its lead's score and reasons; a thread, its reply form and the block button.

Threads are private to the buyer and the dealer's members: staff (who may open any dealer's console)
and members of other dealers get a 404, like everybody else who is not a member."""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import DEALER_MEMBER, dealers_of, refuse
from inquiries import selectors, services
from inquiries.limits import InquiryRefused
from inquiries.models import Inquiry
from scoring.selectors import scores_for_leads
from web.asking import AskForm


def members_only(view):
    """Sign-in redirect for anonymous visitors, 403 without a dealer role, 404 unless a member of this dealer."""

    @wraps(view)
    def wrapped(request, dealer_id: int, *args, **kwargs):
        refusal = refuse(request, (DEALER_MEMBER,))
        if refusal is not None:
            return refusal
        dealer = dealers_of(request.user).filter(pk=dealer_id).first()
        if dealer is None:
            raise Http404("No such dealer.")
        return view(request, dealer, *args, **kwargs)

    return wrapped


@members_only
@require_GET
def inbox(request, dealer):
    threads = selectors.dealer_inbox(dealer.pk)
    scores = scores_for_leads([t.lead_id for t in threads if t.lead_id])
    for thread in threads:
        thread.shown_score = scores.get(thread.lead_id)
    return render(
        request,
        "dealers/inbox.html",
        {"dealer": dealer, "threads": threads, "response_time": selectors.dealer_response_time(dealer.pk)},
    )


def _thread(dealer, inquiry_id: int) -> Inquiry:
    try:
        return selectors.inquiry_for_dealer(dealer.pk, inquiry_id)
    except Inquiry.DoesNotExist:
        raise Http404("No such conversation.") from None


@members_only
@require_http_methods(["GET", "POST"])
def thread(request, dealer, inquiry_id: int):
    inquiry = _thread(dealer, inquiry_id)
    error, status = "", 200
    form = AskForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reply(
                    inquiry_id=inquiry.pk,
                    dealer_id=dealer.pk,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    client_key=form.cleaned_data["client_key"],
                )
            except InquiryRefused as refused:
                error, status = refused.message, 400
            else:
                return redirect("dealers_console:inquiry", dealer_id=dealer.pk, inquiry_id=inquiry.pk)
        else:
            status = 400
    else:
        services.mark_read(inquiry, side="dealer")
    score = scores_for_leads([inquiry.lead_id]).get(inquiry.lead_id) if inquiry.lead_id else None
    context = {
        "dealer": dealer,
        "thread": inquiry,
        "messages_shown": selectors.thread_messages(inquiry, side="dealer"),
        "form": form if status != 200 else AskForm(initial={"client_key": uuid.uuid4()}),
        "error": error,
        "score": score,
        "blocked": services.is_blocked(inquiry),
    }
    return render(request, "dealers/inquiry.html", context, status=status)


@members_only
@require_POST
def block(request, dealer, inquiry_id: int):
    inquiry = _thread(dealer, inquiry_id)
    if request.POST.get("action") == "unblock":
        services.unblock_sender(inquiry=inquiry)
        messages.success(request, _("%(name)s can write to you again.") % {"name": inquiry.buyer.full_name})
    else:
        services.block_sender(inquiry=inquiry, by=request.user)
        messages.success(request, _("%(name)s can no longer write to you.") % {"name": inquiry.buyer.full_name})
    return redirect("dealers_console:inquiry", dealer_id=dealer.pk, inquiry_id=inquiry.pk)
